"""Which files the model has read in a session, so Write and Edit can refuse blind changes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_server.model import ToolError

_STATE_KEY = "files"


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What a file looked like when the model last saw it."""

    mtime_ns: int
    size: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileStamp:
        return cls(mtime_ns=stat.st_mtime_ns, size=stat.st_size)


def _stamps(state: dict[str, Any]) -> dict[str, FileStamp]:
    current = state.get(_STATE_KEY)
    if not isinstance(current, dict):
        current = {}
        state[_STATE_KEY] = current
    return current


def _key(path: Path) -> str:
    # Symlinks and `..` must not let one file pass for another.
    return os.path.realpath(path)


def record_read(state: dict[str, Any], path: Path, stat: os.stat_result) -> None:
    """Remember that the model has seen ``path`` as it is now (after Read, Write or Edit)."""
    _stamps(state)[_key(path)] = FileStamp.of(stat)


def was_read(state: dict[str, Any], path: Path) -> bool:
    """Whether the model has read ``path`` in this session."""
    return _key(path) in _stamps(state)


def check_unchanged(state: dict[str, Any], path: Path, stat: os.stat_result, verb: str) -> None:
    """Refuse to change an existing file the model has not read, or that changed since.

    ``verb`` names the change in the message ("write", "edit").
    """
    seen = _stamps(state).get(_key(path))
    if seen is None:
        raise ToolError(
            f"{path} has not been read in this session. Read it first, then {verb} it, "
            "so that no existing content is lost by accident."
        )
    if seen != FileStamp.of(stat):
        raise ToolError(
            f"{path} has changed on disk since it was last read (by the user, a formatter or "
            f"another tool). Read it again, then {verb} it."
        )
