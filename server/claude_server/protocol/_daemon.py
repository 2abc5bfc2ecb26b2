"""``daemon/status``."""

from __future__ import annotations

from claude_server.protocol._base import WireModel


class LiveSessionInfo(WireModel):
    """A session the daemon holds in memory."""

    session_id: str
    cwd: str
    model: str
    attached_clients: int
    busy: bool
    """A turn is running."""
    last_seq: int
    title: str = ""


class ConnectionInfo(WireModel):
    """One connected client."""

    connection_id: int
    transport: str
    client_name: str | None = None
    initialized: bool


class DaemonStatusResult(WireModel):
    """Result of ``daemon/status``."""

    version: str
    protocol_version: int
    pid: int
    uptime_seconds: float
    data_dir: str
    connections: list[ConnectionInfo]
    live_sessions: list[LiveSessionInfo]
