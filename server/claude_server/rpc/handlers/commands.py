"""Handlers of ``session/command``, ``commands/list``, ``files/search`` and
``permissions/explain``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.rpc._dispatch import Handler
from claude_server.services import Application, check_prompt, wire_stop_reason, wire_usage

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


def command_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """The command methods, bound to one connection."""

    async def command(params: p.SessionCommandParams) -> p.SessionCommandResult:
        check_prompt(params.command, [])
        session = await app.sessions.get(params.session_id)
        conn.watch(session)
        result = await app.commands.run(session, params.command)
        turn = result.turn
        return p.SessionCommandResult(
            command=result.command,
            output=result.output,
            stop_reason=wire_stop_reason(turn.stop_reason) if turn else None,
            usage=wire_usage(turn.usage) if turn else None,
        )

    async def list_(params: p.CommandsListParams) -> p.CommandsListResult:
        listed = await app.command_list(params.session_id, params.cwd)
        return p.CommandsListResult(
            commands=[p.CommandInfo.model_validate(e) for e in listed.commands],
            warnings=listed.warnings,
        )

    async def search(params: p.FilesSearchParams) -> p.FilesSearchResult:
        matches = await app.search_files(params.cwd, params.query, params.limit)
        return p.FilesSearchResult(
            matches=[p.FileMatchInfo(path=m.path, is_dir=m.is_dir, score=m.score) for m in matches]
        )

    async def explain(params: p.PermissionsExplainParams) -> p.PermissionsExplainResult:
        found = app.explain_permission(params.cwd, params.tool, params.input, params.mode)
        d = found.decision
        return p.PermissionsExplainResult(
            decision=d.behavior,
            reason=d.reason,
            rule=d.rule,
            source=d.source,
            mode=found.mode,
            tool=found.tool,
            problems=found.problems,
        )

    return {
        "session/command": command,
        "commands/list": list_,
        "files/search": search,
        "permissions/explain": explain,
    }
