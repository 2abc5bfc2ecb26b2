"""A small JSON-RPC client over LSP framing (no pygls: it costs ~0.7 s to import)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

NotificationHandler = Callable[[str, Any], None]


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
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._on_notification = on_notification
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 1
        self._reading = asyncio.create_task(self._read_loop())
        self._background: set[asyncio.Task[None]] = set()

    async def request(self, method: str, params: Any = None) -> Any:
        """Send a request and wait for its result; raises :class:`RpcError` on an error."""
        msg_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = future
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        await self._send(message)
        try:
            return await future
        finally:
            self._pending.pop(msg_id, None)

    async def notify(self, method: str, params: Any = None) -> None:
        """Send a notification."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self._send(message)

    async def close(self) -> None:
        """Stop reading and close the stream."""
        self._reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await self._reading
        self._writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self._writer.wait_closed()

    async def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        try:
            self._writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            await self._writer.drain()
        except (ConnectionError, OSError) as exc:
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
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionLost("the daemon closed the connection"))

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
            if "id" in message:
                # A request from the daemon this client does not serve yet: say so, do not hang it.
                reply = {
                    "jsonrpc": "2.0",
                    "id": message["id"],
                    "error": {"code": -32601, "message": f"{message['method']} not supported"},
                }
                task = asyncio.ensure_future(self._send(reply))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
            elif self._on_notification is not None:
                self._on_notification(message["method"], message.get("params"))
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
