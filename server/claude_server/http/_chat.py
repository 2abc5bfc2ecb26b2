"""``POST /chat``: one turn, streamed as server-sent events or answered as one JSON result."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from claude_server import protocol as p
from claude_server.engine import LiveSession
from claude_server.errors import ClaudePyError, ProtocolViolationError
from claude_server.http._client import HttpClient
from claude_server.http._errors import from_error
from claude_server.http._messages import head_bytes, json_response, sse_event
from claude_server.model import SessionEvent
from claude_server.services import (
    Application,
    check_prompt,
    to_update,
    wire_stop_reason,
    wire_usage,
)

log = logging.getLogger(__name__)


async def open_session(app: Application, chat: p.ChatRequest) -> LiveSession:
    """The session a chat runs in: the one named, or a new one in ``cwd``."""
    if chat.session_id is not None:
        session = await app.sessions.get(chat.session_id)
        if chat.model is not None:
            app.set_model(session, chat.model)
        if chat.mode is not None:
            session.set_mode(chat.mode)
        return session
    if chat.cwd is None:
        raise ProtocolViolationError("send sessionId to continue a session, or cwd to start one")
    return app.new_session(chat.cwd, chat.model, chat.mode)


def _last_answer(session: LiveSession) -> str:
    for message in reversed(session.messages):
        if message.role == "assistant":
            return message.text()
    return ""


async def _run(session: LiveSession, chat: p.ChatRequest) -> p.ChatResult:
    check_prompt(chat.prompt, [])
    outcome = await session.prompt(chat.prompt)
    return p.ChatResult(
        session_id=session.session_id,
        stop_reason=wire_stop_reason(outcome.stop_reason),
        usage=wire_usage(outcome.usage),
        cost_usd=None if outcome.cost_usd is None else round(outcome.cost_usd, 6),
        text=_last_answer(session),
    )


async def chat_json(app: Application, chat: p.ChatRequest, extra: dict[str, str]) -> bytes:
    """The whole answer once the turn is over."""
    session = await open_session(app, chat)
    return json_response(200, (await _run(session, chat)).to_wire(), extra)


async def chat_stream(
    app: Application,
    chat: p.ChatRequest,
    client: HttpClient,
    writer: asyncio.StreamWriter,
    extra: dict[str, str],
) -> None:
    """Stream the turn's updates as they happen, then its result (or an ``error`` event).

    The turn belongs to the session: a caller who hangs up stops receiving, not the turn.
    """
    session = await open_session(app, chat)
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def watcher(seq: int, event: SessionEvent) -> None:
        params = p.SessionUpdateParams(
            session_id=session.session_id, seq=seq, update=to_update(event)
        )
        queue.put_nowait(sse_event("update", params.to_wire()))

    headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-store", **extra}
    writer.write(head_bytes(200, headers))
    writer.write(sse_event("session", p.ChatStarted(session_id=session.session_id).to_wire()))
    sending = asyncio.create_task(_send(queue, writer))
    client.watch(session.session_id)
    session.log.subscribe(watcher)
    try:
        result = await _run(session, chat)
        final = sse_event("result", result.to_wire())
    except ClaudePyError as exc:
        final = sse_event("error", from_error(exc)[1].to_wire())
    finally:
        session.log.unsubscribe(watcher)
    queue.put_nowait(final)
    queue.put_nowait(None)
    await sending


async def _send(queue: asyncio.Queue[bytes | None], writer: asyncio.StreamWriter) -> None:
    gone = False
    while (chunk := await queue.get()) is not None:
        if gone:
            continue
        try:
            writer.write(chunk)
            await writer.drain()
        except (ConnectionError, OSError) as exc:
            log.info("HTTP client left during a chat: %s", exc)
            gone = True
    with contextlib.suppress(ConnectionError, OSError):
        await writer.drain()
