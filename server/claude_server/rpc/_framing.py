"""LSP base framing: ``Content-Length`` headers, a blank line, then the JSON body.

Unlike pygls's reader, a bad frame is reported to the caller (so the daemon answers with a parse
error) and the reader resynchronises on the next ``Content-Length`` header, wherever it starts:
after junk, inside a body that was shorter than announced, or after an oversized body.
"""

from __future__ import annotations

import asyncio

MAX_BODY_BYTES = 64 * 1024 * 1024
"""Bodies larger than this are refused (a client bug or an attack, never a prompt)."""

MAX_HEADER_LINE = 8192
MAX_LENGTH_DIGITS = 10
"""A ``Content-Length`` with more digits is refused before it is converted."""

STALL_SECONDS = 1.0
"""A body that stops growing this long, with a header inside it, was shorter than announced."""

_HEADER = b"content-length:"
_CHUNK = 1 << 16


class FrameError(Exception):
    """A frame that cannot be read; the stream stays usable from the next header."""


class FrameReader:
    """Reads frames from one stream, keeping what it has buffered between calls."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        *,
        max_body: int = MAX_BODY_BYTES,
        stall_seconds: float = STALL_SECONDS,
    ) -> None:
        self._reader = reader
        self._buf = bytearray()
        self._eof = False
        self._resyncing = False
        self.max_body = max_body
        """The largest body accepted now (a connection may lower it until it authenticates)."""
        self._stall = stall_seconds

    async def read(self) -> bytes | None:
        """The next message body; ``None`` at end of stream.

        Raises :class:`FrameError` for a bad frame; the next call starts at the next header.
        """
        try:
            return await self._read()
        except FrameError:
            self._resyncing = True
            raise

    async def _read(self) -> bytes | None:
        content_length: int | None = None
        problem: str | None = None
        saw_header = False
        while True:
            newline = self._buf.find(b"\n")
            if newline < 0:
                if len(self._buf) > MAX_HEADER_LINE:
                    self._skip_junk()
                    if not self._resyncing:
                        problem = problem or "header line too long"
                if not await self._fill(None):
                    return None
                continue
            line = bytes(self._buf[: newline + 1])
            at = line.lower().find(_HEADER)
            if at > 0 and line[:at].strip():
                # Bytes before a header: the rest of a broken frame (or garbage).
                del self._buf[:at]
                if saw_header:
                    raise FrameError(problem or "unexpected bytes inside a header block")
                if self._resyncing:
                    problem = None  # what was skipped belongs to the frame already reported
                    continue
                raise FrameError("unexpected bytes before a header")
            del self._buf[: newline + 1]
            stripped = line.strip()
            if not stripped:
                if not saw_header:
                    continue  # stray blank lines between frames are harmless
                break
            saw_header = True
            if len(line) > MAX_HEADER_LINE:
                problem = "header line too long"
                continue
            name, sep, value = stripped.partition(b":")
            if not sep:
                problem = f"malformed header line {stripped[:80]!r}"
                continue
            if name.strip().lower() == b"content-length":
                text = value.strip()
                if text.startswith(b"-") and text[1:].isdigit():
                    problem = "negative Content-Length"
                elif not text.isdigit():
                    problem = f"invalid Content-Length {text[:40]!r}"
                elif len(text) > MAX_LENGTH_DIGITS:
                    problem = f"Content-Length of {len(text)} digits"
                else:
                    content_length = int(text)
        if problem is None and content_length is None:
            problem = "missing Content-Length header"
        if problem is not None:
            raise FrameError(problem)
        assert content_length is not None
        if content_length > self.max_body:
            # The body is not read: it is skipped as junk up to the next header.
            raise FrameError(f"message of {content_length} bytes exceeds the {self.max_body} limit")
        body = await self._body(content_length)
        self._resyncing = False
        return body

    async def _body(self, size: int) -> bytes | None:
        while len(self._buf) < size:
            if await self._fill(self._stall):
                continue
            if self._eof:
                return None
            # Stalled: a following frame inside the body means this one was cut short.
            at = self._buf.lower().find(_HEADER)
            if at >= 0:
                del self._buf[:at]
                raise FrameError("body shorter than its Content-Length")
        body = bytes(self._buf[:size])
        del self._buf[:size]
        return body

    def _skip_junk(self) -> None:
        # A long run without a newline: keep only from a header inside it, or a short tail
        # (a header may be arriving split across reads).
        at = self._buf.lower().find(_HEADER, 1)
        if at > 0:
            del self._buf[:at]
        else:
            del self._buf[: len(self._buf) - len(_HEADER)]

    async def _fill(self, wait: float | None) -> bool:
        """Read more; ``False`` at end of stream or when ``wait`` seconds passed with nothing."""
        if self._eof:
            return False
        try:
            chunk = await asyncio.wait_for(self._reader.read(_CHUNK), wait)
        except TimeoutError:
            return False
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True


def encode_frame(body: bytes) -> bytes:
    """``body`` with its header, ready to write."""
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
