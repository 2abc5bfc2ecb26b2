"""The prompt history file, which never stores a line holding a credential."""

from __future__ import annotations

import re
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

_CREDENTIAL = re.compile(
    r"sk-ant-[A-Za-z0-9_-]{8,}"  # Anthropic API keys and OAuth tokens
    r"|^\s*/login\s+\S"  # /login with a key on the line
)


def holds_credential(line: str) -> bool:
    """Whether ``line`` looks like it carries an API key or token."""
    return _CREDENTIAL.search(line) is not None


class SecretSafeHistory(FileHistory):
    """A FileHistory that keeps credential lines in memory for this run but never on disk."""

    def store_string(self, string: str) -> None:
        if not holds_credential(string):
            super().store_string(string)


def open_history(path: Path | None) -> History:
    """The project's prompt history file (in memory when there is no path or it is unusable)."""
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return SecretSafeHistory(str(path))
