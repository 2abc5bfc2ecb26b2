"""The HTTP listener: each connection is one request, checked, dispatched and answered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pydantic import ValidationError

from claude_server import __version__
from claude_server import protocol as p
from claude_server.errors import ClaudePyError, ProtocolViolationError
from claude_server.http._address import HttpAddress
from claude_server.http._chat import chat_json, chat_stream
from claude_server.http._client import HttpClient
from claude_server.http._errors import error_body, from_error, from_validation
from claude_server.http._guard import Guard, Refused, cors_headers
from claude_server.http._messages import (
    MAX_HEAD_BYTES,
    BadRequest,
    Request,
    head_bytes,
    json_response,
    read_head,
    read_json_body,
)
from claude_server.http._openapi import openapi_document
from claude_server.http._routes import Route, find
from claude_server.services import Application, wire_summary

log = logging.getLogger(__name__)


class HttpListener:
    """``claude-py-server --http``: the HTTP API over the daemon's shared application."""

    def __init__(self, app: Application, address: HttpAddress, guard: Guard) -> None:
        self._app = app
        self._address = address
        self._guard = guard
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The base URL it serves (the real port once started)."""
        host, port = self._address.host, self._address.port
        if self._server is not None and self._server.sockets:
            port = self._server.sockets[0].getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    @property
    def description(self) -> str:
        """The start-up line's name for it."""
        return self.url

    async def start(self) -> None:
        """Bind and accept connections."""
        self._server = await asyncio.start_server(
            self._accept, self._address.host, self._address.port, limit=MAX_HEAD_BYTES
        )

    async def close(self) -> None:
        """Stop accepting; requests in flight are cancelled (their turns go on)."""
        if self._server is not None:
            self._server.close()
        for task in list(self._handlers):
            task.cancel()
        if self._handlers:
            await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve_one(reader, writer)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("HTTP request failed")
            with contextlib.suppress(ConnectionError, OSError):
                writer.write(_error(500, error_body("internal", "internal error; see the log")))
        finally:
            self._handlers.discard(task)
            with contextlib.suppress(ConnectionError, OSError):
                await writer.drain()
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await read_head(reader)
        except BadRequest as exc:
            writer.write(_error(exc.status, error_body("bad_request", exc.message)))
            return
        if request is None:
            return
        try:
            origin = self._guard.check_origin(request)
            if request.method == "OPTIONS" and origin is not None:
                # A CORS preflight carries no credentials; it only learns what may be sent.
                writer.write(head_bytes(204, {**cors_headers(origin), "Content-Length": "0"}))
                return
            self._guard.check(request)
        except Refused as exc:
            writer.write(_error(exc.status, error_body(exc.code, exc.message)))
            return
        extra = cors_headers(origin)
        found = find(request.method, request.path)
        if found is None:
            writer.write(_error(404, error_body("not_found", f"no route {request.path}"), extra))
            return
        if isinstance(found, str):
            body = error_body("method_not_allowed", f"{request.method} {request.path}")
            writer.write(_error(405, body, extra))
            return
        route, values = found
        peer = writer.get_extra_info("peername")
        try:
            await self._dispatch(route, values, request, reader, writer, extra, str(peer))
        except BadRequest as exc:
            writer.write(_error(exc.status, error_body("bad_request", exc.message), extra))
        except ValidationError as exc:
            writer.write(_error(*from_validation(exc), extra))
        except ClaudePyError as exc:
            writer.write(_error(*from_error(exc), extra))

    async def _dispatch(
        self,
        route: Route,
        values: dict[str, str],
        request: Request,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        extra: dict[str, str],
        peer: str,
    ) -> None:
        app = self._app
        if route.operation == "chat":
            raw = await read_json_body(reader, request)
            if not isinstance(raw, dict):
                raise ProtocolViolationError("the body must be a JSON object")
            chat = p.ChatRequest.model_validate(raw)
            if not chat.stream:
                writer.write(await chat_json(app, chat, extra))
                return
            client = HttpClient(app.hub, peer)
            app.hub.add(client)
            try:
                await chat_stream(app, chat, client, writer, extra)
            finally:
                app.hub.remove(client)
            return
        writer.write(json_response(200, await self._get(route, values, request), extra))

    async def _get(self, route: Route, values: dict[str, str], request: Request) -> dict[str, Any]:
        app = self._app
        if route.operation == "health":
            live = app.sessions.live()
            return p.HttpHealthResult(
                version=__version__,
                pid=app.state().pid,
                live_sessions=len(live),
                busy_sessions=sum(1 for s in live if s.busy),
            ).to_wire()
        if route.operation == "listSessions":
            limit_text = request.query.get("limit", "50")
            if not limit_text.isdigit() or not 1 <= int(limit_text) <= 500:
                raise ProtocolViolationError(f"limit must be 1 to 500, got {limit_text!r}")
            page = app.sessions.list(
                request.query.get("cwd"), limit=int(limit_text), cursor=request.query.get("cursor")
            )
            return p.HttpSessionList(
                sessions=[wire_summary(s) for s in page.sessions], next_cursor=page.next_cursor
            ).to_wire()
        if route.operation == "getSession":
            session = await app.sessions.get(values["sessionId"])
            return p.HttpSession(
                session_id=session.session_id,
                title=session.title,
                cwd=str(session.cwd),
                model=session.model,
                mode=session.mode,
                busy=session.busy,
                last_seq=session.log.last_seq,
                messages=[
                    p.HttpMessage(role=m.role, text=m.text()) for m in session.messages if m.text()
                ],
            ).to_wire()
        if route.operation == "openapi":
            return openapi_document()
        raise AssertionError(f"no GET handler for {route.operation}")  # pragma: no cover


def _error(status: int, body: p.HttpError, extra: dict[str, str] | None = None) -> bytes:
    return json_response(status, body.to_wire(), extra)
