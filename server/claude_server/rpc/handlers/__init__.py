"""Request handlers, one module per resource; each is thin and calls into the core."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server.rpc._dispatch import Handler
from claude_server.rpc.handlers.auth import auth_handlers
from claude_server.rpc.handlers.commands import command_handlers
from claude_server.rpc.handlers.daemon import daemon_handlers
from claude_server.rpc.handlers.session import session_handlers
from claude_server.rpc.handlers.storage import storage_handlers

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection
    from claude_server.rpc._core import DaemonCore


def all_handlers(core: DaemonCore, conn: Connection) -> dict[str, Handler]:
    """Every handler of the daemon, bound to one connection."""
    return {
        **daemon_handlers(core, conn),
        **auth_handlers(core, conn),
        **session_handlers(core, conn),
        **command_handlers(core, conn),
        **storage_handlers(core, conn),
    }


__all__ = ["all_handlers"]
