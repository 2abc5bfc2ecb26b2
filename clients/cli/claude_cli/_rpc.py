"""A small JSON-RPC client over LSP framing (no pygls: it costs ~0.7 s to import).

Besides requests and notifications it serves the daemon's own requests (permission questions,
AskUserQuestion) through an optional handler, and honours the daemon's ``$/cancelRequest`` for
them: a question another client answered first is withdrawn that way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

NotificationHandler = Callable[[str, Any], None]
RequestHandler = Callable[[str, Any], Awaitable[Any]]
"""Serves a daemon-to-client request: ``(method, params) -> result``; raise to answer an error."""

METHOD_NOT_FOUND = -32601
REQUEST_CANCELLED = -32800
INTERNAL_ERROR = -32603


class RpcError(Exception):
    """An error response from the daemon."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    @property
    def error_code(self) -> str | None:
        """The daemon's string error code (``data.code``), when it sent one."""
        return self.data.get("code") if isinstance(self.data, dict) else None


class ConnectionLost(Exception):
    """The daemon closed the connection or died."""


class RpcClient:
    """Requests, notifications and incoming notifications over one byte stream pair."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        on_notification: NotificationHandler | None = None,
        on_request: RequestHandler | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._on_notification = on_notification
        self._on_request = on_request
        self._on_close = on_close
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._serving: dict[Any, asyncio.Task[None]] = {}
        self._next_id = 1
        self._closed = False
        self._reading = asyncio.create_task(self._read_loop())
        self._background: set[asyncio.Task[None]] = set()

    @property
    def closed(self) -> bool:
        """Whether the connection is gone (the daemon closed it, or :meth:`close` was called)."""
        return self._closed

    async def request(self, method: str, params: Any = None) -> Any:
        """Send a request and wait for its result; raises :class:`RpcError` on an error."""
        if self._closed:
            raise ConnectionLost("not connected to the daemon")
        msg_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        try:
            await self._send(message)
            return await future
        except asyncio.CancelledError:
            # Tell the daemon, so a cancelled session/prompt stops its turn too.
            if not self._closed:
                with contextlib.suppress(ConnectionLost):
                    await self.notify("$/cancelRequest", {"id": msg_id})
            raise
        finally:
            self._pending.pop(msg_id, None)

    def expect_response(self, msg_id: int) -> asyncio.Future[Any]:
        """The future answer to request ``msg_id``, sent before this client existed.

        Registered at once, so a reply already on its way is not missed; the next request of
        this client gets a higher id.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        self._next_id = max(self._next_id, msg_id + 1)
        future.add_done_callback(lambda _f: self._pending.pop(msg_id, None))
        return future

    async def notify(self, method: str, params: Any = None) -> None:
        """Send a notification."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self._send(message)

    async def close(self) -> None:
        """Stop reading and close the stream."""
        self._on_close = None  # a deliberate close is not a lost connection
        self._reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await self._reading
        for task in list(self._serving.values()):
            task.cancel()
        self._writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self._writer.wait_closed()

    async def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        try:
            self._writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            await self._writer.drain()
        except (ConnectionError, OSError, RuntimeError) as exc:
            raise ConnectionLost(f"lost the connection to the daemon: {exc}") from None

    async def _read_loop(self) -> None:
        try:
            while True:
                body = await self._read_frame()
                if body is None:
                    break
                self._dispatch(json.loads(body))
        except (ConnectionError, OSError, ValueError):
            pass
        finally:
            self._closed = True
            self._writer.close()  # the daemon is gone; release the socket now, not at GC
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionLost("the daemon closed the connection"))
            for task in list(self._serving.values()):
                task.cancel()
            if self._on_close is not None:
                self._on_close()

    async def _read_frame(self) -> bytes | None:
        length = None
        while True:
            line = await self._reader.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                if length is not None:
                    break
                continue
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        try:
            return await self._reader.readexactly(length)
        except asyncio.IncompleteReadError:
            return None

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "method" in message:
            method = message["method"]
            if "id" in message:
                self._serve_request(message["id"], method, message.get("params"))
            elif method == "$/cancelRequest":
                params = message.get("params") or {}
                task = self._serving.pop(params.get("id"), None)
                if task is not None:
                    task.cancel()
            elif self._on_notification is not None:
                self._on_notification(method, message.get("params"))
            return
        future = self._pending.get(message.get("id"))  # type: ignore[arg-type]
        if future is None or future.done():
            return
        if "error" in message:
            err = message["error"] or {}
            future.set_exception(
                RpcError(err.get("code", 0), err.get("message", ""), err.get("data"))
            )
        else:
            future.set_result(message.get("result"))

    def _serve_request(self, msg_id: Any, method: str, params: Any) -> None:
        if self._on_request is None:
            # A request this client does not serve: say so, do not hang it.
            self._spawn(self._reply_error(msg_id, METHOD_NOT_FOUND, f"{method} not supported"))
            return
        task = asyncio.ensure_future(self._answer(msg_id, method, params))
        self._serving[msg_id] = task
        task.add_done_callback(lambda _t: self._serving.pop(msg_id, None))

    async def _answer(self, msg_id: Any, method: str, params: Any) -> None:
        assert self._on_request is not None
        try:
            result = await self._on_request(method, params)
        except asyncio.CancelledError:
            # Withdrawn by the daemon ($/cancelRequest) or the connection went away: the daemon
            # no longer waits for an answer, so none is sent.
            return
        except RpcError as exc:
            await self._reply_error(msg_id, exc.code, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - any failure becomes an error reply
            await self._reply_error(msg_id, INTERNAL_ERROR, f"{method} failed: {exc}")
            return
        with contextlib.suppress(ConnectionLost):
            await self._send({"jsonrpc": "2.0", "id": msg_id, "result": result})

    async def _reply_error(self, msg_id: Any, code: int, message: str) -> None:
        reply = {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
        with contextlib.suppress(ConnectionLost):
            await self._send(reply)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
