"""When the daemon goes away: say so, start it again, re-attach the sessions.

A live session survives a lost connection (the daemon keeps it): re-attaching with ``sinceSeq``
replays what was missed. If the daemon itself died, the session is loaded from disk when the
daemon can (``session/load``); otherwise the client says so and continues in a new session.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from claude_cli._connect import DaemonLink, DaemonStartError
from claude_cli._output import Output
from claude_cli._registry import SessionRegistry
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._session_client import SessionView
from claude_cli._sessions import SessionGone, attach_or_load, new_session


class Recovery:
    """Reconnects the link and restores the sessions this client follows."""

    def __init__(
        self,
        link: DaemonLink,
        sessions: SessionRegistry,
        output: Output,
        on_fatal: Callable[[], None],
    ) -> None:
        self.link = link
        self.sessions = sessions
        self.output = output
        self.on_fatal = on_fatal
        """Called when the daemon cannot be brought back (the app then exits)."""
        self.closing = False
        self._task: asyncio.Task[None] | None = None
        self._reattaching: set[str] = set()

    def on_lost(self) -> None:
        """The connection broke (the link calls this once per connection)."""
        if self.closing or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.ensure_future(self.recover())

    async def recover(self) -> None:
        """Reconnect (starting a daemon when needed) and restore the sessions."""
        self.output.notice("Lost the connection to the daemon; restarting it…", "error")
        self.output.refresh()
        try:
            await self.link.reconnect()
        except DaemonStartError as exc:
            self.output.notice(f"{exc}. Exiting.", "error")
            self.on_fatal()
            return
        for view in list(self.sessions.views.values()):
            if view is self.sessions.view or view.busy:
                await self.restore(view)
        self.output.refresh()

    async def restore(self, view: SessionView) -> None:
        """Follow ``view``'s session again; a session that is gone is replaced in the foreground."""
        busy = view.busy
        try:
            how = await attach_or_load(self.link, view, self.sessions.cwd, self.sessions.views)
        except SessionGone:
            how = "gone"
        except (RpcError, ConnectionLost) as exc:
            self.output.notice(f"could not re-attach: {getattr(exc, 'message', exc)}", "error")
            how = "gone"
        if how == "gone" and busy:
            # The turn died with the daemon: end it in the view so nothing spins forever.
            view.apply(
                None, {"kind": "error", "message": "The turn stopped when the daemon exited."}
            )
            view.apply(None, {"kind": "turn_completed", "stopReason": "error", "usage": {}})
        if view is not self.sessions.view:
            return
        short = view.session_id[:8]
        if how == "attached":
            self.output.notice(f"Reconnected; session {short} resumed")
            return
        if how == "loaded":
            self.output.notice(f"Reconnected; session {short} restored from disk")
            return
        try:
            fresh = await new_session(
                self.link, self.sessions.register, self.sessions.cwd, view.model or None, view.mode
            )
        except (RpcError, ConnectionLost) as exc:
            self.output.notice(
                f"could not open a new session: {getattr(exc, 'message', exc)}", "error"
            )
            return
        self.output.print_finished()
        self.sessions.switch(fresh)
        self.output.notice(
            f"The daemon restarted and could not restore session {short} "
            "(it does not keep sessions yet); continuing in a new session"
        )

    async def reattach(self, view: SessionView) -> None:
        """Re-attach after a gap in the update numbers (the daemon replays what is missing)."""
        if view.session_id in self._reattaching:
            return
        self._reattaching.add(view.session_id)
        try:
            with contextlib.suppress(RpcError, ConnectionLost, SessionGone):
                await attach_or_load(self.link, view, self.sessions.cwd, self.sessions.views)
        finally:
            self._reattaching.discard(view.session_id)
            self.output.refresh()
