"""LSP framing: good frames, bad headers, resynchronisation."""

from __future__ import annotations

import asyncio

import pytest
from claude_server.rpc._framing import MAX_BODY_BYTES, FrameError, encode_frame, read_frame


def _reader(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader


async def test_reads_consecutive_frames_and_ignores_other_headers() -> None:
    data = (
        encode_frame(b'{"a":1}')
        + b'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 7\r\n\r\n{"b":2}'
        + b"content-length: 2\n\n{}"  # bare LF and lower case are tolerated
    )
    reader = _reader(data)
    assert await read_frame(reader) == b'{"a":1}'
    assert await read_frame(reader) == b'{"b":2}'
    assert await read_frame(reader) == b"{}"
    assert await read_frame(reader) is None


async def test_counts_bytes_not_characters() -> None:
    body = '{"text":"héllo ✓"}'.encode()
    assert await read_frame(_reader(encode_frame(body))) == body


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
        await read_frame(reader)
    assert await read_frame(reader) == b"{}"


async def test_oversized_body_is_skipped() -> None:
    size = MAX_BODY_BYTES + 1
    reader = _reader(b"Content-Length: %d\r\n\r\n" % size + b"x" * size + encode_frame(b"[]"))
    with pytest.raises(FrameError, match="exceeds"):
        await read_frame(reader)
    assert await read_frame(reader) == b"[]"


async def test_truncated_body_is_end_of_stream() -> None:
    assert await read_frame(_reader(b"Content-Length: 10\r\n\r\n{}")) is None
    assert await read_frame(_reader(b"Content-Len")) is None
