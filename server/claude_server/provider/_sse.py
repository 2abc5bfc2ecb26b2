"""An incremental decoder for Server-Sent Events (the ``text/event-stream`` format).

It follows the WHATWG "event stream interpretation" rules, with the two deviations the official
Anthropic SDKs make (and the conformance cases in ``tests/fixtures`` expect):

- an event that has a name but no ``data`` line is still reported, with data ``""``;
- the event name is ``None`` when the block had no ``event`` line (the spec would say
  ``"message"``).

As in the spec, a block that is not terminated by a blank line when the stream ends is dropped:
a response cut off half-way through an event must not look like a complete one.

Speed matters here: a long answer is tens of thousands of small events. The hot path splits the
byte stream on ``b"\\n\\n"`` and decodes each complete block at once; carriage returns (rare in
practice) are normalised to ``\\n`` as they arrive, remembering a ``\\r`` at the end of a chunk so
that a ``\\r\\n`` split across two chunks still counts as one line ending.
"""

from __future__ import annotations

from typing import Final

__all__ = ["SSEDecoder", "SSEEvent"]

SSEEvent = tuple[str | None, str]
"""One dispatched event: its name (``None`` when absent) and its data lines joined with ``\\n``."""

_BOM: Final = b"\xef\xbb\xbf"


class SSEDecoder:
    """Turns arbitrary byte chunks into complete events.

    Call :meth:`feed` with each chunk as it arrives; it returns the events completed by that
    chunk (often none, sometimes several). Call :meth:`close` at the end of the stream.
    """

    __slots__ = (
        "_bom_pending",
        "_cr_pending",
        "_ends_with_lf",
        "_pending",
        "last_event_id",
        "retry",
    )

    def __init__(self) -> None:
        # Bytes of an unfinished block (no blank line seen yet), kept as a list so that a large
        # event arriving in many small chunks costs linear, not quadratic, time.
        self._pending: list[bytes] = []
        self._ends_with_lf = False
        self._cr_pending = False
        self._bom_pending = True
        self.last_event_id: str = ""
        """The last ``id`` field seen (the spec's "last event ID buffer")."""
        self.retry: int | None = None
        """The last valid ``retry`` field, in milliseconds."""

    @property
    def has_partial_event(self) -> bool:
        """Whether bytes of an event not yet terminated by a blank line are buffered."""
        return any(part.strip(b"\n") for part in self._pending)

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Add ``chunk`` to the stream and return the events it completes."""
        if not chunk:
            return []
        if self._cr_pending:
            # The previous chunk ended with "\r", already turned into "\n"; a "\n" right after it
            # is the second half of a "\r\n" and must not count as another (blank) line.
            self._cr_pending = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
                if not chunk:
                    return []
        if b"\r" in chunk:
            self._cr_pending = chunk[-1] == 0x0D
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if self._bom_pending:
            chunk = self._strip_bom(chunk)
            if not chunk:
                return []

        pending = self._pending
        if b"\n\n" not in chunk and not (self._ends_with_lf and chunk[0] == 0x0A):
            # No blank line completed: just remember the bytes.
            pending.append(chunk)
            self._ends_with_lf = chunk[-1] == 0x0A
            return []

        if pending:
            pending.append(chunk)
            data = b"".join(pending)
            pending.clear()
        else:
            data = chunk
        blocks = data.split(b"\n\n")
        rest = blocks.pop()
        if rest:
            pending.append(rest)
            self._ends_with_lf = rest[-1] == 0x0A
        else:
            self._ends_with_lf = False
        events: list[SSEEvent] = []
        for block in blocks:
            self._parse_block(block, events)
        return events

    def close(self) -> None:
        """End the stream, dropping an event that was not terminated by a blank line."""
        self._pending.clear()
        self._ends_with_lf = False
        self._cr_pending = False

    def _strip_bom(self, chunk: bytes) -> bytes:
        # The BOM may itself arrive split over chunks; hold its first bytes back until we know.
        head = b"".join(self._pending) + chunk if self._pending else chunk
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._pending = [head]
            return b""
        self._pending = []
        self._bom_pending = False
        return head[len(_BOM) :] if head.startswith(_BOM) else head

    def _parse_block(self, block: bytes, events: list[SSEEvent]) -> None:
        # A complete block ends on a line boundary, so it holds whole UTF-8 sequences.
        text = block.decode("utf-8", errors="replace")
        event: str | None = None
        data: list[str] = []
        seen = False
        for line in text.split("\n"):
            if not line:
                # Only a leading blank line can occur here (extra blank lines between events).
                if seen:
                    events.append((event, "\n".join(data)))
                    event, data, seen = None, [], False
                continue
            if line[0] == ":":
                continue
            name, colon, value = line.partition(":")
            if colon and value[:1] == " ":
                value = value[1:]
            if name == "data":
                data.append(value)
                seen = True
            elif name == "event":
                event = value
                seen = True
            elif name == "id":
                if "\0" not in value:
                    self.last_event_id = value
            elif name == "retry" and value.isascii() and value.isdigit():
                self.retry = int(value)
            # Any other field name is ignored, as the spec says.
        if seen:
            events.append((event, "\n".join(data)))
