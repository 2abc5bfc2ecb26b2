"""What every JSON-RPC connection of this daemon shares: the application and the TCP token."""

from __future__ import annotations

import hmac

from claude_server.rpc._outgoing import OutgoingLimits
from claude_server.services import Application


class RpcCore:
    """One per daemon process; connections come and go around it."""

    def __init__(self, app: Application, outgoing_limits: OutgoingLimits | None = None) -> None:
        self.app = app
        self.outgoing_limits = outgoing_limits or OutgoingLimits()
        self.tcp_token: str | None = None

    def token_matches(self, offered: object) -> bool:
        """Whether a TCP client presented the daemon's token (compared in constant time)."""
        if self.tcp_token is None or not isinstance(offered, str):
            return False
        return hmac.compare_digest(offered.encode(), self.tcp_token.encode())
