"""The sessions this client follows: the foreground one (with its transcript) and the others."""

from __future__ import annotations

from claude_cli._render import Transcript
from claude_cli._session_client import SessionView


class SessionRegistry:
    """Views by session id; one of them is in the foreground and has a transcript on screen."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.views: dict[str, SessionView] = {}
        self.view = SessionView("", cwd=cwd)
        self.transcript = Transcript(self.view)

    def register(self, session_id: str) -> SessionView:
        """The view of ``session_id``, created on first use (before its updates arrive)."""
        view = self.views.get(session_id)
        if view is None:
            view = SessionView(session_id, cwd=self.cwd)
            self.views[session_id] = view
        return view

    def get(self, session_id: str) -> SessionView | None:
        """The view of a session this client follows."""
        return self.views.get(session_id)

    def switch(self, view: SessionView) -> None:
        """Put ``view`` in the foreground, with a fresh transcript."""
        self.view = view
        self.transcript = Transcript(view)
