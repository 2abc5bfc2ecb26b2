"""The SSE decoder against the SDKs' conformance cases and the spec's line-ending rules."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from anthropic._streaming import SSEDecoder as SdkDecoder
from claude_server.provider import SSEDecoder, SSEEvent

from ._fixtures import STREAM_FIXTURES

CASES_FILE = (
    Path(__file__).resolve().parent.parent / "fixtures/anthropic_sse/sse_decoder_cases.json"
)
CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def decode(chunks: Iterable[bytes]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    decoder.close()
    return events


def byte_by_byte(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def random_chunks(data: bytes, rng: random.Random, largest: int = 40) -> list[bytes]:
    chunks, pos = [], 0
    while pos < len(data):
        size = rng.randint(1, largest)
        chunks.append(data[pos : pos + size])
        pos += size
    return chunks


def check_case(events: list[SSEEvent], case: dict[str, Any]) -> None:
    expected = case["expected_events"]
    assert len(events) == len(expected)
    for (name, data), want in zip(events, expected, strict=True):
        assert name == want["event"]
        if "data" in want:
            assert data == want["data"]
        if "json" in want:
            assert json.loads(data) == want["json"]


def case_chunks(case: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(chunk) for chunk in case["chunks_base64"]]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_in_given_chunks(case: dict[str, Any]) -> None:
    check_case(decode(case_chunks(case)), case)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_byte_by_byte(case: dict[str, Any]) -> None:
    check_case(decode(byte_by_byte(b"".join(case_chunks(case)))), case)


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_with_other_line_endings(case: dict[str, Any], ending: bytes) -> None:
    # The cases' data never holds a raw newline inside a value, so every b"\n" is a line end.
    data = b"".join(case_chunks(case)).replace(b"\n", ending)
    check_case(decode([data]), case)
    check_case(decode(byte_by_byte(data)), case)
    rng = random.Random(len(data))
    for _ in range(5):
        check_case(decode(random_chunks(data, rng, largest=6)), case)


def test_crlf_split_between_chunks_is_one_line_ending() -> None:
    # "\r" ends a chunk and "\n" starts the next: still one line end, so no early dispatch.
    assert decode([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [(None, "a\nb")]


def test_lone_cr_dispatches_without_waiting_for_more_bytes() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r") == []
    assert decoder.feed(b"\r") == [(None, "x")]


def test_mixed_line_endings() -> None:
    data = b"event: a\r\ndata: 1\n\rdata: 2\r\r\nevent: b\ndata: 3\r\n\r\n"
    assert decode([data]) == [("a", "1"), (None, "2"), ("b", "3")]
    assert decode(byte_by_byte(data)) == [("a", "1"), (None, "2"), ("b", "3")]


@pytest.mark.parametrize("split", range(1, 4))
def test_leading_bom_is_skipped_even_when_split(split: int) -> None:
    data = b"\xef\xbb\xbfdata: x\n\n"
    assert decode([data[:split], data[split:]]) == [(None, "x")]


def test_bom_only_at_the_very_start() -> None:
    assert decode([b"data: x\n\n\xef\xbb\xbfdata: y\n\n"]) == [(None, "x")]


def test_comments_unknown_fields_and_field_without_colon() -> None:
    data = b": keep-alive\nfoo: bar\ndata\ndata:x\n: another\n\n"
    # "data" with no colon is the field "data" with an empty value.
    assert decode([data]) == [(None, "\nx")]


def test_only_one_space_after_the_colon_is_removed() -> None:
    assert decode([b"data:  two spaces\nevent:tight\n\n"]) == [("tight", " two spaces")]


def test_id_and_retry_fields_are_recorded_not_dispatched() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 42\nretry: 1500\n\n") == []
    assert decoder.last_event_id == "42"
    assert decoder.retry == 1500
    decoder.feed(b"retry: soon\nid: a\0b\ndata: x\n\n")
    assert decoder.retry == 1500
    assert decoder.last_event_id == "42"


def test_blank_lines_between_events_and_at_start() -> None:
    assert decode([b"\n\n\ndata: a\n\n\n\n\ndata: b\n\n"]) == [(None, "a"), (None, "b")]


def test_unterminated_final_event_is_dropped() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: complete\n\ndata: cut off") == [(None, "complete")]
    before_close = decoder.has_partial_event
    decoder.close()
    assert (before_close, decoder.has_partial_event) == (True, False)
    assert decode([b"event: x\ndata: y\n"]) == []


def test_utf8_split_everywhere() -> None:
    data = "data: привет – 你好 – 🎉\n\n".encode()
    for cut in range(1, len(data)):
        assert decode([data[:cut], data[cut:]]) == [(None, "привет – 你好 – 🎉")]


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    assert decode([b"data: \xff\xfe ok\n\n"]) == [(None, "\ufffd\ufffd ok")]


def test_large_event_in_many_chunks() -> None:
    payload = "x" * 200_000
    data = f"data: {payload}\n\n".encode()
    assert decode(random_chunks(data, random.Random(1), largest=100)) == [(None, payload)]


def test_empty_chunks_change_nothing() -> None:
    assert decode([b"", b"data: a\n", b"", b"\n", b""]) == [(None, "a")]


def sdk_decode(data: bytes, chunks: list[bytes]) -> list[SSEEvent]:
    return [(sse.event, sse.data) for sse in SdkDecoder().iter_bytes(iter(chunks))]


@pytest.mark.parametrize("fixture", STREAM_FIXTURES, ids=[f.name for f in STREAM_FIXTURES])
def test_recorded_streams_agree_with_the_official_sdk(fixture: Any) -> None:
    # The SDK's decoder is the oracle; the recordings use "\n" only, where it is exact.
    expected = sdk_decode(fixture.body, [fixture.body])
    assert expected
    assert decode([fixture.body]) == expected
    rng = random.Random(fixture.name)
    for _ in range(3):
        assert decode(random_chunks(fixture.body, rng)) == expected
    assert decode(byte_by_byte(fixture.body)) == expected
