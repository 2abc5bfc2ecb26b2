"""One client connection: its own pygls server and protocol, bound to the shared core.

pygls's own TCP server gives every client the same protocol object, so a second client would take
over the first one's replies. Here each accepted connection builds a fresh server instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any, Literal, Protocol

from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

from claude_server import __version__
from claude_server import protocol as p
from claude_server.engine import LiveSession
from claude_server.errors import RPC_UNAUTHORIZED
from claude_server.model import SessionEvent
from claude_server.rpc._core import DaemonCore
from claude_server.rpc._dispatch import register
from claude_server.rpc._framing import FrameError, read_frame
from claude_server.rpc._protocol import PARSE_ERROR, DaemonProtocol
from claude_server.rpc._translate import to_update
from claude_server.rpc.handlers import all_handlers
from claude_server.sessions import Watcher

log = logging.getLogger(__name__)

Transport = Literal["stdio", "unix", "tcp"]


class ByteWriter(Protocol):
    """The write side of a transport."""

    def write(self, data: bytes) -> Any: ...

    def close(self) -> Any: ...


class _Writer:
    """Drops writes once the connection is closed (a turn may outlive its client)."""

    def __init__(self, inner: ByteWriter) -> None:
        self._inner = inner
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed:
            return
        try:
            self._inner.write(data)
        except (OSError, RuntimeError) as exc:
            log.info("client went away while writing: %s", exc)
            self.closed = True

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError, RuntimeError):
                self._inner.close()


@functools.cache
def _raw_params_converter() -> Any:
    # pygls turns unknown params into namedtuples; we want the plain JSON, which the handlers
    # validate with the protocol's pydantic models. One converter serves every connection:
    # cattrs compiles its (un)structuring code on first use, which is slow to redo per client.
    converter = get_converter()

    def keep_raw(obj: dict[str, Any], cls: type[Any]) -> Any:
        return cls(**obj)

    for cls in (JsonRPCRequestMessage, JsonRPCNotification, JsonRPCResponseMessage):
        converter.register_structure_hook(cls, keep_raw)
    return converter


class _Server(LanguageServer):
    def report_server_error(self, error: Exception, source: Any) -> None:
        # pygls would show a window/showMessage for every notification error; we only log.
        log.warning("error handling a notification: %s", error)


class Connection:
    """A client attached to the daemon over one transport."""

    def __init__(
        self,
        core: DaemonCore,
        transport: Transport,
        writer: ByteWriter,
        on_close: Callable[[Connection, int], None] | None = None,
    ) -> None:
        self.core = core
        self.transport = transport
        self.connection_id = core.next_connection_id()
        self.initialized = False
        self.client_name: str | None = None
        self.capabilities = p.ClaudePyClientCapabilities()
        self._writer = _Writer(writer)
        self._on_close = on_close
        self._closing = asyncio.Event()
        self._exit_code = 0
        self._watching: dict[str, tuple[LiveSession, Watcher]] = {}
        self._outgoing: dict[str, asyncio.Future[Any]] = {}
        self.server = _Server(
            name="claude-py-server",
            version=__version__,
            protocol_cls=DaemonProtocol,
            converter_factory=_raw_params_converter,
        )
        self.protocol: DaemonProtocol = self.server.protocol  # type: ignore[assignment]
        self.protocol.connection = self
        self.protocol.set_writer(self._writer)
        register(self.server, all_handlers(core, self))

    # -- lifecycle --------------------------------------------------------------------------

    def begin_initialize(self, raw_params: dict[str, Any]) -> None:
        """Read the client's initialize params; refuse a TCP client without the token."""
        params = p.read_initialize(raw_params)
        if self.transport == "tcp":
            options = params.initialization_options
            if not self.core.token_matches(options.token if options else None):
                raise JsonRpcException(
                    code=RPC_UNAUTHORIZED,
                    message="Unauthorized: TCP clients must send initializationOptions.token "
                    "(the content of the daemon's tcp-token file)",
                    data={"code": "unauthorized", "retryable": False},
                )
        self.client_name = params.client_info.name if params.client_info else None
        self.capabilities = params.capabilities.experimental.claude_py

    def experimental_capabilities(self) -> dict[str, Any]:
        """What goes under ``capabilities.experimental`` of the initialize result."""
        caps = p.ClaudePyServerCapabilities(
            methods=sorted(p.METHODS), update_kinds=list(p.UPDATE_KINDS)
        )
        return p.ServerExperimentalCapabilities(claude_py=caps).to_wire()

    def request_close(self, exit_code: int) -> None:
        """The client sent ``exit`` (or the daemon is stopping)."""
        self._exit_code = exit_code
        self._closing.set()

    def info(self) -> p.ConnectionInfo:
        """This connection as ``daemon/status`` lists it."""
        return p.ConnectionInfo(
            connection_id=self.connection_id,
            transport=self.transport,
            client_name=self.client_name,
            initialized=self.initialized,
        )

    async def serve(self, reader: asyncio.StreamReader) -> int:
        """Read and dispatch messages until the client leaves; returns the exit code."""
        self.core.connections[self.connection_id] = self
        log.info("connection %d opened (%s)", self.connection_id, self.transport)
        reading = asyncio.create_task(self._read_loop(reader))
        closing = asyncio.create_task(self._closing.wait())
        try:
            await asyncio.wait({reading, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            reading.cancel()
            closing.cancel()
            self._cleanup()
        return self._exit_code

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        while True:
            try:
                body = await read_frame(reader)
            except FrameError as exc:
                self.protocol.send_error(None, PARSE_ERROR, f"Parse error: {exc}")
                continue
            except (ConnectionError, OSError) as exc:
                log.info("connection %d read failed: %s", self.connection_id, exc)
                return
            if body is None:
                # End of stream without exit: the client vanished.
                self._exit_code = 0 if self.protocol._shutdown else 1
                return
            self.protocol.handle_body(body)

    def is_watching(self, session_id: str) -> bool:
        """Whether this client follows the session's updates."""
        return session_id in self._watching

    def send_request(self, method: str, params: dict[str, Any]) -> tuple[str, asyncio.Future[Any]]:
        """Send a daemon-to-client request; the future fails if the client goes away."""
        msg_id = f"d{uuid.uuid4().hex[:16]}"
        future = self.protocol.send_request_async(method, params, msg_id=msg_id)
        self._outgoing[msg_id] = future
        future.add_done_callback(lambda _f: self._outgoing.pop(msg_id, None))
        return msg_id, future

    def withdraw_request(self, msg_id: str) -> None:
        """Tell the client a request is no longer needed (LSP ``$/cancelRequest``)."""
        future = self._outgoing.pop(msg_id, None)
        self.protocol._request_futures.pop(msg_id, None)
        if future is not None and not future.done():
            # Sent as plain JSON: pygls would try to type it as LSP's CancelNotification.
            self.protocol._send_data(
                {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": msg_id}}
            )
            future.cancel()

    def _cleanup(self) -> None:
        for future in list(self._outgoing.values()):
            if not future.done():
                future.set_exception(ConnectionError("the client disconnected"))
        self._outgoing.clear()
        for session, watcher in self._watching.values():
            session.log.unsubscribe(watcher)
        self._watching.clear()
        self.core.connections.pop(self.connection_id, None)
        self._writer.close()
        log.info("connection %d closed", self.connection_id)
        if self._on_close is not None:
            self._on_close(self, self._exit_code)

    # -- sessions ---------------------------------------------------------------------------

    def watch(self, session: LiveSession, since_seq: int | None) -> int:
        """Send this client the session's updates from now on (after replaying since_seq)."""
        existing = self._watching.get(session.session_id)
        if existing is not None:
            if since_seq is None:
                return 0
            # Re-attaching with sinceSeq: replay without registering twice.
            session.log.unsubscribe(existing[1])
        watcher = self._make_watcher(session.session_id)
        self._watching[session.session_id] = (session, watcher)
        return session.log.subscribe(watcher, since_seq)

    def _make_watcher(self, session_id: str) -> Watcher:
        notify = self.protocol.notify

        def watcher(seq: int, event: SessionEvent) -> None:
            params = p.SessionUpdateParams(session_id=session_id, seq=seq, update=to_update(event))
            notify("session/update", params.to_wire())

        return watcher


class _NullWriter:
    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def warm_up(core: DaemonCore) -> None:
    """Answer one ``initialize`` into the void, so the first real client does not pay for
    compiling the converters (tens of milliseconds)."""
    conn = Connection(core, "stdio", _NullWriter())
    body = b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}'
    conn.protocol.handle_body(body)
