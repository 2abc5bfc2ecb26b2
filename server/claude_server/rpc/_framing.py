"""LSP base framing: ``Content-Length`` headers, a blank line, then the JSON body.

Unlike pygls's reader, a bad header is reported to the caller (so the daemon can answer with a
parse error) and the reader resynchronises on the next header block instead of stalling.
"""

from __future__ import annotations

import asyncio

MAX_BODY_BYTES = 64 * 1024 * 1024
"""Bodies larger than this are discarded unread (a client bug or an attack, never a prompt)."""

MAX_HEADER_LINE = 8192


class FrameError(Exception):
    """A header block that cannot frame a message; the stream stays usable."""


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next message body; ``None`` at end of stream.

    Raises :class:`FrameError` for a bad header block, after consuming it.
    """
    content_length: int | None = None
    problem: str | None = None
    saw_header = False
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError as exc:
            # An absurdly long header line: drop it and report.
            await reader.readexactly(exc.consumed)
            problem = "header line too long"
            continue
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
            try:
                content_length = int(value.strip())
            except ValueError:
                problem = f"invalid Content-Length {value.strip()[:40]!r}"
                continue
            if content_length < 0:
                problem = "negative Content-Length"
    if problem is None and content_length is None:
        problem = "missing Content-Length header"
    if problem is not None:
        raise FrameError(problem)
    assert content_length is not None
    if content_length > MAX_BODY_BYTES:
        await _discard(reader, content_length)
        raise FrameError(f"message of {content_length} bytes exceeds the {MAX_BODY_BYTES} limit")
    try:
        return await reader.readexactly(content_length)
    except asyncio.IncompleteReadError:
        return None


async def _discard(reader: asyncio.StreamReader, count: int) -> None:
    while count > 0:
        chunk = await reader.read(min(count, 1 << 20))
        if not chunk:
            return
        count -= len(chunk)


def encode_frame(body: bytes) -> bytes:
    """``body`` with its header, ready to write."""
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
