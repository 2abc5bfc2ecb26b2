"""Handlers of the ``daemon/*`` methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.rpc._dispatch import Handler

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection
    from claude_server.rpc._core import DaemonCore


def daemon_handlers(core: DaemonCore, conn: Connection) -> dict[str, Handler]:
    """The daemon methods, bound to one connection."""

    async def status(_params: p.Empty) -> p.DaemonStatusResult:
        return core.status()

    return {"daemon/status": status}
