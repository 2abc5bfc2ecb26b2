"""Usage counts, cache reads and writes included, exactly as the API reports them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import pytest
from claude_server.auth import Credential
from claude_server.model import Message, MessageCompleted, MessageStarted, ModelRequest, Usage
from claude_server.provider import AnthropicProvider, MessageAccumulator, SSEDecoder, estimate_cost

from ._fixtures import MESSAGE_FIXTURES, StreamFixture
from ._replay_server import ReplayServer, Reply

COUNTS = (
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
)


def reported_usage(body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The usage of message_start, and the usage after every message_delta, read directly."""
    start: dict[str, Any] = {}
    final: dict[str, Any] = {}
    for line in body.decode().splitlines():
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        if event.get("type") == "message_start":
            start = dict(event["message"].get("usage") or {})
            final = dict(start)
        elif event.get("type") == "message_delta":
            final.update({k: v for k, v in (event.get("usage") or {}).items() if v is not None})
    return start, final


def sse(*events: dict[str, Any]) -> bytes:
    return b"".join(
        f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode() for event in events
    )


def cached_stream(delta_usage: dict[str, Any]) -> bytes:
    """A response that read and wrote the prompt cache (shaped like current recordings)."""
    return sse(
        {
            "type": "message_start",
            "message": {
                "id": "msg_cache",
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-6",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": 12,
                    "cache_creation_input_tokens": 1800,
                    "cache_read_input_tokens": 24_000,
                    "cache_creation": {
                        "ephemeral_5m_input_tokens": 1800,
                        "ephemeral_1h_input_tokens": 0,
                    },
                    "output_tokens": 1,
                    "service_tier": "standard",
                },
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "ok"}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": delta_usage,
        },
        {"type": "message_stop"},
    )


def accumulate(body: bytes) -> tuple[MessageStarted, MessageCompleted]:
    decoder, accumulator = SSEDecoder(), MessageAccumulator()
    events = [
        event for name, data in decoder.feed(body) for event in accumulator.feed_sse(name, data)
    ]
    started, completed = events[0], events[-1]
    assert isinstance(started, MessageStarted) and isinstance(completed, MessageCompleted)
    return started, completed


@pytest.mark.parametrize("fixture", MESSAGE_FIXTURES, ids=[f.name for f in MESSAGE_FIXTURES])
def test_recorded_usage_is_kept_as_reported(fixture: StreamFixture) -> None:
    start, final = reported_usage(fixture.body)
    started, completed = accumulate(fixture.body)
    got_start = started.usage.model_dump()
    got_final = completed.message.usage.model_dump()
    for key in COUNTS:
        if key in start:
            assert got_start[key] == start[key], key
        if key in final:
            assert got_final[key] == final[key], key
    # Fields we do not model (the cache_creation breakdown, server tool use) survive too.
    for key, value in final.items():
        if key not in COUNTS:
            assert got_final[key] == value, key


def test_cache_counts_from_message_start_survive_a_delta_that_omits_them() -> None:
    started, completed = accumulate(cached_stream({"output_tokens": 40}))
    assert started.usage == Usage.model_validate(
        {
            "input_tokens": 12,
            "output_tokens": 1,
            "cache_creation_input_tokens": 1800,
            "cache_read_input_tokens": 24_000,
            "cache_creation": {"ephemeral_5m_input_tokens": 1800, "ephemeral_1h_input_tokens": 0},
            "service_tier": "standard",
        }
    )
    usage = completed.message.usage
    assert (usage.input_tokens, usage.output_tokens) == (12, 40)
    assert usage.cache_creation_input_tokens == 1800
    assert usage.cache_read_input_tokens == 24_000


def test_cumulative_counts_in_message_delta_replace_the_earlier_ones() -> None:
    delta = {
        "input_tokens": 12,
        "cache_creation_input_tokens": 1900,
        "cache_read_input_tokens": 24_100,
        "output_tokens": 40,
    }
    _, completed = accumulate(cached_stream(delta))
    usage = completed.message.usage
    assert usage.model_dump(include=set(COUNTS)) == delta


def test_null_counts_do_not_erase_known_ones() -> None:
    delta = {"output_tokens": 40, "cache_read_input_tokens": None, "input_tokens": None}
    _, completed = accumulate(cached_stream(delta))
    assert completed.message.usage.cache_read_input_tokens == 24_000
    assert completed.message.usage.input_tokens == 12


def test_turn_and_session_totals() -> None:
    _, first = accumulate(cached_stream({"output_tokens": 40}))
    _, second = accumulate(cached_stream({"output_tokens": 10, "cache_creation_input_tokens": 0}))
    total = first.message.usage + second.message.usage
    assert total.input_tokens == 24
    assert total.output_tokens == 50
    assert total.cache_creation_input_tokens == 1800
    assert total.cache_read_input_tokens == 48_000
    # Cost per response, summed: 12*$3 + 40*$15 + 1800*$3.75 + 24000*$0.30 = 14,586 per million,
    # then 12*$3 + 10*$15 + 24000*$0.30 = 7,386 per million.
    costs = [estimate_cost(m.message.model, m.message.usage) for m in (first, second)]
    assert costs == [pytest.approx(0.014586), pytest.approx(0.007386)]


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def server() -> AsyncIterator[ReplayServer]:
    async with ReplayServer() as replay:
        yield replay


async def test_cache_counts_through_the_provider(server: ReplayServer) -> None:
    server.queue(Reply(body=cached_stream({"output_tokens": 40}), chunk_size=50))
    provider = AnthropicProvider(
        Credential(kind="api_key", secret="sk-test-key", source="test"), base_url=server.url
    )
    request = ModelRequest(
        model="claude-sonnet-4-6", messages=[Message.user_text("hi")], max_tokens=64
    )
    try:
        async with aclosing(provider.stream(request)) as stream:
            events = [event async for event in stream]
    finally:
        await provider.aclose()
    started, completed = events[0], events[-1]
    assert isinstance(started, MessageStarted) and isinstance(completed, MessageCompleted)
    assert started.usage.cache_read_input_tokens == 24_000
    assert completed.message.usage.cache_creation_input_tokens == 1800
    assert completed.message.usage.output_tokens == 40
