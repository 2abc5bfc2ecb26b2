"""What the session store hands out: a loaded session, list entries, pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from claude_server.model import Message, SessionEvent

Source = Literal["claude-py", "claude-code"]
"""Who wrote a session file: us, or Claude Code (read-only)."""


@dataclass(slots=True)
class SessionMeta:
    """The first line of a session file: what the session is and where it started."""

    session_id: str
    cwd: str
    created_at: datetime
    model: str
    mode: str
    version: int = 1
    forked_from: dict[str, Any] | None = None
    """``{"sessionId": ..., "messages": N}`` (and ``"source"`` for imports) for a fork."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys of the meta line this version does not know, kept as they were."""


@dataclass(slots=True)
class LoadedSession:
    """A session read back from its file, ready to resume or replay.

    ``messages`` is the conversation after every rewind and compaction record was applied.
    ``events`` are what a client replaying the session should see: events of rewound turns are
    left out, so seqs may have gaps; ``last_seq`` is the highest seq in the file, from which a
    resumed session continues numbering. ``event_marks[i]`` is how many of ``events`` came before
    ``messages[i]`` was recorded (a rewind or fork to ``i`` messages keeps that many events).
    ``warnings`` say what was skipped (damaged lines); loading never fails on them.
    """

    meta: SessionMeta
    messages: list[Message]
    events: list[tuple[int, SessionEvent]]
    title: str
    model: str
    mode: str
    last_seq: int = 0
    event_marks: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    source: Source = "claude-py"
    read_only: bool = False
    compactions: list[dict[str, Any]] = field(default_factory=list)
    """The compaction records applied, oldest first (``replaces``, ``trigger``, details)."""

    @property
    def session_id(self) -> str:
        """The session's id."""
        return self.meta.session_id

    @property
    def cwd(self) -> str:
        """The session's project directory."""
        return self.meta.cwd


@dataclass(slots=True, frozen=True)
class SessionSummary:
    """One entry of a session list."""

    session_id: str
    title: str
    cwd: str
    created_at: datetime
    updated_at: datetime
    message_count: int
    model: str = ""
    forked_from: str | None = None
    source: Source = "claude-py"
    read_only: bool = False


@dataclass(slots=True, frozen=True)
class SessionPage:
    """A page of a session list, newest first; ``next_cursor`` fetches the next page."""

    sessions: list[SessionSummary]
    next_cursor: str | None = None
