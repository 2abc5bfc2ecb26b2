"""Handlers of the ``session/*`` methods of a live session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.rpc._dispatch import Handler
from claude_server.services import (
    Application,
    check_prompt,
    wire_stop_reason,
    wire_usage,
    wire_workspace,
)

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


def session_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """The session methods, bound to one connection."""
    sessions = app.sessions

    async def new(params: p.SessionNewParams) -> p.SessionNewResult:
        session = app.new_session(params.cwd, params.model, params.mode)
        conn.watch(session)
        return p.SessionNewResult(
            session_id=session.session_id,
            model=session.model,
            mode=session.mode,
            workspace=wire_workspace(app.workspace(params.cwd)),
        )

    async def prompt(params: p.SessionPromptParams) -> p.SessionPromptResult:
        session = await sessions.get(params.session_id)
        conn.watch(session)
        text = "".join(b.text for b in params.prompt if isinstance(b, p.TextPromptBlock))
        images = [b.data for b in params.prompt if isinstance(b, p.ImagePromptBlock)]
        check_prompt(text, images)
        outcome = await session.prompt(text, images=images)
        return p.SessionPromptResult(
            stop_reason=wire_stop_reason(outcome.stop_reason),
            usage=wire_usage(outcome.usage),
            cost_usd=None if outcome.cost_usd is None else round(outcome.cost_usd, 6),
        )

    async def cancel(params: p.SessionCancelParams) -> None:
        sessions.get_live(params.session_id).cancel()

    async def attach(params: p.SessionAttachParams) -> p.SessionAttachResult:
        session = await sessions.get(params.session_id)
        last_seq = session.log.last_seq
        if params.since_seq is None:
            conn.watch(session)
            replayed = 0
        else:
            replayed = await conn.replay_and_watch(session, params.since_seq)
        return p.SessionAttachResult(
            session_id=session.session_id,
            cwd=str(session.cwd),
            model=session.model,
            mode=session.mode,
            last_seq=last_seq,
            replayed=replayed,
            busy=session.busy,
        )

    async def set_mode(params: p.SessionSetModeParams) -> p.Empty:
        (await sessions.get(params.session_id)).set_mode(params.mode)
        return p.Empty()

    async def set_model(params: p.SessionSetModelParams) -> p.SessionSetModelResult:
        session = await sessions.get(params.session_id)
        return p.SessionSetModelResult(model=app.set_model(session, params.model))

    return {
        "session/new": new,
        "session/setMode": set_mode,
        "session/setModel": set_model,
        "session/prompt": prompt,
        "session/cancel": cancel,
        "session/attach": attach,
    }
