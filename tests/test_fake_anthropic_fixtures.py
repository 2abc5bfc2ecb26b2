"""Check the fake's streams against real recorded Anthropic streams.

For each recording, a Turn is built from the message the recording accumulates to; the
fake then streams that Turn and we compare (a) the event grammar, (b) the key sets of
every JSON object, by event / block / delta type, and (c) what the official SDK
accumulates from the fake's stream against the recording's expected content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import anthropic
import httpx
import pytest
from fake_anthropic import (
    Block,
    FakeAnthropic,
    RedactedThinking,
    SseEvent,
    Text,
    Thinking,
    ToolUse,
    Turn,
    Usage,
    parse_sse,
)

FIXTURES = Path(__file__).parent / "fixtures" / "anthropic_sse"

# Recorded (not hand-written) streams of plain text, tool_use, thinking and redacted thinking.
RECORDINGS = [
    "pysdk_basic_response",
    "pysdk_tool_use_response",
    "gosdk_toolrunner_streaming_turn1",
    "gosdk_toolrunner_streaming_turn2",
    "pydanticai_thinking_part_stream",
    "pydanticai_thinking_part_redacted_stream",
    "vercel_anthropic-text",
    "vercel_anthropic-clear-thinking",
    "vercel_anthropic-tool-no-args",
    "vercel_anthropic-message-delta-input-tokens",
]


# ---------------------------------------------------------------------------
# Reading the fixtures


def recorded_events(name: str) -> list[SseEvent]:
    return parse_sse((FIXTURES / f"{name}.sse").read_bytes())


def expected_message(name: str) -> dict[str, Any]:
    """The accumulated message a recording stands for, whatever the file's layout."""
    data = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    if "message" in data and "content" in data["message"]:
        message: dict[str, Any] = data["message"]
        return message
    if "derived_message" in data:
        derived: dict[str, Any] = data["derived_message"]
        return derived
    fields = data["message_fields"]
    return {
        "id": fields["id"],
        "model": fields["model"],
        "stop_reason": fields["stop_reason"],
        "content": data["assistant_content_as_sent_back_by_sdk"],
        "usage": fields["usage_after_message_delta"],
    }


def block_from_json(raw: dict[str, Any]) -> Block:
    kind = raw["type"]
    if kind == "text":
        return Text(raw["text"], raw.get("citations"))
    if kind == "tool_use":
        return ToolUse(raw["name"], raw["input"], raw["id"], raw.get("caller"))
    if kind == "thinking":
        return Thinking(raw["thinking"], raw["signature"])
    assert kind == "redacted_thinking", kind
    return RedactedThinking(raw["data"])


def turn_for(name: str) -> Turn:
    message = expected_message(name)
    usage = message["usage"]
    return Turn(
        [block_from_json(b) for b in message["content"]],
        id=message["id"],
        model=message["model"],
        stop_reason=message["stop_reason"],
        usage=Usage(
            input_tokens=usage["input_tokens"],
            output_tokens=usage["output_tokens"],
            cache_creation_input_tokens=usage.get("cache_creation_input_tokens", 0),
            cache_read_input_tokens=usage.get("cache_read_input_tokens", 0),
        ),
    )


# ---------------------------------------------------------------------------
# Grammar

_LETTERS = {
    "message_start": "S",
    "content_block_start": "b",
    "content_block_delta": "d",
    "content_block_stop": "e",
    "message_delta": "D",
    "message_stop": "E",
}
# message_start, blocks of start / delta* / stop, message_delta, message_stop; pings may
# appear anywhere in between (recordings put them after a block start or between blocks).
_GRAMMAR = re.compile(r"S(?:p*bp*(?:dp*)*e)*p*Dp*E")


def check_grammar(events: list[SseEvent]) -> list[str]:
    """Assert the stream's shape; return its content block types in order."""
    datas = [e.json() for e in events]
    for event, data in zip(events, datas, strict=True):
        assert event.event == data["type"]
    word = "".join("p" if d["type"] == "ping" else _LETTERS[d["type"]] for d in datas)
    assert _GRAMMAR.fullmatch(word), word
    blocks: list[str] = []
    for data in datas:
        if data["type"] == "content_block_start":
            assert data["index"] == len(blocks)
            blocks.append(data["content_block"]["type"])
        elif data["type"] in ("content_block_delta", "content_block_stop"):
            assert data["index"] == len(blocks) - 1
    return blocks


# ---------------------------------------------------------------------------
# Key sets


def shapes(value: Any, kind: str) -> Iterator[tuple[str, frozenset[str]]]:
    """Every JSON object inside ``value`` as (kind, its keys), kinds named by path and type.

    Objects carrying a ``type`` are told apart by it, so a text block and a tool_use block
    (or a text_delta and an input_json_delta) are compared only with their own kind.
    """
    if isinstance(value, dict):
        if isinstance(value.get("type"), str):
            kind = f"{kind}[{value['type']}]"
        yield kind, frozenset(value)
        for key, child in value.items():
            yield from shapes(child, f"{kind}.{key}")
    elif isinstance(value, list):
        for child in value:
            yield from shapes(child, f"{kind}[]")


@cache
def recorded_key_sets() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """For each kind: (keys present in every recording, keys present in at least one)."""
    seen: dict[str, list[frozenset[str]]] = {}
    for name in RECORDINGS:
        for event in recorded_events(name):
            for kind, keys in shapes(event.json(), "event"):
                seen.setdefault(kind, []).append(keys)
    return {
        kind: (frozenset.intersection(*sets), frozenset.union(*sets)) for kind, sets in seen.items()
    }


def check_keys(events: list[SseEvent]) -> set[str]:
    table = recorded_key_sets()
    kinds: set[str] = set()
    for event in events:
        for kind, keys in shapes(event.json(), "event"):
            assert kind in table, f"{kind} never occurs in the recordings"
            required, allowed = table[kind]
            assert required <= keys, f"{kind}: missing {sorted(required - keys)}"
            assert keys <= allowed, f"{kind}: unexpected {sorted(keys - allowed)}"
            kinds.add(kind)
    return kinds


# ---------------------------------------------------------------------------
# Tests


def fake_stream(turn: Turn, model: str) -> bytes:
    with FakeAnthropic([turn]) as fake:
        response = httpx.post(
            f"{fake.base_url}/v1/messages",
            json={
                "model": model,
                "max_tokens": 1024,
                "messages": [{"role": "user", "content": "hi"}],
                "stream": True,
            },
            headers={"x-api-key": "sk-test"},
            timeout=10,
        )
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("name", RECORDINGS)
def test_recordings_follow_the_grammar(name: str) -> None:
    # The checker itself must accept every real recording.
    events = recorded_events(name)
    blocks = check_grammar(events)
    assert blocks == [b["type"] for b in expected_message(name)["content"]]
    check_keys(events)


@pytest.mark.parametrize("name", RECORDINGS)
def test_fake_stream_matches_recording_shape(name: str) -> None:
    turn = turn_for(name)
    raw = fake_stream(turn, "claude-echo")
    # Framing: only "event: T" + "data: JSON" pairs, each ended by a blank line.
    assert re.fullmatch(rb"(event: [a-z_]+\ndata: \{[^\n]*\}\n\n)+", raw)
    events = parse_sse(raw)

    recorded_blocks = check_grammar(recorded_events(name))
    assert check_grammar(events) == recorded_blocks
    assert {e.event for e in events} >= {
        e.event for e in recorded_events(name) if e.event != "ping"
    }

    kinds = check_keys(events)
    # The shapes that matter were really compared, not skipped.
    assert "event[message_start].message[message].usage" in kinds
    assert "event[message_delta].usage" in kinds
    for block in recorded_blocks:
        assert f"event[content_block_start].content_block[{block}]" in kinds


@pytest.mark.parametrize("name", RECORDINGS)
def test_sdk_accumulates_fake_stream_like_the_recording(name: str) -> None:
    expected = expected_message(name)
    with (
        FakeAnthropic([turn_for(name)]) as fake,
        anthropic.Anthropic(
            base_url=fake.base_url, api_key="sk-test", max_retries=0, timeout=10
        ) as client,
        client.messages.stream(
            model="claude-echo", max_tokens=1024, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        message = stream.get_final_message()
    content = [block.model_dump(exclude_none=True) for block in message.content]
    assert content == expected["content"]
    assert message.id == expected["id"]
    assert message.model == expected["model"]
    assert message.stop_reason == expected["stop_reason"]
    assert message.stop_sequence is None
    assert message.usage.input_tokens == expected["usage"]["input_tokens"]
    assert message.usage.output_tokens == expected["usage"]["output_tokens"]
    for key in ("cache_creation_input_tokens", "cache_read_input_tokens"):
        if key in expected["usage"]:
            assert getattr(message.usage, key) == expected["usage"][key]
