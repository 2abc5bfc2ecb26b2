"""The daemon's live sessions."""

from __future__ import annotations

import uuid

from claude_server.engine._session import LiveSession, ProviderFactory
from claude_server.engine._turn import TurnConfig
from claude_server.errors import SessionNotFoundError


class SessionManager:
    """Creates live sessions and finds them by id."""

    def __init__(
        self,
        provider_factory: ProviderFactory,
        *,
        default_model: str,
        max_tokens: int,
        max_turns: int = 20,
    ) -> None:
        self._provider_factory = provider_factory
        self._default_model = default_model
        self._max_tokens = max_tokens
        self._max_turns = max_turns
        self._sessions: dict[str, LiveSession] = {}

    def new(self, cwd: str, model: str | None = None) -> LiveSession:
        """Start a session in ``cwd``."""
        session_id = str(uuid.uuid4())
        config = TurnConfig(
            model=model or self._default_model,
            max_tokens=self._max_tokens,
            max_turns=self._max_turns,
        )
        session = LiveSession(session_id, cwd, config, self._provider_factory)
        self._sessions[session_id] = session
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
        """Stop every running turn and release every provider."""
        for session in self._sessions.values():
            await session.close()
