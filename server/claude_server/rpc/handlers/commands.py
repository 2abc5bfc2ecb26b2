"""Handlers of ``session/command``, ``commands/list`` and ``files/search``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.commands import list_commands, search_files
from claude_server.engine import run_slash
from claude_server.errors import ProtocolViolationError
from claude_server.rpc._dispatch import Handler
from claude_server.rpc._translate import wire_stop_reason, wire_usage

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection
    from claude_server.rpc._core import DaemonCore


def _directory(path: str) -> Path:
    if not os.path.isabs(path) or not os.path.isdir(path):
        raise ProtocolViolationError(f"cwd must be an absolute path to a directory, got {path!r}")
    return Path(path)


def command_handlers(core: DaemonCore, conn: Connection) -> dict[str, Handler]:
    """The command methods, bound to one connection."""

    async def command(params: p.SessionCommandParams) -> p.SessionCommandResult:
        session = await core.sessions.get(params.session_id)
        conn.watch(session, since_seq=None)
        result = await run_slash(session, params.command, core.command_services)
        turn = result.turn
        return p.SessionCommandResult(
            command=result.command,
            output=result.output,
            stop_reason=wire_stop_reason(turn.stop_reason) if turn else None,
            usage=wire_usage(turn.usage) if turn else None,
        )

    async def list_(params: p.CommandsListParams) -> p.CommandsListResult:
        if params.session_id is not None:
            cwd = Path((await core.sessions.get(params.session_id)).cwd)
        elif params.cwd is not None:
            cwd = _directory(params.cwd)
        else:
            cwd = None
        skills = core.command_services.skills(cwd) if cwd is not None else None
        entries = list_commands(skills.skills if skills else ())
        return p.CommandsListResult(
            commands=[p.CommandInfo.model_validate(e) for e in entries],
            warnings=[f"{w.path}: {w.message}" for w in skills.warnings] if skills else [],
        )

    async def search(params: p.FilesSearchParams) -> p.FilesSearchResult:
        cwd = _directory(params.cwd)
        # The walk and git call block; keep them off the event loop.
        matches = await asyncio.to_thread(
            search_files, cwd, params.query, limit=params.limit, home=core.sessions.deps.home
        )
        return p.FilesSearchResult(
            matches=[p.FileMatchInfo(path=m.path, is_dir=m.is_dir, score=m.score) for m in matches]
        )

    return {"session/command": command, "commands/list": list_, "files/search": search}
