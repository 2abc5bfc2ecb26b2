"""``claude-py daemon status|stop|restart``: see, stop or restart the user's background daemon.

A running daemon keeps the environment it started with (``ANTHROPIC_BASE_URL``, the key): after
changing either in a shell, ``claude-py daemon restart`` makes it take them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

from claude_cli._connect import DaemonLink, DaemonStartError
from claude_cli._oneshot import fail
from claude_cli._paths import socket_path
from claude_cli._rpc import ConnectionLost, RpcError

STOP_SECONDS = 10.0
"""How long ``stop`` waits for the daemon to end after SIGTERM."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py daemon", description="See, stop or restart the background daemon."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("status", help="whether it runs: pid, version, uptime, clients, sessions")
    sub.add_parser("stop", help="stop it (its sessions are saved; running turns end)")
    sub.add_parser("restart", help="stop it and start a new one with this shell's environment")
    return parser


def _ignore(_method: str, _params: Any) -> None:
    return None


async def _refuse(_method: str, _params: Any) -> Any:
    raise RpcError(-32601, "this client answers no requests")


async def _status(spawn: bool = False) -> dict[str, Any] | None:
    """The running daemon's ``daemon/status``, or None when none runs."""
    link = DaemonLink(socket_path(), _ignore, _refuse)
    try:
        await link.connect(spawn=spawn)
    except (FileNotFoundError, ConnectionRefusedError):
        return None
    try:
        status: dict[str, Any] = await link.request("daemon/status", {})
        return status
    finally:
        await link.close()


def _describe(status: dict[str, Any]) -> str:
    uptime = int(status["uptimeSeconds"])
    clients = len(status["connections"]) - 1  # not this one
    return (
        f"claude-py daemon {status['version']} running: pid {status['pid']}, up "
        f"{uptime // 3600}h{uptime % 3600 // 60:02d}m{uptime % 60:02d}s, "
        f"{clients} other client(s), {len(status['liveSessions'])} live session(s), "
        f"data in {status['dataDir']}, socket {socket_path()}"
    )


async def _stop(status: dict[str, Any]) -> bool:
    pid = int(status["pid"])
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.05)
    return False


async def _run(action: str) -> int:
    status = await _status()
    if action == "status":
        if status is None:
            print(f"No claude-py daemon is running (socket {socket_path()}).")
            return 1
        print(_describe(status))
        return 0
    if status is not None:
        if not await _stop(status):
            return fail(f"the daemon (pid {status['pid']}) did not stop in {STOP_SECONDS:g} s")
        print(f"Stopped the daemon (pid {status['pid']}).")
    elif action == "stop":
        print("No claude-py daemon was running.")
        return 0
    if action == "restart":
        started = await _status(spawn=True)
        if started is None:
            return fail("the new daemon did not start")
        print(f"Started a new daemon (pid {started['pid']}) with this shell's environment.")
    return 0


def main(argv: Sequence[str]) -> int:
    """Run the subcommand."""
    args = _parser().parse_args(list(argv))
    try:
        return asyncio.run(_run(args.action))
    except (RpcError, ConnectionLost, DaemonStartError, OSError) as exc:
        return fail(f"could not talk to the daemon: {getattr(exc, 'message', None) or exc}")
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
