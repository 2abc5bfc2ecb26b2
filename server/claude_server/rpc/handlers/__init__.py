"""Request handlers, one module per resource; each translates between the wire and
``claude_server.services``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server.rpc._dispatch import Handler
from claude_server.rpc.handlers.auth import auth_handlers
from claude_server.rpc.handlers.commands import command_handlers
from claude_server.rpc.handlers.daemon import daemon_handlers
from claude_server.rpc.handlers.session import session_handlers
from claude_server.rpc.handlers.storage import storage_handlers
from claude_server.rpc.handlers.workspace import workspace_handlers
from claude_server.services import Application

if TYPE_CHECKING:
    # A type only: the connection module imports this one to register the handlers.
    from claude_server.rpc._connection import Connection


def all_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """Every handler of the daemon, bound to one connection."""
    return {
        **daemon_handlers(app, conn),
        **auth_handlers(app, conn),
        **session_handlers(app, conn),
        **command_handlers(app, conn),
        **storage_handlers(app, conn),
        **workspace_handlers(app, conn),
    }


__all__ = ["all_handlers"]
