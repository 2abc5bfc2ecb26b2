"""The ordered record of what happened in a live session, with its watchers.

Each event gets the next ``seq`` (1, 2, 3...). Watchers are called synchronously in seq order, and
``subscribe`` replays and registers in one step, so a watcher never sees a gap or a duplicate.

A log may be given a ``persist`` callback (a :class:`SessionWriter`'s ``append_event``): it runs
first, and if it raises, the event is neither kept nor shown to anyone, so no client is ever told
about an event the session file lacks. A resumed session's log starts from its ``history``
(the replay of its file; seqs may have gaps where turns were rewound) and numbers on from there.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterable

from claude_server.model import SessionEvent

log = logging.getLogger(__name__)

Watcher = Callable[[int, SessionEvent], None]
"""Called with ``(seq, event)`` for every event, in order."""


class EventLog:
    """Append-only, in-memory list of a session's events."""

    def __init__(
        self,
        *,
        persist: Watcher | None = None,
        history: Iterable[tuple[int, SessionEvent]] = (),
        last_seq: int = 0,
    ) -> None:
        self._seqs: list[int] = []
        self._events: list[SessionEvent] = []
        for seq, event in history:
            if self._seqs and seq <= self._seqs[-1]:
                raise ValueError(f"history seq {seq} does not follow {self._seqs[-1]}")
            self._seqs.append(seq)
            self._events.append(event)
        self._last_seq = max(last_seq, self._seqs[-1] if self._seqs else 0)
        self._persist = persist
        self._watchers: list[Watcher] = []

    @property
    def last_seq(self) -> int:
        """The seq of the newest event (0 when there is none)."""
        return self._last_seq

    @property
    def watcher_count(self) -> int:
        """How many watchers are subscribed."""
        return len(self._watchers)

    def set_persist(self, persist: Watcher | None) -> None:
        """Set (or remove) the callback that stores each event before anyone sees it."""
        self._persist = persist

    def append(self, event: SessionEvent) -> int:
        """Record ``event``, tell every watcher, and return its seq.

        An error from ``persist`` propagates and the event is dropped (the seq is not used).
        """
        seq = self._last_seq + 1
        if self._persist is not None:
            self._persist(seq, event)
        self._last_seq = seq
        self._seqs.append(seq)
        self._events.append(event)
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
        start = bisect.bisect_right(self._seqs, seq)
        return list(zip(self._seqs[start:], self._events[start:], strict=True))

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
