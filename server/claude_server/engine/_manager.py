"""The daemon's live sessions."""

from __future__ import annotations

import uuid
from pathlib import Path

from claude_server.engine._deps import EngineDeps
from claude_server.engine._session import LiveSession
from claude_server.errors import SessionNotFoundError


class SessionManager:
    """Creates live sessions and finds them by id."""

    def __init__(self, deps: EngineDeps) -> None:
        self.deps = deps
        self._sessions: dict[str, LiveSession] = {}

    def new(self, cwd: str, model: str | None = None, mode: str | None = None) -> LiveSession:
        """Start a session in ``cwd``."""
        session = LiveSession(
            str(uuid.uuid4()),
            cwd,
            model or self.deps.project_model(Path(cwd)) or self.deps.default_model,
            self.deps.default_mode,
            self.deps,
        )
        if mode is not None:
            session.set_mode(mode)
        self._sessions[session.session_id] = session
        return session

    def get(self, session_id: str) -> LiveSession:
        """The live session with this id, or :class:`SessionNotFoundError`."""
        try:
            return self._sessions[session_id]
        except KeyError:
            raise SessionNotFoundError(f"no live session with id {session_id!r}") from None

    def live(self) -> list[LiveSession]:
        """Every live session, oldest first."""
        return list(self._sessions.values())

    async def close(self) -> None:
        """Stop every running turn (SessionEnd hooks run)."""
        for session in self._sessions.values():
            await session.close()
