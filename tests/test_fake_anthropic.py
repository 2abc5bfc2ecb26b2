"""Tests for the fake Anthropic Messages API server (real sockets, real clients)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import anthropic
import httpx
import pytest
from fake_anthropic import (
    FakeAnthropic,
    HttpError,
    RecordedRequest,
    RedactedThinking,
    ScriptError,
    SseEvent,
    Text,
    Thinking,
    ToolUse,
    Turn,
    Usage,
    parse_sse,
    script_from_json,
    turn_from_dict,
)

TIMEOUT = httpx.Timeout(10.0)
KEY = {"x-api-key": "sk-test"}
BODY: dict[str, Any] = {
    "model": "claude-test-1",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hi"}],
}
TESTS_DIR = Path(__file__).parent


def sdk(fake: FakeAnthropic) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=fake.base_url, api_key="sk-test", max_retries=0, timeout=10)


def stream_final(fake: FakeAnthropic) -> Any:
    with (
        sdk(fake) as client,
        client.messages.stream(
            model="claude-test-1", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        return stream.get_final_message()


def post_stream(fake: FakeAnthropic, body: dict[str, Any] | None = None) -> httpx.Response:
    """POST a streaming request and read the whole body."""
    payload = {**(body or BODY), "stream": True}
    return httpx.post(f"{fake.base_url}/v1/messages", json=payload, headers=KEY, timeout=TIMEOUT)


def events_of(response: httpx.Response) -> list[SseEvent]:
    events = parse_sse(response.content)
    for ev in events:
        assert ev.event == ev.json()["type"]
    return events


def deltas(events: list[SseEvent], kind: str, field: str) -> list[str]:
    out = []
    for ev in events:
        data = ev.json()
        if ev.event == "content_block_delta" and data["delta"]["type"] == kind:
            out.append(data["delta"][field])
    return out


def dump(message: Any) -> dict[str, Any]:
    result: dict[str, Any] = message.model_dump(exclude_none=True)
    return result


# ---------------------------------------------------------------------------
# Streaming content


def test_stream_text_with_httpx() -> None:
    text = "Hello there, this is a scripted reply."
    with FakeAnthropic([Turn.text(text)]) as fake:
        response = post_stream(fake)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["request-id"].startswith("req_")
    assert response.headers["transfer-encoding"] == "chunked"
    events = events_of(response)
    assert [e.event for e in events[:3]] == ["message_start", "content_block_start", "ping"]
    assert [e.event for e in events[-4:]] == [
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    start = events[0].json()["message"]
    assert start["model"] == "claude-test-1"
    assert start["content"] == []
    assert start["stop_reason"] is None
    assert start["usage"]["output_tokens"] == 1
    pieces = deltas(events, "text_delta", "text")
    assert len(pieces) == -(-len(text) // 8)  # default chunk of 8 characters
    assert "".join(pieces) == text
    assert events[-2].json()["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    # Exact framing: "event: T\ndata: JSON\n\n" and nothing else.
    blob = response.content.decode()
    assert blob.endswith("\n\n")
    for frame in blob[:-2].split("\n\n"):
        event_line, data_line = frame.split("\n")
        assert event_line.startswith("event: ")
        assert data_line.startswith("data: {")


def test_stream_text_with_sdk() -> None:
    turn = Turn.text(
        "Hello there!", usage=Usage(input_tokens=11, output_tokens=6, cache_read_input_tokens=3)
    )
    with FakeAnthropic([turn]) as fake:
        message = stream_final(fake)
    assert message.id == turn.id
    assert message.id.startswith("msg_")
    assert message.model == "claude-test-1"
    assert message.role == "assistant"
    assert [dump(b) for b in message.content] == [{"type": "text", "text": "Hello there!"}]
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None
    assert message.usage.input_tokens == 11
    assert message.usage.output_tokens == 6
    assert message.usage.cache_read_input_tokens == 3
    assert message.usage.cache_creation_input_tokens == 0


def test_stream_tool_use_splits_input_json() -> None:
    tool_input = {"file_path": "/tmp/some/long/path/name.py", "offset": 10, "limit": 200}
    turn = Turn(blocks=[Text("I'll look."), ToolUse(name="Read", input=tool_input)])
    assert turn.resolved_stop_reason == "tool_use"
    with FakeAnthropic([turn, turn]) as fake:
        events = events_of(post_stream(fake))
        message = stream_final(fake)
    block_start = [e.json() for e in events if e.event == "content_block_start"][1]
    assert block_start["content_block"] == {
        "type": "tool_use",
        "id": turn.tool_uses[0].id,
        "name": "Read",
        "input": {},
    }
    pieces = deltas(events, "input_json_delta", "partial_json")
    assert pieces[0] == ""
    assert len(pieces) > 5
    assert all(len(p) <= 10 for p in pieces)
    assert "".join(pieces) == json.dumps(tool_input)
    assert json.loads("".join(pieces)) == tool_input
    assert events[-2].json()["delta"]["stop_reason"] == "tool_use"

    assert message.stop_reason == "tool_use"
    assert [dump(b) for b in message.content] == [
        {"type": "text", "text": "I'll look."},
        {"type": "tool_use", "id": turn.tool_uses[0].id, "name": "Read", "input": tool_input},
    ]
    assert turn.tool_uses[0].id.startswith("toolu_")


def test_stream_thinking_with_signature() -> None:
    thinking = Thinking("Let me reason about this carefully, step by step.", "c2lnbmF0dXJl")
    turn = Turn([thinking, Text("The answer is 4.")], text_chunk=5)
    with FakeAnthropic([turn, turn]) as fake:
        events = events_of(post_stream(fake))
        message = stream_final(fake)
    starts = [e.json()["content_block"] for e in events if e.event == "content_block_start"]
    assert starts[0] == {"type": "thinking", "thinking": "", "signature": ""}
    pieces = deltas(events, "thinking_delta", "thinking")
    assert "".join(pieces) == thinking.thinking
    assert max(len(p) for p in pieces) == 5
    assert deltas(events, "signature_delta", "signature") == ["c2lnbmF0dXJl"]
    assert [dump(b) for b in message.content] == [
        {"type": "thinking", "thinking": thinking.thinking, "signature": "c2lnbmF0dXJl"},
        {"type": "text", "text": "The answer is 4."},
    ]
    assert message.stop_reason == "end_turn"


def test_thinking_without_signature_gets_a_stable_one() -> None:
    assert Thinking("abc").signature == Thinking("abc").signature != ""
    assert Thinking("abc").signature != Thinking("abd").signature


def test_stream_redacted_thinking() -> None:
    turn = Turn([RedactedThinking("EqkECkYIBxgCKkA8AZ4n+/=="), Text("Hi.")])
    with FakeAnthropic([turn, turn]) as fake:
        events = events_of(post_stream(fake))
        message = stream_final(fake)
    first = [e.json() for e in events if e.json().get("index") == 0]
    assert [e["type"] for e in first] == ["content_block_start", "content_block_stop"]
    assert first[0]["content_block"] == {
        "type": "redacted_thinking",
        "data": "EqkECkYIBxgCKkA8AZ4n+/==",
    }
    assert [dump(b) for b in message.content] == [
        {"type": "redacted_thinking", "data": "EqkECkYIBxgCKkA8AZ4n+/=="},
        {"type": "text", "text": "Hi."},
    ]


def test_stream_citations() -> None:
    citation = {
        "type": "char_location",
        "cited_text": "The sky is blue.",
        "document_index": 0,
        "document_title": "Facts",
        "start_char_index": 0,
        "end_char_index": 16,
    }
    turn = Turn([Text("It is blue.", citations=[citation])])
    with FakeAnthropic([turn, turn]) as fake:
        events = events_of(post_stream(fake))
        message = stream_final(fake)
    assert events[1].json()["content_block"] == {"citations": [], "type": "text", "text": ""}
    first_delta = next(e.json()["delta"] for e in events if e.event == "content_block_delta")
    assert first_delta == {"type": "citations_delta", "citation": citation}
    block = dump(message.content[0])
    assert block["text"] == "It is blue."
    assert block["citations"] == [citation]


def test_stop_sequence_model_and_options() -> None:
    turn = Turn.text("partial", stop_sequence="END", model="claude-other", ping_after=False)
    assert turn.resolved_stop_reason == "stop_sequence"
    with FakeAnthropic([turn]) as fake:
        events = events_of(post_stream(fake))
    assert "ping" not in [e.event for e in events]
    assert events[0].json()["message"]["model"] == "claude-other"
    assert events[-2].json()["delta"] == {"stop_reason": "stop_sequence", "stop_sequence": "END"}


def test_non_streaming_message_parsed_by_sdk() -> None:
    turn = Turn(
        [Thinking("hmm", "sig"), Text("Sure."), ToolUse("Bash", {"command": "ls -la"})],
        usage=Usage(input_tokens=42, output_tokens=7),
    )
    with FakeAnthropic([turn]) as fake:
        with sdk(fake) as client:
            message = client.messages.create(
                model="claude-test-1", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
            )
        recorded = fake.requests[0]
    assert message.id == turn.id
    assert message.stop_reason == "tool_use"
    assert message.usage.input_tokens == 42
    assert message.usage.output_tokens == 7
    assert [dump(b) for b in message.content] == [
        {"type": "thinking", "thinking": "hmm", "signature": "sig"},
        {"type": "text", "text": "Sure."},
        {
            "type": "tool_use",
            "id": turn.tool_uses[0].id,
            "name": "Bash",
            "input": {"command": "ls -la"},
        },
    ]
    assert not recorded.is_stream


def test_default_usage_is_deterministic() -> None:
    with FakeAnthropic([Turn.text("abc" * 40), Turn.text("abc" * 40)]) as fake:
        first = httpx.post(f"{fake.base_url}/v1/messages", json=BODY, headers=KEY, timeout=TIMEOUT)
        second = httpx.post(f"{fake.base_url}/v1/messages", json=BODY, headers=KEY, timeout=TIMEOUT)
    assert first.json()["usage"] == second.json()["usage"]
    assert first.json()["usage"]["input_tokens"] >= 1
    assert first.json()["usage"]["output_tokens"] >= 1


# ---------------------------------------------------------------------------
# Faults


def test_rate_limited_429() -> None:
    with FakeAnthropic(
        [HttpError.rate_limited(retry_after=2), Turn.error(HttpError.rate_limited(0.5))]
    ) as fake:
        with pytest.raises(anthropic.RateLimitError) as caught:
            stream_final(fake)
        raw = httpx.post(f"{fake.base_url}/v1/messages", json=BODY, headers=KEY, timeout=TIMEOUT)
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "2"
    assert caught.value.response.json()["error"]["type"] == "rate_limit_error"
    assert raw.status_code == 429
    assert raw.headers["retry-after"] == "0.5"
    body = raw.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == "rate_limit_error"
    assert body["error"]["message"]
    assert body["request_id"] == raw.headers["request-id"]


@pytest.mark.parametrize(
    ("error", "exc_type", "error_type"),
    [
        (HttpError.server_error(), anthropic.InternalServerError, "api_error"),
        (HttpError.overloaded(), anthropic.OverloadedError, "overloaded_error"),
        (HttpError(403, message="nope"), anthropic.PermissionDeniedError, "permission_error"),
    ],
)
def test_http_errors(error: HttpError, exc_type: type[Exception], error_type: str) -> None:
    with FakeAnthropic([error, Turn.text("after")]) as fake:
        with pytest.raises(exc_type) as caught:
            stream_final(fake)
        # The fault consumed only its own turn.
        assert fake.remaining == 1
        assert stream_final(fake).content[0].text == "after"
    assert isinstance(caught.value, anthropic.APIStatusError)
    assert caught.value.status_code == error.status
    body = caught.value.response.json()
    assert body["error"]["type"] == error_type
    assert body["request_id"].startswith("req_")


def test_error_event_mid_stream() -> None:
    turn = Turn.text("Hello, streaming world", error_event_after=4)
    with FakeAnthropic([turn, turn]) as fake:
        events = events_of(post_stream(fake))
        with pytest.raises(anthropic.APIStatusError) as caught:
            stream_final(fake)
    assert [e.event for e in events] == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "error",
    ]
    assert events[-1].json() == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }
    assert "overloaded_error" in str(caught.value)


def test_error_event_type_is_configurable_and_can_come_first() -> None:
    turn = Turn.text(
        "x", error_event_after=0, error_event_type="api_error", error_event_message="boom"
    )
    with FakeAnthropic([turn]) as fake:
        events = events_of(post_stream(fake))
    assert [e.json() for e in events] == [
        {"type": "error", "error": {"type": "api_error", "message": "boom"}}
    ]


def read_event_names(fake: FakeAnthropic, into: list[str]) -> None:
    """Stream with httpx, appending each event name to ``into`` as it arrives."""
    with httpx.stream(
        "POST",
        f"{fake.base_url}/v1/messages",
        json={**BODY, "stream": True},
        headers=KEY,
        timeout=TIMEOUT,
    ) as response:
        for line in response.iter_lines():
            if line.startswith("event: "):
                into.append(line.removeprefix("event: "))


def test_dropped_connection_mid_stream() -> None:
    turn = Turn.text("This stream will be cut off partway through.", drop_after=5)
    received: list[str] = []
    with FakeAnthropic([turn, turn]) as fake:
        with pytest.raises(httpx.RemoteProtocolError):
            read_event_names(fake, received)
        with pytest.raises(Exception, match=r"incomplete chunked read|peer closed"):
            stream_final(fake)
    assert received == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
    ]


def test_dropped_non_streaming_response() -> None:
    with (
        FakeAnthropic([Turn.text("cut", drop_after=0)]) as fake,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        httpx.post(f"{fake.base_url}/v1/messages", json=BODY, headers=KEY, timeout=TIMEOUT)


def test_non_streaming_error_event_becomes_http_error() -> None:
    with FakeAnthropic([Turn.text("x", error_event_after=2)]) as fake:
        response = httpx.post(
            f"{fake.base_url}/v1/messages", json=BODY, headers=KEY, timeout=TIMEOUT
        )
    assert response.status_code == 529
    assert response.json()["error"]["type"] == "overloaded_error"


def test_trickle_delivers_events_as_they_are_produced() -> None:
    delay = 0.1
    turn = Turn.text("abcdefghijklmnop", text_chunk=2, delay=delay)  # 14 events
    with FakeAnthropic([turn]) as fake:
        arrivals: list[float] = []
        start = time.monotonic()
        with httpx.stream(
            "POST",
            f"{fake.base_url}/v1/messages",
            json={**BODY, "stream": True},
            headers=KEY,
            timeout=TIMEOUT,
        ) as response:
            for line in response.iter_lines():
                if line.startswith("event: "):
                    arrivals.append(time.monotonic() - start)
    assert len(arrivals) == 14
    total = 13 * delay
    assert arrivals[-1] >= total * 0.9
    assert arrivals[0] < total / 3, arrivals
    # Events arrive spread out, not in one burst at the end.
    assert arrivals[6] < arrivals[-1] - 4 * delay


async def test_async_sdk_streams_and_trickles() -> None:
    async with FakeAnthropic([Turn.text("slow and steady", text_chunk=3, delay=0.05)]) as fake:
        texts: list[str] = []
        arrivals: list[float] = []
        async with (
            anthropic.AsyncAnthropic(
                base_url=fake.base_url, api_key="sk-test", max_retries=0, timeout=10
            ) as client,
            client.messages.stream(
                model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
            ) as stream,
        ):
            async for text in stream.text_stream:
                texts.append(text)
                arrivals.append(time.monotonic())
            message = await stream.get_final_message()
    assert texts == ["slo", "w a", "nd ", "ste", "ady"]
    assert dump(message.content[0])["text"] == "slow and steady"
    # The SDK saw each delta as it was sent, not all at once at the end.
    assert arrivals[-1] - arrivals[0] >= 3 * 0.05


def test_stop_interrupts_a_slow_stream() -> None:
    fake = FakeAnthropic([Turn.text("x" * 100, text_chunk=1, delay=1.0)]).start()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            with httpx.stream(
                "POST",
                f"{fake.base_url}/v1/messages",
                json={**BODY, "stream": True},
                headers=KEY,
                timeout=TIMEOUT,
            ) as response:
                for _ in response.iter_lines():
                    pass
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    fake.wait_for_requests(1)
    time.sleep(0.2)
    fake.stop()
    thread.join(5)
    assert not thread.is_alive()  # stop() ended the open stream
    assert errors
    assert isinstance(errors[0], httpx.TransportError)


def test_concurrent_streams() -> None:
    # Each stream takes seconds (a delay per chunk); all eight must be in flight at once.
    turns = [Turn.text(f"reply number {i}", delay=0.4) for i in range(8)]
    with FakeAnthropic(turns) as fake:
        results: list[str] = []
        lock = threading.Lock()

        def worker() -> None:
            text = "".join(deltas(events_of(post_stream(fake)), "text_delta", "text"))
            with lock:
                results.append(text)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        fake.wait_for_requests(8, timeout=30)
        with lock:
            finished_before_all_arrived = len(results)
        for t in threads:
            t.join(60)
    assert finished_before_all_arrived == 0  # served side by side, not one after another
    assert sorted(results) == sorted(f"reply number {i}" for i in range(8))


def test_many_small_deltas_all_arrive() -> None:
    with FakeAnthropic([Turn.text("y" * 20_000, text_chunk=1)]) as fake:
        events = events_of(post_stream(fake))
    assert len(deltas(events, "text_delta", "text")) == 20_000


# ---------------------------------------------------------------------------
# Script bookkeeping and validation


def test_script_exhaustion_is_a_loud_500() -> None:
    with FakeAnthropic([Turn.text("only one")]) as fake:
        assert fake.remaining == 1
        stream_final(fake)
        assert fake.remaining == 0
        response = post_stream(fake)
        with pytest.raises(anthropic.InternalServerError, match="ran out"):
            stream_final(fake)
    assert response.status_code == 500
    assert response.headers["x-should-retry"] == "false"
    error = response.json()["error"]
    assert error["type"] == "api_error"
    assert "script ran out of turns" in error["message"]
    assert "number 2" in error["message"]


def test_add_turns_while_serving() -> None:
    with FakeAnthropic() as fake:
        assert fake.remaining == 0
        adder = threading.Thread(target=fake.add_turns, args=(Turn.text("a"), Turn.text("b")))
        adder.start()
        adder.join()
        assert fake.remaining == 2
        assert stream_final(fake).content[0].text == "a"
        assert stream_final(fake).content[0].text == "b"
        assert fake.remaining == 0


def test_callable_script_item_sees_the_request() -> None:
    def echo(request: RecordedRequest) -> Turn:
        return Turn.text("you said: " + request.body["messages"][-1]["content"])

    with FakeAnthropic([echo]) as fake:
        assert stream_final(fake).content[0].text == "you said: hi"


def test_broken_callable_gives_500_not_a_hang() -> None:
    def raises(request: RecordedRequest) -> Turn:
        raise RuntimeError("oops")

    def wrong(request: RecordedRequest) -> Turn:
        return "text"  # type: ignore[return-value]

    with FakeAnthropic([raises, wrong]) as fake:
        with pytest.raises(anthropic.InternalServerError, match="raised RuntimeError"):
            stream_final(fake)
        with pytest.raises(anthropic.InternalServerError, match="not a Turn"):
            stream_final(fake)


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"not json", "not valid JSON"),
        (b"", "empty"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({"model": "m", "messages": []}).encode(), "max_tokens"),
        (json.dumps({"model": "m", "max_tokens": 5}).encode(), "messages"),
        (json.dumps({"messages": [], "max_tokens": 5}).encode(), "model"),
    ],
)
def test_bad_body_is_400(raw: bytes, needle: str) -> None:
    with FakeAnthropic([Turn.text("unused")]) as fake:
        response = httpx.post(
            f"{fake.base_url}/v1/messages",
            content=raw,
            headers={**KEY, "content-type": "application/json"},
            timeout=TIMEOUT,
        )
        assert fake.remaining == 1  # a rejected request consumes nothing
        assert fake.requests[0].raw == raw
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == "invalid_request_error"
    assert needle in body["error"]["message"]


def test_sdk_sees_400_as_bad_request() -> None:
    with FakeAnthropic() as fake, sdk(fake) as client, pytest.raises(anthropic.BadRequestError):
        client.post("/v1/messages", body={"model": "m"}, cast_to=httpx.Response)


def test_missing_key_is_401() -> None:
    with FakeAnthropic([Turn.text("unused")]) as fake:
        response = httpx.post(f"{fake.base_url}/v1/messages", json=BODY, timeout=TIMEOUT)
        bearer = httpx.post(
            f"{fake.base_url}/v1/messages",
            json=BODY,
            headers={"authorization": "Bearer tok"},
            timeout=TIMEOUT,
        )
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
    assert bearer.status_code == 200


def test_unknown_path_is_404() -> None:
    with FakeAnthropic() as fake:
        get = httpx.get(f"{fake.base_url}/v1/models", headers=KEY, timeout=TIMEOUT)
        post = httpx.post(f"{fake.base_url}/v1/complete", json=BODY, headers=KEY, timeout=TIMEOUT)
        wrong_method = httpx.get(f"{fake.base_url}/v1/messages", headers=KEY, timeout=TIMEOUT)
    for response in (get, post, wrong_method):
        assert response.status_code == 404
        body = response.json()
        assert body["type"] == "error"
        assert body["error"]["type"] == "not_found_error"
        assert body["error"]["message"]


def test_count_tokens() -> None:
    with FakeAnthropic([Turn.text("still here")]) as fake, sdk(fake) as client:
        result = client.messages.count_tokens(
            model="claude-test-1",
            messages=[{"role": "user", "content": "How many tokens is this sentence?"}],
            system="You are terse.",
        )
        again = client.messages.count_tokens(
            model="claude-test-1",
            messages=[{"role": "user", "content": "How many tokens is this sentence?"}],
            system="You are terse.",
        )
        tiny = httpx.post(
            f"{fake.base_url}/v1/messages/count_tokens",
            json={"model": "m", "messages": []},
            headers=KEY,
            timeout=TIMEOUT,
        )
        assert fake.remaining == 1
        recorded = fake.requests
    assert result.input_tokens == again.input_tokens >= 5
    assert tiny.json()["input_tokens"] >= 1
    assert [r.path for r in recorded] == ["/v1/messages/count_tokens"] * 3
    assert recorded[0].body["system"] == "You are terse."


def test_requests_are_recorded() -> None:
    with FakeAnthropic([Turn.text("one"), Turn.text("two")]) as fake:
        stream_final(fake)
        httpx.post(
            f"{fake.base_url}/v1/messages?beta=true",
            json=BODY,
            headers={"X-Api-Key": "sk-raw", "Anthropic-Beta": "tools-2024"},
            timeout=TIMEOUT,
        )
        httpx.get(f"{fake.base_url}/nowhere", timeout=TIMEOUT)
        recorded = fake.wait_for_requests(3, timeout=2)
        assert [r.path for r in fake.message_requests] == ["/v1/messages", "/v1/messages"]
    sdk_request, raw_request, lost = recorded
    assert sdk_request.method == "POST"
    assert sdk_request.body["stream"] is True
    assert sdk_request.is_stream
    assert sdk_request.body["messages"] == [{"role": "user", "content": "hi"}]
    assert json.loads(sdk_request.raw) == sdk_request.body
    assert "anthropic-version" in sdk_request.headers
    assert all(k == k.lower() for k in sdk_request.headers)
    assert raw_request.path == "/v1/messages"
    assert raw_request.query == "beta=true"
    assert raw_request.headers["x-api-key"] == "sk-raw"
    assert raw_request.headers["anthropic-beta"] == "tools-2024"
    assert not raw_request.is_stream
    assert (lost.method, lost.path, lost.body, lost.raw) == ("GET", "/nowhere", None, b"")


def test_wait_for_requests_times_out() -> None:
    with FakeAnthropic() as fake, pytest.raises(TimeoutError):
        fake.wait_for_requests(1, timeout=0.1)


def test_start_stop_without_context_manager() -> None:
    fake = FakeAnthropic([Turn.text("hi")])
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    fake.start()
    try:
        assert fake.base_url.startswith("http://127.0.0.1:")
        assert stream_final(fake).content[0].text == "hi"
    finally:
        fake.stop()
    fake.stop()  # idempotent


def test_bad_script_items_fail_early() -> None:
    with pytest.raises(TypeError):
        FakeAnthropic(["not a turn"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        Turn(["text"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="text_chunk"):
        Turn.text("x", text_chunk=0)
    with pytest.raises(ValueError, match="4xx or 5xx"):
        HttpError(200)


def test_http_error_defaults() -> None:
    assert HttpError(529) == HttpError(529, "overloaded_error", "Overloaded")
    limited = HttpError.rate_limited(3)
    assert (limited.status, limited.error_type, limited.headers) == (
        429,
        "rate_limit_error",
        {"retry-after": "3"},
    )


# ---------------------------------------------------------------------------
# JSON script form and the standalone process


def test_turn_from_dict_forms() -> None:
    assert turn_from_dict({"text": "hi"}).blocks == [Text("hi")]
    tool = turn_from_dict(
        {"tool_use": {"name": "Read", "input": {"p": 1}, "id": "toolu_x"}, "text": "Look"}
    )
    assert tool.blocks == [Text("Look"), ToolUse("Read", {"p": 1}, "toolu_x")]
    assert tool.resolved_stop_reason == "tool_use"
    full = turn_from_dict(
        {
            "blocks": [
                {"type": "thinking", "thinking": "t", "signature": "s"},
                {"type": "redacted_thinking", "data": "d"},
                {"type": "text", "text": "x"},
            ],
            "stop_reason": "max_tokens",
            "usage": {"input_tokens": 3, "output_tokens": 4},
            "delay": 0.5,
            "drop_after": 2,
        }
    )
    assert full.blocks == [Thinking("t", "s"), RedactedThinking("d"), Text("x")]
    assert full.resolved_stop_reason == "max_tokens"
    assert full.usage == Usage(3, 4)
    assert (full.delay, full.drop_after) == (0.5, 2)
    error = turn_from_dict({"http_error": {"status": 529}})
    assert error.http_error == HttpError.overloaded()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ([{"nope": 1}], "needs one of"),
        ({"text": "hi"}, "must be a JSON list"),
        ([{"text": "x", "bogus": 1}], "unknown field 'bogus'"),
        ([{"blocks": [{"type": "image"}]}], "unknown block type"),
        ([{"text": 5}], "expected str"),
        ([{"http_error": {}}], "needs a 'status'"),
        ([{"text": "x", "drop_after": True}], "expected int"),
    ],
)
def test_script_from_json_rejects(data: Any, needle: str) -> None:
    with pytest.raises(ScriptError, match=needle):
        script_from_json(data)


def _spawn(script: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fake_anthropic", "--script", str(script), "--port", "0"],
        cwd=TESTS_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_standalone_process(tmp_path: Path) -> None:
    script = tmp_path / "turns.json"
    script.write_text(
        json.dumps(
            [
                {"text": "from a subprocess", "usage": {"input_tokens": 9, "output_tokens": 2}},
                {"http_error": {"status": 529}},
            ]
        )
    )
    proc = _spawn(script)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with anthropic.Anthropic(
            base_url=url, api_key="sk-test", max_retries=0, timeout=10
        ) as client:
            with client.messages.stream(
                model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
            ) as stream:
                message = stream.get_final_message()
            assert dump(message.content[0])["text"] == "from a subprocess"
            assert (message.usage.input_tokens, message.usage.output_tokens) == (9, 2)
            with pytest.raises(anthropic.OverloadedError):
                client.messages.create(
                    model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
                )
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)  # also closes the pipes
        finally:
            proc.kill()
    assert proc.returncode == 0


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"text": "hi"}', "must be a JSON list"),
        ('[{"text": "hi", "colour": "red"}]', "unknown field 'colour'"),
        (None, "cannot read script"),
    ],
)
def test_standalone_bad_script_exits_2(tmp_path: Path, content: str | None, needle: str) -> None:
    script = tmp_path / "bad.json"
    if content is not None:
        script.write_text(content)
    proc = _spawn(script)
    try:
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 2
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("fake_anthropic: error: ")
    assert needle in lines[0]
    assert "Traceback" not in stderr
