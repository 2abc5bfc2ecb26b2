"""Handlers of the ``auth/*`` methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.auth import AuthStatus
from claude_server.rpc._dispatch import Handler
from claude_server.services import Application

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


def wire_status(status: AuthStatus) -> p.AuthStatusResult:
    """The resolver's status in the protocol's shape."""
    return p.AuthStatusResult.model_validate(status.to_dict())


def auth_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """The auth methods, bound to one connection."""

    async def status(_params: p.Empty) -> p.AuthStatusResult:
        return wire_status(await app.credentials.status())

    async def login(params: p.AuthLoginParams) -> p.AuthStatusResult:
        return wire_status(await app.credentials.login(params.api_key))

    async def logout(_params: p.Empty) -> p.AuthLogoutResult:
        return p.AuthLogoutResult(removed=await app.credentials.logout())

    return {"auth/status": status, "auth/login": login, "auth/logout": logout}
