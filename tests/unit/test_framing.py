"""LSP framing: good frames, bad headers, resynchronisation."""

from __future__ import annotations

import asyncio

import pytest
from claude_server.rpc._framing import MAX_BODY_BYTES, FrameError, FrameReader, encode_frame


def _reader(data: bytes, *, eof: bool = True) -> FrameReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return FrameReader(reader, stall_seconds=0.05)


async def test_reads_consecutive_frames_and_ignores_other_headers() -> None:
    data = (
        encode_frame(b'{"a":1}')
        + b'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 7\r\n\r\n{"b":2}'
        + b"content-length: 2\n\n{}"  # bare LF and lower case are tolerated
    )
    reader = _reader(data)
    assert await reader.read() == b'{"a":1}'
    assert await reader.read() == b'{"b":2}'
    assert await reader.read() == b"{}"
    assert await reader.read() is None


async def test_counts_bytes_not_characters() -> None:
    body = '{"text":"héllo ✓"}'.encode()
    assert await _reader(encode_frame(body)).read() == body


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (b"Content-Type: x\r\n\r\n", "missing Content-Length"),
        (b"Content-Length: abc\r\n\r\n", "invalid Content-Length"),
        (b"Content-Length: -4\r\n\r\n", "negative"),
        (b"garbage\r\n\r\n", "malformed header"),
    ],
)
async def test_bad_header_raises_then_next_frame_reads(header: bytes, problem: str) -> None:
    reader = _reader(header + encode_frame(b"{}"))
    with pytest.raises(FrameError, match=problem):
        await reader.read()
    assert await reader.read() == b"{}"


async def test_oversized_body_is_skipped() -> None:
    size = MAX_BODY_BYTES + 1
    reader = _reader(b"Content-Length: %d\r\n\r\n" % size + b"x" * size + encode_frame(b"[]"))
    with pytest.raises(FrameError, match="exceeds"):
        await reader.read()
    assert await reader.read() == b"[]"


async def test_truncated_body_is_end_of_stream() -> None:
    assert await _reader(b"Content-Length: 10\r\n\r\n{}").read() is None
    assert await _reader(b"Content-Len").read() is None


VALID = encode_frame(b'{"ok":1}')


@pytest.mark.parametrize(
    "broken",
    [
        b"Content-Length: abc\r\n\r\n{}",  # the body of a bad header block is junk
        b"Content-Length: -5\r\n\r\n",
        b"X-Foo: 1\r\n\r\n{}",  # no Content-Length at all
        b"X-Foo: " + b"a" * 9000 + b"\r\n\r\n",  # a header line over the limit
        b"X-Foo: " + b"a" * 200_000,  # junk without any newline, then a frame
        b"Content-Length: " + b"9" * 4000 + b"\r\n\r\n",  # absurd length: no hang, no parse
        b"Content-Length: 100\r\n\r\n{}",  # a body shorter than announced
        b"garbage before everything",
    ],
)
async def test_after_any_broken_frame_the_next_valid_one_is_read(broken: bytes) -> None:
    # No end of stream: like a client waiting for its answer, the reader must not block.
    reader = _reader(broken + VALID + VALID, eof=False)
    bodies: list[bytes] = []
    errors = 0
    while len(bodies) < 2:
        try:
            body = await asyncio.wait_for(reader.read(), 5)
        except FrameError:
            errors += 1
            assert errors <= 2, "one broken frame gives at most two errors"
            continue
        assert body is not None
        bodies.append(body)
    assert bodies == [b'{"ok":1}', b'{"ok":1}']
    assert errors >= 1
