"""The conversation of a live session: a list of messages that records what is appended."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from claude_server.model import Message


class Conversation(list[Message]):
    """Messages in order; every append is recorded first (a crash loses nothing appended).

    Only ``append`` and ``truncate`` change it: the agent loop appends, rewinds and ``/clear``
    truncate. The recording callbacks write the session's file.
    """

    def __init__(
        self,
        messages: Iterable[Message] = (),
        *,
        on_append: Callable[[Message], None] | None = None,
    ) -> None:
        super().__init__(messages)
        self._on_append = on_append

    def append(self, message: Message) -> None:
        """Record ``message``, then add it."""
        if self._on_append is not None:
            self._on_append(message)
        super().append(message)

    def replace_all(self, messages: Iterable[Message]) -> None:
        """Put ``messages`` in place of the whole conversation, without recording them (the
        caller records what replaces them, e.g. a compaction record)."""
        super().clear()
        super().extend(messages)

    def truncate(self, keep: int) -> list[Message]:
        """Drop everything after the first ``keep`` messages; return what was dropped."""
        dropped = self[keep:]
        del self[keep:]
        return dropped
