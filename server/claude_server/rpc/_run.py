"""Running the daemon: listeners, stdio, signals and an orderly stop."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Protocol

from claude_server.config import TokenFile, token_path
from claude_server.rpc._connection import warm_up
from claude_server.rpc._core import RpcCore
from claude_server.rpc._transports import ListenAddress, SocketListener, serve_stdio

log = logging.getLogger(__name__)


IDLE_UNLOAD_SECONDS = 30 * 60
"""A stored session nobody watches leaves memory after this long without activity."""


async def _unload_idle_sessions(core: RpcCore) -> None:
    while True:
        await asyncio.sleep(60)
        try:
            unloaded = await core.app.sessions.unload_idle(IDLE_UNLOAD_SECONDS)
        except Exception:
            log.exception("unloading idle sessions failed")
            continue
        if unloaded:
            log.info("unloaded %d idle session(s)", len(unloaded))


class Listener(Protocol):
    """Another edge's listener the daemon runs beside its own (the HTTP API)."""

    @property
    def description(self) -> str:
        """What the start-up line says it serves."""
        ...

    async def start(self) -> None:
        """Start serving."""
        ...

    async def close(self) -> None:
        """Stop serving (before the application closes)."""
        ...


def announce(text: str) -> None:
    """A status line for whoever started the daemon (stderr; stdout may be the protocol)."""
    sys.stderr.write(f"claude-py-server: {text}\n")
    sys.stderr.flush()


async def run_daemon(
    core: RpcCore,
    addresses: list[ListenAddress],
    stdio: bool,
    beside: Sequence[Listener] = (),
) -> int:
    """Serve until stopped: by a signal, or (with stdio) when the stdio client leaves.

    ``beside`` are other edges' listeners on the same application, started after these and
    closed before the application is."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    token_file = (
        TokenFile.acquire(token_path()) if any(a.kind == "tcp" for a in addresses) else None
    )
    if token_file is not None:
        core.tcp_token = token_file.token
    warm_up(core)
    listeners: list[SocketListener | Listener] = [SocketListener(core, a) for a in addresses]
    listeners += beside
    janitor = asyncio.create_task(_unload_idle_sessions(core))
    exit_code = 0
    try:
        for listener in listeners:
            await listener.start()
            announce(f"listening on {listener.description}")
        waiters: set[asyncio.Task[object]] = {asyncio.create_task(stop.wait())}
        stdio_task: asyncio.Task[int] | None = None
        if stdio:
            stdio_task = asyncio.create_task(serve_stdio(core))
            waiters.add(stdio_task)
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if stdio_task is not None and stdio_task.done():
            exit_code = stdio_task.result()
        for task in waiters:
            task.cancel()
    finally:
        janitor.cancel()
        for listener in listeners:
            await listener.close()
        await core.app.aclose()
        if token_file is not None:
            token_file.release()
        log.info("daemon stopped")
    return exit_code
