"""The state every connection shares: live sessions, connections, the TCP token."""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from claude_server import __version__
from claude_server import protocol as p
from claude_server.auth import CredentialResolver
from claude_server.engine import CommandServices, SessionManager

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


class DaemonCore:
    """One per daemon process; connections come and go around it."""

    def __init__(
        self,
        sessions: SessionManager,
        data_dir: Path,
        credentials: CredentialResolver,
        command_services: CommandServices,
        resolve_model: Callable[[str], str] = str,
    ) -> None:
        self.sessions = sessions
        self.credentials = credentials
        self.command_services = command_services
        self.data_dir = data_dir
        self.resolve_model = resolve_model
        """Turns a model alias (``sonnet``) into a model id."""
        self.tcp_token: str | None = None
        self.connections: dict[int, Connection] = {}
        self._started = time.monotonic()
        self._next_connection_id = 1

    def next_connection_id(self) -> int:
        """A number naming a new connection in logs and status."""
        number = self._next_connection_id
        self._next_connection_id += 1
        return number

    def token_matches(self, offered: str | None) -> bool:
        """Whether a TCP client presented the daemon's token (compared in constant time)."""
        if self.tcp_token is None or offered is None:
            return False
        return hmac.compare_digest(offered.encode(), self.tcp_token.encode())

    def status(self) -> p.DaemonStatusResult:
        """What ``daemon/status`` reports."""
        return p.DaemonStatusResult(
            version=__version__,
            protocol_version=p.PROTOCOL_VERSION,
            pid=os.getpid(),
            uptime_seconds=round(time.monotonic() - self._started, 3),
            data_dir=str(self.data_dir),
            connections=[c.info() for c in self.connections.values()],
            live_sessions=[
                p.LiveSessionInfo(
                    session_id=s.session_id,
                    cwd=s.cwd,
                    model=s.model,
                    attached_clients=s.log.watcher_count,
                    busy=s.busy,
                    last_seq=s.log.last_seq,
                    title=s.title,
                )
                for s in self.sessions.live()
            ],
        )
