"""Where a live session keeps its history on disk: the writer, the file snapshots, what loaded."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from claude_server.model import TurnStartedEvent
from claude_server.sessions import FileHistory, LoadedSession, SessionWriter


@dataclass(slots=True)
class SessionRecord:
    """A session's storage; all ``None`` for a session that is not stored (tests, tools)."""

    writer: SessionWriter | None = None
    files: FileHistory | None = None
    """Snapshots of files before a turn edited them (the undo stack of rewinds)."""
    loaded: LoadedSession | None = None
    """What was read back when the session was resumed."""


def turn_starts(loaded: LoadedSession) -> list[tuple[int, str]]:
    """``(first message index, turn id)`` of each recorded turn of a loaded session.

    A turn's first message is the first one recorded after its ``turn_started`` event, which
    ``event_marks`` (events recorded before each message) tells.
    """
    starts: list[tuple[int, str]] = []
    marks = loaded.event_marks
    for position, (_seq, event) in enumerate(loaded.events):
        if isinstance(event, TurnStartedEvent):
            index = bisect.bisect_right(marks, position)
            if index < len(loaded.messages):
                starts.append((index, event.turn_id))
    return starts
