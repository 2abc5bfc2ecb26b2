"""One client connection: its own pygls server and protocol, bound to the shared core.

pygls's own TCP server gives every client the same protocol object, so a second client would take
over the first one's replies. Here each accepted connection builds a fresh server instance.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any, Literal

from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

from claude_server import __version__
from claude_server import protocol as p
from claude_server.engine import LiveSession
from claude_server.model import SessionEvent
from claude_server.rpc._core import RpcCore
from claude_server.rpc._dispatch import register
from claude_server.rpc._framing import MAX_BODY_BYTES, FrameError, FrameReader
from claude_server.rpc._lifecycle import Lifecycle
from claude_server.rpc._outgoing import ByteWriter, Outgoing
from claude_server.rpc._protocol import PARSE_ERROR, DaemonProtocol
from claude_server.rpc.handlers import all_handlers
from claude_server.services import ClientCapabilities, ClientDescription, to_update
from claude_server.sessions import Watcher

log = logging.getLogger(__name__)

REPLAY_PAGE = 200
"""Updates a replay sends before it waits for the client to read them."""

Transport = Literal["stdio", "unix", "tcp"]


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


PRE_AUTH_MAX_BODY = 64 * 1024
"""The largest frame a TCP client may send before ``initialize`` with the token succeeded."""


class Connection:
    """A client attached to the daemon over one transport (a ``services.Client``)."""

    def __init__(
        self,
        core: RpcCore,
        transport: Transport,
        writer: ByteWriter,
        on_close: Callable[[Connection, int], None] | None = None,
    ) -> None:
        self.core = core
        self.app = core.app
        self.transport = transport
        self._id = self.app.hub.next_id()
        self.lifecycle = Lifecycle(needs_token=transport == "tcp", token_matches=core.token_matches)
        self._writer = Outgoing(
            writer,
            core.outgoing_limits,
            name=f"connection {self._id} ({transport})",
            on_overflow=lambda: self.lifecycle.request_close(1),
        )
        self._on_close = on_close
        self._watching: dict[str, tuple[LiveSession, Watcher]] = {}
        self._outgoing: dict[str, asyncio.Future[Any]] = {}
        self.server = _Server(
            name="claude-py-server",
            version=__version__,
            protocol_cls=DaemonProtocol,
            converter_factory=_raw_params_converter,
        )
        self.protocol: DaemonProtocol = self.server.protocol  # type: ignore[assignment]
        self.protocol.lifecycle = self.lifecycle
        self.protocol.set_writer(self._writer)
        register(self.server, all_handlers(self.app, self))

    # -- the services.Client protocol -----------------------------------------------------------

    @property
    def client_id(self) -> int:
        """This connection's number in logs and status."""
        return self._id

    @property
    def capabilities(self) -> ClientCapabilities:
        """What the client declared in ``initialize`` (nothing before)."""
        life = self.lifecycle
        if not life.initialized:
            return ClientCapabilities()
        caps = life.capabilities
        return ClientCapabilities(
            permission=caps.request_permission,
            question=caps.ask_user,
            diagnostics=caps.editor_diagnostics,
            apply_edit=life.apply_edit,
        )

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

    def withdraw_request(self, request_id: str) -> None:
        """Tell the client a request is no longer needed (LSP ``$/cancelRequest``)."""
        future = self._outgoing.pop(request_id, None)
        self.protocol.forget_request(request_id)
        if future is not None and not future.done():
            # Sent as plain JSON: pygls would try to type it as LSP's CancelNotification.
            self.protocol.send_raw(
                {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}}
            )
            future.cancel()

    def describe(self) -> ClientDescription:
        """This connection as ``daemon/status`` lists it."""
        return ClientDescription(
            client_id=self._id,
            transport=self.transport,
            name=self.lifecycle.client_name,
            initialized=self.lifecycle.initialized,
        )

    # -- serving --------------------------------------------------------------------------------

    async def serve(self, reader: asyncio.StreamReader) -> int:
        """Read and dispatch messages until the client leaves; returns the exit code."""
        self.app.hub.add(self)
        log.info("connection %d opened (%s)", self._id, self.transport)
        reading = asyncio.create_task(self._read_loop(reader))
        closing = asyncio.create_task(self.lifecycle.closing.wait())
        try:
            await asyncio.wait({reading, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            reading.cancel()
            closing.cancel()
            self._cleanup()
        return self.lifecycle.exit_code

    def request_close(self, exit_code: int) -> None:
        """End this connection (the daemon is stopping)."""
        self.lifecycle.request_close(exit_code)

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        # Until a TCP client has shown the token, it may not make the daemon buffer much.
        guarded = self.transport == "tcp"
        frames = FrameReader(reader, max_body=PRE_AUTH_MAX_BODY if guarded else MAX_BODY_BYTES)
        while True:
            if guarded and self.lifecycle.initialized:
                frames.max_body, guarded = MAX_BODY_BYTES, False
            try:
                body = await frames.read()
            except FrameError as exc:
                self.protocol.send_error(None, PARSE_ERROR, f"Parse error: {exc}")
                continue
            except (ConnectionError, OSError) as exc:
                log.info("connection %d read failed: %s", self._id, exc)
                return
            if body is None:
                # End of stream without exit: the client vanished.
                self.lifecycle.exit_code = 0 if self.protocol.shutdown_requested else 1
                return
            self.protocol.handle_body(body)

    def _cleanup(self) -> None:
        for future in list(self._outgoing.values()):
            if not future.done():
                future.set_exception(ConnectionError("the client disconnected"))
        self._outgoing.clear()
        for session, watcher in self._watching.values():
            session.log.unsubscribe(watcher)
        self._watching.clear()
        self.app.hub.remove(self)
        self._writer.close()
        log.info("connection %d closed", self._id)
        if self._on_close is not None:
            self._on_close(self, self.lifecycle.exit_code)

    # -- sessions ---------------------------------------------------------------------------

    def watch(self, session: LiveSession) -> None:
        """Send this client the session's updates from now on (once: watching twice is one)."""
        if session.session_id in self._watching:
            return
        watcher = self._make_watcher(session.session_id)
        self._watching[session.session_id] = (session, watcher)
        session.log.subscribe(watcher)

    async def replay_and_watch(self, session: LiveSession, since_seq: int) -> int:
        """Send the session's updates after ``since_seq``, then the new ones; the count replayed.

        The replay goes in pages, each sent once the client has read most of the previous one,
        so a long history neither piles up in memory nor holds the event loop from the other
        clients. Updates that happen meanwhile wait, in order, behind it.
        """
        existing = self._watching.pop(session.session_id, None)
        if existing is not None:
            session.log.unsubscribe(existing[1])
        backlog = session.log.since(since_seq)
        send = self._make_watcher(session.session_id)
        held: list[tuple[int, SessionEvent]] | None = []

        def watcher(seq: int, event: SessionEvent) -> None:
            if held is not None:
                held.append((seq, event))
            else:
                send(seq, event)

        self._watching[session.session_id] = (session, watcher)
        session.log.subscribe(watcher)
        try:
            for start in range(0, len(backlog), REPLAY_PAGE):
                for seq, event in backlog[start : start + REPLAY_PAGE]:
                    send(seq, event)
                await asyncio.sleep(0)  # let the other clients in between pages
                if not await self._writer.drain():
                    break
        finally:
            waiting, held = held, None
            for seq, event in waiting or ():
                send(seq, event)
        return len(backlog)

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


def warm_up(core: RpcCore) -> None:
    """Answer one ``initialize`` into the void, so the first real client does not pay for
    compiling the converters (tens of milliseconds)."""
    conn = Connection(core, "stdio", _NullWriter())
    body = b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}'
    conn.protocol.handle_body(body)
