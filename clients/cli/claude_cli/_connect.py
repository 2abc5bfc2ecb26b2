"""Finding the user's daemon on its unix socket, starting it when none runs, reconnecting.

Two clients started at once must not start two daemons: whoever spawns holds an ``fcntl`` lock on
``daemon.lock`` in the runtime directory and re-checks the socket once it has the lock. A socket
file nobody answers on is a leftover of a dead daemon and is removed before spawning.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_cli._early import INITIALIZE_ID, initialize_params
from claude_cli._paths import data_dir, ensure_private_dir
from claude_cli._rpc import ConnectionLost, NotificationHandler, RequestHandler, RpcClient

SPAWN_TIMEOUT = 30.0
"""Seconds a freshly spawned daemon gets to accept connections (its imports take ~1 s)."""

RECONNECT_DELAYS = (0.0, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0)
"""Back-off between reconnection attempts after the daemon went away."""


class DaemonStartError(Exception):
    """The daemon could not be reached nor started; the message says why."""


@dataclass(frozen=True, slots=True)
class Features:
    """What the connected daemon serves, from its ``initialize`` result."""

    methods: frozenset[str] = frozenset()
    update_kinds: frozenset[str] = frozenset()
    server_version: str = "?"
    protocol_version: int = 0

    @classmethod
    def from_initialize(cls, result: Any) -> Features:
        """Read ``capabilities.experimental.claudePy`` (absent members mean "not served")."""
        result = result if isinstance(result, dict) else {}
        caps = (result.get("capabilities") or {}).get("experimental") or {}
        ours = caps.get("claudePy") or {}
        info = result.get("serverInfo") or {}
        return cls(
            methods=frozenset(ours.get("methods") or ()),
            update_kinds=frozenset(ours.get("updateKinds") or ()),
            server_version=str(info.get("version", "?")),
            protocol_version=int(ours.get("protocolVersion") or 0),
        )

    def has(self, method: str) -> bool:
        """Whether the daemon serves ``method``."""
        return method in self.methods


def server_command(path: Path) -> list[str]:
    """The command that starts a daemon listening on ``path``."""
    return [sys.executable, "-m", "claude_server", "--listen", f"unix:{path}"]


async def _open(path: Path) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_unix_connection(str(path), limit=1 << 22)


async def _open_socket(sock: socket.socket) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_unix_connection(sock=sock, limit=1 << 22)


@contextlib.asynccontextmanager
async def _start_lock(lock_path: Path, wait_seconds: float) -> Any:
    """Hold an exclusive ``flock`` on ``lock_path`` without blocking the event loop."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DaemonStartError(
                        f"another claude-py is starting the daemon and holds {lock_path}"
                    ) from None
                await asyncio.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@dataclass
class Spawner:
    """Starts daemons in the background and remembers the last one (to reap it)."""

    command: Callable[[Path], Sequence[str]] = server_command
    env: dict[str, str] | None = None
    on_spawn: Callable[[], None] | None = None
    """Called just before a daemon is started (to tell the user why start-up takes longer)."""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def spawn(self, path: Path) -> tuple[subprocess.Popen[bytes], Path]:
        """Start a daemon on ``path``; its stderr goes to a file we can quote on failure."""
        if self.process is not None:
            self.process.poll()  # reap a previous daemon that died
        if self.on_spawn is not None:
            self.on_spawn()
        logs = ensure_private_dir(data_dir(self.env) / "logs")
        err_path = logs / "daemon-stderr.log"
        with open(err_path, "wb") as err:
            # A session of its own: the terminal's Ctrl+C and hang-up must not reach the daemon,
            # which outlives this client.
            self.process = subprocess.Popen(
                list(self.command(path)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
                close_fds=True,
                cwd="/",
                env=self.env,
            )
        return self.process, err_path


async def connect_or_spawn(
    path: Path, spawner: Spawner, *, spawn: bool = True, wait_seconds: float = SPAWN_TIMEOUT
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bool]:
    """Connect to the daemon on ``path``; start one first when none answers.

    Returns the streams and whether this call started the daemon.
    """
    try:
        reader, writer = await _open(path)
        return reader, writer, False
    except (FileNotFoundError, ConnectionRefusedError):
        if not spawn:
            raise
    except OSError as exc:
        raise DaemonStartError(f"cannot connect to the daemon at {path}: {exc}") from None

    ensure_private_dir(path.parent)
    async with _start_lock(path.parent / "daemon.lock", wait_seconds):
        # Someone may have started it while we waited for the lock.
        try:
            reader, writer = await _open(path)
            return reader, writer, False
        except (FileNotFoundError, ConnectionRefusedError):
            pass
        if path.exists() or path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # stale: nobody answers on it
        process, err_path = spawner.spawn(path)
        deadline = time.monotonic() + wait_seconds
        while True:
            with contextlib.suppress(FileNotFoundError, ConnectionRefusedError):
                reader, writer = await _open(path)
                return reader, writer, True
            code = process.poll()
            if code is not None:
                tail = _last_line(err_path)
                if "already listening" in tail:
                    # A daemon started without the lock won the race: use it.
                    reader, writer = await _open(path)
                    return reader, writer, False
                raise DaemonStartError(
                    f"the daemon exited with status {code}" + (f": {tail}" if tail else "")
                )
            if time.monotonic() > deadline:
                raise DaemonStartError(
                    f"the daemon did not open {path} within {wait_seconds:.0f} s (see {err_path})"
                )
            await asyncio.sleep(0.05)


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        # The daemon prefixes its own messages; prefer those over log noise.
        if line.startswith("claude-py-server:"):
            return line.removeprefix("claude-py-server:").strip()
    return lines[-1].strip() if lines else ""


class DaemonLink:
    """One initialized connection to the user's daemon, re-established on demand.

    ``on_lost`` is called (once per connection) when the daemon goes away; the owner then calls
    :meth:`reconnect` and re-attaches its sessions.
    """

    def __init__(
        self,
        path: Path,
        on_notification: NotificationHandler,
        on_request: RequestHandler,
        on_lost: Callable[[], None] | None = None,
        spawner: Spawner | None = None,
    ) -> None:
        self.path = path
        self.spawner = spawner or Spawner()
        self.features = Features()
        self.spawned = False
        """Whether the last connection had to start the daemon."""
        self.client: RpcClient | None = None
        self._on_notification = on_notification
        self._on_request = on_request
        self._on_lost = on_lost

    @property
    def connected(self) -> bool:
        """Whether an initialized connection is open."""
        return self.client is not None and not self.client.closed

    async def connect(self, *, spawn: bool = True, early: socket.socket | None = None) -> None:
        """Connect (starting the daemon if needed) and run the ``initialize`` handshake.

        ``early`` is a socket on which ``initialize`` was already sent (see ``_early``).
        """
        if early is not None:
            try:
                await self._finish_handshake(*await _open_socket(early), spawned=False, sent=True)
                return
            except DaemonStartError:
                pass  # the early connection failed: start over the ordinary way
        reader, writer, spawned = await connect_or_spawn(self.path, self.spawner, spawn=spawn)
        await self._finish_handshake(reader, writer, spawned=spawned, sent=False)

    async def _finish_handshake(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        spawned: bool,
        sent: bool,
    ) -> None:
        client = RpcClient(
            reader, writer, self._on_notification, self._on_request, on_close=self._lost
        )
        try:
            answer = (
                client.expect_response(INITIALIZE_ID)
                if sent
                else client.request("initialize", initialize_params())
            )
            result = await asyncio.wait_for(answer, 30)
            await client.notify("initialized", {})
        except (ConnectionLost, TimeoutError) as exc:
            await client.close()
            raise DaemonStartError(f"the daemon did not complete the handshake: {exc}") from None
        self.client = client
        self.spawned = spawned
        self.features = Features.from_initialize(result)

    async def reconnect(
        self,
        delays: Sequence[float] = RECONNECT_DELAYS,
        on_attempt: Callable[[int], None] | None = None,
    ) -> None:
        """Reconnect with back-off, starting a new daemon when the old one is gone."""
        last: Exception | None = None
        for attempt, delay in enumerate(delays, 1):
            if delay:
                await asyncio.sleep(delay)
            if on_attempt is not None:
                on_attempt(attempt)
            try:
                await self.connect()
                return
            except (DaemonStartError, OSError, ConnectionLost) as exc:
                last = exc
        raise DaemonStartError(f"could not reconnect to the daemon: {last}")

    async def request(self, method: str, params: Any = None) -> Any:
        """A request on the current connection; :class:`ConnectionLost` when there is none."""
        if self.client is None:
            raise ConnectionLost("not connected to the daemon")
        return await self.client.request(method, params)

    async def notify(self, method: str, params: Any = None) -> None:
        """A notification on the current connection."""
        if self.client is None:
            raise ConnectionLost("not connected to the daemon")
        await self.client.notify(method, params)

    async def close(self) -> None:
        """Leave politely (``shutdown`` + ``exit``); the daemon keeps running for others."""
        client, self.client = self.client, None
        if client is None:
            return
        if not client.closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.request("shutdown"), 2)
                await client.notify("exit")
        await client.close()

    def _lost(self) -> None:
        if self._on_lost is not None:
            self._on_lost()
