"""Handlers of ``workspace/status`` and ``workspace/trust``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.rpc._dispatch import Handler
from claude_server.services import Application, wire_workspace

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


def workspace_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """The workspace methods (``conn`` unused: trust is the user's, not a connection's)."""
    del conn

    async def status(params: p.WorkspaceStatusParams) -> p.WorkspaceInfo:
        return wire_workspace(app.workspace(params.cwd))

    async def trust(params: p.WorkspaceTrustParams) -> p.WorkspaceInfo:
        report = app.trust_workspace(
            params.cwd, enable_mcp=params.enable_mcp_servers, revoke=params.revoke
        )
        return wire_workspace(report)

    return {"workspace/status": status, "workspace/trust": trust}
