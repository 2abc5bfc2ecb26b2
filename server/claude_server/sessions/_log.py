"""The ordered record of what happened in a live session, with its watchers.

Each event gets the next ``seq`` (1, 2, 3...). Watchers are called synchronously in seq order, and
``subscribe`` replays and registers in one step, so a watcher never sees a gap or a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from claude_server.model import SessionEvent

log = logging.getLogger(__name__)

Watcher = Callable[[int, SessionEvent], None]
"""Called with ``(seq, event)`` for every event, in order."""


class EventLog:
    """Append-only, in-memory list of a session's events."""

    def __init__(self) -> None:
        self._events: list[SessionEvent] = []
        self._watchers: list[Watcher] = []

    @property
    def last_seq(self) -> int:
        """The seq of the newest event (0 when there is none)."""
        return len(self._events)

    @property
    def watcher_count(self) -> int:
        """How many watchers are subscribed."""
        return len(self._watchers)

    def append(self, event: SessionEvent) -> int:
        """Record ``event``, tell every watcher, and return its seq."""
        self._events.append(event)
        seq = len(self._events)
        for watcher in tuple(self._watchers):
            try:
                watcher(seq, event)
            except Exception:
                # One broken watcher (a client that went away) must not stop the session.
                log.exception("session watcher failed; unsubscribing it")
                self.unsubscribe(watcher)
        return seq

    def since(self, seq: int) -> list[tuple[int, SessionEvent]]:
        """Every event after ``seq``, with its seq."""
        start = max(seq, 0)
        return [(i + 1, e) for i, e in enumerate(self._events[start:], start=start)]

    def subscribe(self, watcher: Watcher, since_seq: int | None = None) -> int:
        """Register ``watcher``; first replay the events after ``since_seq`` to it.

        Returns the number of events replayed.
        """
        replay = self.since(since_seq) if since_seq is not None else []
        for seq, event in replay:
            watcher(seq, event)
        if watcher not in self._watchers:
            self._watchers.append(watcher)
        return len(replay)

    def unsubscribe(self, watcher: Watcher) -> None:
        """Stop telling ``watcher`` (no error when it was not subscribed)."""
        if watcher in self._watchers:
            self._watchers.remove(watcher)
