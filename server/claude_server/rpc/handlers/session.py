"""Handlers of the ``session/*`` methods."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.errors import ProtocolViolationError
from claude_server.rpc._dispatch import Handler
from claude_server.rpc._translate import wire_stop_reason, wire_usage

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection
    from claude_server.rpc._core import DaemonCore


def session_handlers(core: DaemonCore, conn: Connection) -> dict[str, Handler]:
    """The session methods, bound to one connection."""

    async def new(params: p.SessionNewParams) -> p.SessionNewResult:
        if not os.path.isabs(params.cwd):
            raise ProtocolViolationError(f"cwd must be an absolute path, got {params.cwd!r}")
        if not os.path.isdir(params.cwd):
            raise ProtocolViolationError(f"cwd {params.cwd!r} is not a directory")
        model = core.resolve_model(params.model) if params.model else None
        session = core.sessions.new(params.cwd, model, params.mode)
        conn.watch(session, since_seq=None)
        return p.SessionNewResult(
            session_id=session.session_id, model=session.model, mode=session.mode
        )

    async def prompt(params: p.SessionPromptParams) -> p.SessionPromptResult:
        session = await core.sessions.get(params.session_id)
        conn.watch(session, since_seq=None)
        text = "".join(b.text for b in params.prompt if isinstance(b, p.TextPromptBlock))
        images = [b.data for b in params.prompt if isinstance(b, p.ImagePromptBlock)]
        outcome = await session.prompt(text, images=images)
        return p.SessionPromptResult(
            stop_reason=wire_stop_reason(outcome.stop_reason),
            usage=wire_usage(outcome.usage),
            cost_usd=None if outcome.cost_usd is None else round(outcome.cost_usd, 6),
        )

    async def cancel(params: p.SessionCancelParams) -> None:
        core.sessions.get_live(params.session_id).cancel()

    async def attach(params: p.SessionAttachParams) -> p.SessionAttachResult:
        session = await core.sessions.get(params.session_id)
        last_seq = session.log.last_seq
        replayed = conn.watch(session, since_seq=params.since_seq)
        return p.SessionAttachResult(
            session_id=session.session_id,
            cwd=session.cwd,
            model=session.model,
            mode=session.mode,
            last_seq=last_seq,
            replayed=replayed,
            busy=session.busy,
        )

    async def set_mode(params: p.SessionSetModeParams) -> p.Empty:
        (await core.sessions.get(params.session_id)).set_mode(params.mode)
        return p.Empty()

    async def set_model(params: p.SessionSetModelParams) -> p.SessionSetModelResult:
        session = await core.sessions.get(params.session_id)
        session.set_model(core.resolve_model(params.model))
        return p.SessionSetModelResult(model=session.model)

    return {
        "session/new": new,
        "session/setMode": set_mode,
        "session/setModel": set_model,
        "session/prompt": prompt,
        "session/cancel": cancel,
        "session/attach": attach,
    }
