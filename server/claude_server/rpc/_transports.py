"""Transports: stdio, a unix socket, TCP. Each accepted connection gets its own protocol."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pygls.io_ import StdoutWriter

from claude_server.config import default_socket_path, ensure_private_dir
from claude_server.errors import ConfigError
from claude_server.rpc._connection import Connection
from claude_server.rpc._core import RpcCore

log = logging.getLogger(__name__)

MAX_UNAUTHENTICATED = 16
"""TCP connections that may wait at once without having presented the token."""
AUTH_SECONDS = 10.0
"""How long a TCP connection may stay without presenting the token."""


@dataclass(frozen=True, slots=True)
class ListenAddress:
    """Where to listen: ``unix:PATH`` or ``tcp:[HOST:]PORT``."""

    kind: Literal["unix", "tcp"]
    path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 0

    @classmethod
    def parse(cls, text: str) -> ListenAddress:
        """Parse a ``--listen`` value; :class:`ConfigError` explains a bad one.

        A bare ``unix`` means the default socket path (see :func:`default_socket_path`).
        """
        scheme, sep, rest = text.partition(":")
        if text == "unix":
            return cls(kind="unix", path=default_socket_path())
        if scheme == "unix" and sep and rest:
            return cls(kind="unix", path=Path(rest).expanduser())
        if scheme == "tcp" and sep and rest:
            host, _, port_text = rest.rpartition(":")
            host = host.strip("[]") or "127.0.0.1"
            try:
                port = int(port_text)
            except ValueError:
                raise ConfigError(f"--listen {text!r}: the port must be a number") from None
            if not 0 <= port <= 65535:
                raise ConfigError(f"--listen {text!r}: the port must be between 0 and 65535")
            return cls(kind="tcp", host=host, port=port)
        raise ConfigError(f"--listen {text!r}: expected unix, unix:PATH or tcp:[HOST:]PORT")


# -- stdio ---------------------------------------------------------------------------------


async def serve_stdio(core: RpcCore) -> int:
    """Serve one client on stdin/stdout; returns the exit code when it leaves."""
    # The protocol gets a private copy of stdout, and fd 1 becomes stderr: a stray print()
    # anywhere in the process can then never corrupt the protocol stream.
    proto_out = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    reader = asyncio.StreamReader(limit=1 << 20)
    loop = asyncio.get_running_loop()
    # One file object per fd: a discarded one would close the fd when garbage-collected.
    stdin = os.fdopen(os.dup(sys.stdin.fileno()), "rb", 0)
    stdout = os.fdopen(proto_out, "wb", 0)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except ValueError:
        # stdin is a regular file: feed it from a thread instead.
        loop.run_in_executor(None, _pump_file, stdin, reader, loop)
    writer: Any
    try:
        writer, _ = await loop.connect_write_pipe(asyncio.Protocol, stdout)
    except ValueError:
        writer = StdoutWriter(stdout)
    conn = Connection(core, "stdio", writer)
    code = await conn.serve(reader)
    await _flush(writer)
    return code


async def _flush(writer: Any) -> None:
    # Give the last replies (e.g. to shutdown) a moment to leave before the process ends.
    size = getattr(writer, "get_write_buffer_size", None)
    for _ in range(100):
        if size is None or size() == 0:
            return
        await asyncio.sleep(0.02)


def _pump_file(src: Any, reader: asyncio.StreamReader, loop: asyncio.AbstractEventLoop) -> None:
    while chunk := src.read(65536):
        loop.call_soon_threadsafe(reader.feed_data, chunk)
    loop.call_soon_threadsafe(reader.feed_eof)


# -- sockets -------------------------------------------------------------------------------


class SocketListener:
    """Accepts clients on one address until closed."""

    def __init__(self, core: RpcCore, address: ListenAddress) -> None:
        self.core = core
        self.address = address
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[int]] = set()
        self._unauthenticated: set[Connection] = set()

    @property
    def description(self) -> str:
        """``unix:PATH`` or ``tcp:HOST:PORT`` with the port actually bound."""
        if self.address.kind == "unix":
            return f"unix:{self.address.path}"
        port = self.address.port
        if self._server is not None and self._server.sockets:
            port = self._server.sockets[0].getsockname()[1]
        return f"tcp:{self.address.host}:{port}"

    async def start(self) -> None:
        """Bind and start accepting."""
        if self.address.kind == "unix":
            assert self.address.path is not None
            self._server = await _start_unix(self.address.path, self._accept_unix)
        else:
            self._server = await asyncio.start_server(
                self._accept_tcp, self.address.host, self.address.port, limit=1 << 20
            )

    async def close(self) -> None:
        """Stop accepting, end every connection, remove the socket file."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.address.kind == "unix" and self.address.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.address.path.unlink()

    async def _accept_unix(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await self._serve(reader, writer, "unix")

    async def _accept_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self._serve(reader, writer, "tcp")

    async def _serve(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        kind: Literal["unix", "tcp"],
    ) -> None:
        guarded = kind == "tcp"
        self._unauthenticated = {c for c in self._unauthenticated if not c.lifecycle.initialized}
        if guarded and len(self._unauthenticated) >= MAX_UNAUTHENTICATED:
            # Anyone on the machine can connect to TCP: strangers may not pile up.
            log.warning(
                "refusing a TCP connection: %d others have not presented the token yet",
                len(self._unauthenticated),
            )
            writer.transport.abort()
            return
        conn = Connection(self.core, kind, writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        deadline = None
        if guarded:
            self._unauthenticated.add(conn)
            deadline = asyncio.get_running_loop().call_later(
                AUTH_SECONDS, self._expire, conn, writer
            )
        try:
            await conn.serve(reader)
        finally:
            self._unauthenticated.discard(conn)
            if deadline is not None:
                deadline.cancel()
            self._tasks.discard(task)

    def _expire(self, conn: Connection, writer: asyncio.StreamWriter) -> None:
        if conn.lifecycle.initialized:
            self._unauthenticated.discard(conn)
            return
        log.warning("closing a TCP connection that sent no valid token in %g s", AUTH_SECONDS)
        conn.request_close(1)
        writer.transport.abort()


async def _start_unix(path: Path, handler: Any) -> asyncio.Server:
    try:
        ensure_private_dir(path.parent)
    except OSError as exc:
        raise ConfigError(f"cannot use {path.parent} for the socket: {exc}") from None
    if path.exists() or path.is_symlink():
        if await _socket_alive(path):
            raise ConfigError(f"another daemon is already listening on {path}")
        log.info("removing stale socket %s", path)
        path.unlink()
    # Bind under a strict umask so the socket is 0600 from its first moment.
    old_umask = os.umask(0o177)
    try:
        server = await asyncio.start_unix_server(handler, path=str(path), limit=1 << 20)
    finally:
        os.umask(old_umask)
    path.chmod(0o600)
    return server


async def _socket_alive(path: Path) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(path)), 2)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


def loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or localhost)."""
    if host == "localhost":
        return True
    try:
        return socket.inet_pton(socket.AF_INET, host)[0] == 127
    except OSError:
        return host == "::1"
