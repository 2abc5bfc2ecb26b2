"""A live session: one conversation, its running turn and the log its watchers follow."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable

from claude_server.engine._turn import TurnConfig, TurnOutcome, TurnState, run_turn
from claude_server.errors import ClaudePyError, InternalError, SessionBusyError
from claude_server.model import (
    ErrorEvent,
    Message,
    Provider,
    SessionEvent,
    TextBlock,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UserMessageEvent,
)
from claude_server.sessions import EventLog

log = logging.getLogger(__name__)

ProviderFactory = Callable[[], Provider]
"""Builds the provider a session talks to; raises an ``AuthError`` when no credential is set."""


class LiveSession:
    """A conversation held in memory by the daemon; the only writer of its history."""

    def __init__(
        self,
        session_id: str,
        cwd: str,
        config: TurnConfig,
        provider_factory: ProviderFactory,
    ) -> None:
        self.session_id = session_id
        self.cwd = cwd
        self.config = config
        self.log = EventLog()
        self.messages: list[Message] = []
        self.total_usage = Usage()
        self._provider_factory = provider_factory
        self._provider: Provider | None = None
        self._turn: asyncio.Task[TurnOutcome] | None = None

    @property
    def model(self) -> str:
        """The model this session asks."""
        return self.config.model

    @property
    def busy(self) -> bool:
        """A turn is running."""
        return self._turn is not None and not self._turn.done()

    def emit(self, event: SessionEvent) -> int:
        """Record an event and tell the watchers."""
        return self.log.append(event)

    async def prompt(self, text: str) -> TurnOutcome:
        """Run one turn for ``text`` and return how it ended.

        The turn belongs to the session, not to the caller: if the caller goes away the turn
        goes on for the other watchers. Cancelling the caller (``$/cancelRequest``) cancels the
        turn. A failed turn raises its :class:`ClaudePyError` after it has been reported.
        """
        if self.busy:
            raise SessionBusyError(
                f"session {self.session_id} is already running a turn; "
                "wait for it or cancel it first"
            )
        turn = asyncio.create_task(self._run(text), name=f"turn-{self.session_id}")
        self._turn = turn
        try:
            outcome = await asyncio.shield(turn)
        except asyncio.CancelledError:
            turn.cancel()
            with contextlib.suppress(asyncio.CancelledError, ClaudePyError):
                await turn
            raise
        return outcome

    def cancel(self) -> bool:
        """Stop the running turn; ``False`` when none runs."""
        if not self.busy:
            return False
        assert self._turn is not None
        self._turn.cancel()
        return True

    async def close(self) -> None:
        """Cancel any turn and release the provider."""
        if self._turn is not None and not self._turn.done():
            self._turn.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._turn
        if self._provider is not None:
            await self._provider.aclose()
            self._provider = None

    async def _run(self, text: str) -> TurnOutcome:
        turn_id = uuid.uuid4().hex[:12]
        self.emit(TurnStartedEvent(turn_id=turn_id))
        self.emit(UserMessageEvent(text=text))
        self._append_user_text(text)
        state = TurnState()
        try:
            provider = self._get_provider()
            outcome = await run_turn(
                self.messages, provider, self.config, self.emit, state, self._add_usage
            )
        except asyncio.CancelledError:
            self._keep_partial(state)
            self.emit(TurnCompletedEvent(turn_id, "cancelled", state.usage))
            # The turn task ends normally so the caller gets a result, not an exception.
            return TurnOutcome(stop_reason="cancelled", usage=state.usage)
        except ClaudePyError as exc:
            self._fail(turn_id, state, exc)
            raise
        except Exception as exc:
            log.exception("turn %s failed unexpectedly", turn_id)
            error = InternalError(f"internal error during the turn: {exc.__class__.__name__}")
            self._fail(turn_id, state, error)
            raise error from exc
        self.emit(TurnCompletedEvent(turn_id, outcome.stop_reason, outcome.usage))
        return outcome

    def _fail(self, turn_id: str, state: TurnState, exc: ClaudePyError) -> None:
        self._keep_partial(state)
        self.emit(ErrorEvent(code=exc.code, message=exc.message, retryable=exc.retryable))
        self.emit(TurnCompletedEvent(turn_id, "error", state.usage))

    def _get_provider(self) -> Provider:
        if self._provider is None:
            self._provider = self._provider_factory()
        return self._provider

    def _add_usage(self, usage: Usage) -> Usage:
        self.total_usage = self.total_usage + usage
        return self.total_usage

    def _append_user_text(self, text: str) -> None:
        # A failed turn can leave the user's message unanswered; the API wants roles to
        # alternate, so the next prompt joins that message instead of following it.
        if self.messages and self.messages[-1].role == "user":
            self.messages[-1].content.append(TextBlock(text=text))
        else:
            self.messages.append(Message.user_text(text))

    def _keep_partial(self, state: TurnState) -> None:
        # Keep what the user already saw of an interrupted answer, so the conversation matches
        # the screen; unfinished tool calls are dropped (they never ran).
        partial = "".join(state.partial_text)
        if partial and self.messages and self.messages[-1].role == "user":
            self.messages.append(Message(role="assistant", content=[TextBlock(text=partial)]))
        state.partial_text.clear()
