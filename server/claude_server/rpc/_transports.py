"""Transports: stdio, a unix socket, TCP. Each accepted connection gets its own protocol."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
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
        conn = Connection(self.core, kind, writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await conn.serve(reader)
        finally:
            self._tasks.discard(task)


async def _start_unix(path: Path, handler: Any) -> asyncio.Server:
    ensure_private_dir(path.parent)
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


def write_token(path: Path) -> str:
    """Create a fresh TCP token in a 0600 file and return it."""
    token = secrets.token_urlsafe(32)
    ensure_private_dir(path.parent)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token


def loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or localhost)."""
    if host == "localhost":
        return True
    try:
        return socket.inet_pton(socket.AF_INET, host)[0] == 127
    except OSError:
        return host == "::1"
