"""A small, real HTTP/1.1 server on 127.0.0.1 that plays scripted replies.

Each incoming request takes the next :class:`Reply` from the queue. A reply can stream a body
byte-for-byte in chunks with pauses (chunked transfer encoding, like the real API), answer with
an error status, drop the connection part-way, or go silent. Every request is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """What the server does with one request."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/event-stream; charset=utf-8"
    chunk_size: int | None = None
    """Send the body in pieces of this many bytes (``None``: one piece)."""
    chunk_delay: float = 0.0
    """Pause between pieces, in seconds."""
    drop_after: int | None = None
    """Close the connection after this many body bytes, before the body is complete."""
    reset: bool = False
    """With ``drop_after``: reset the connection (RST) instead of closing it (FIN)."""
    stall_after: int | None = None
    """Stop sending (but keep the connection open) after this many body bytes."""

    @classmethod
    def error(
        cls,
        status: int,
        error_type: str,
        message: str,
        *,
        request_id: str = "req_test_0001",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """An API error response, shaped like the real API's."""
        body = json.dumps(
            {
                "type": "error",
                "error": {"type": error_type, "message": message},
                "request_id": request_id,
            }
        ).encode()
        return cls(
            status=status,
            body=body,
            content_type="application/json",
            headers={"request-id": request_id, **(headers or {})},
        )


@dataclass
class ReceivedRequest:
    """A request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}


class ReplayServer:
    """Serves queued replies; use as ``async with ReplayServer() as server``."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[ReceivedRequest] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    async def __aenter__(self) -> ReplayServer:
        self._server = await asyncio.start_server(self._on_connect, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self._server.wait_closed()

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, path, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append(ReceivedRequest(method, path, headers, body))

        reply = (
            self.replies.popleft() if self.replies else Reply.error(500, "api_error", "unscripted")
        )
        reason = _REASONS.get(reply.status, "Status")
        lines = [f"HTTP/1.1 {reply.status} {reason}", f"content-type: {reply.content_type}"]
        lines += [f"{name}: {value}" for name, value in reply.headers.items()]
        lines += ["transfer-encoding: chunked", "connection: close", "", ""]
        writer.write("\r\n".join(lines).encode("latin-1"))
        await writer.drain()

        data = reply.body
        limit = len(data)
        for cut in (reply.drop_after, reply.stall_after):
            if cut is not None:
                limit = min(limit, cut)
        step = reply.chunk_size or max(limit, 1)
        sent = 0
        while sent < limit:
            piece = data[sent : min(sent + step, limit)]
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
            sent += len(piece)
            if reply.chunk_delay:
                await asyncio.sleep(reply.chunk_delay)
        if reply.drop_after is not None:
            if reply.reset:
                writer.transport.abort()
            return  # the caller closes the connection without the final chunk
        if reply.stall_after is not None:
            await asyncio.sleep(3600)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
