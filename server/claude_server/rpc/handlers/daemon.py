"""Handlers of the ``daemon/*`` methods."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import __version__
from claude_server import protocol as p
from claude_server.rpc._dispatch import Handler
from claude_server.services import Application

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


def daemon_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """The daemon methods, bound to one connection."""

    async def status(_params: p.Empty) -> p.DaemonStatusResult:
        state = app.state()
        return p.DaemonStatusResult(
            version=__version__,
            protocol_version=p.PROTOCOL_VERSION,
            pid=state.pid,
            uptime_seconds=state.uptime_seconds,
            data_dir=str(state.data_dir),
            connections=[
                p.ConnectionInfo(
                    connection_id=c.client_id,
                    transport=c.transport,
                    client_name=c.name,
                    initialized=c.initialized,
                )
                for c in state.clients
            ],
            live_sessions=[
                p.LiveSessionInfo(
                    session_id=s.session_id,
                    cwd=str(s.cwd),
                    model=s.model,
                    attached_clients=s.log.watcher_count,
                    busy=s.busy,
                    last_seq=s.log.last_seq,
                    title=s.title,
                )
                for s in state.live_sessions
            ],
        )

    return {"daemon/status": status}
