"""One request to the daemon for a subcommand: a running daemon is asked; without one, a
private daemon answers and stops (nothing is left running)."""

from __future__ import annotations

import sys
from typing import Any

from claude_cli._connect import DaemonLink, DaemonStartError
from claude_cli._daemon import StdioDaemon
from claude_cli._paths import socket_path
from claude_cli._rpc import ConnectionLost, RpcError


async def ask_daemon(method: str, params: dict[str, Any]) -> Any:
    """The result of ``method``; raises :class:`RpcError`, :class:`ConnectionLost`,
    :class:`DaemonStartError` or :class:`OSError`."""

    def ignore(_method: str, _params: Any) -> None:
        return None

    async def refuse(_method: str, _params: Any) -> Any:
        raise RpcError(-32601, "this client answers no requests")

    link = DaemonLink(socket_path(), ignore, refuse)
    try:
        await link.connect(spawn=False)
    except (DaemonStartError, OSError, ConnectionLost):
        daemon = await StdioDaemon.start(ignore)
        try:
            return await daemon.client.request(method, params)
        finally:
            await daemon.stop()
    try:
        return await link.request(method, params)
    finally:
        await link.close()


def fail(message: str) -> int:
    """Print ``claude-py: error: message`` (on one line) to stderr; exit code 2."""
    print(f"claude-py: error: {' '.join(message.split())}", file=sys.stderr)
    return 2
