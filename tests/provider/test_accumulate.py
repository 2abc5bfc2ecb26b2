"""Accumulating recorded Messages API streams into stream events and a final message."""

from __future__ import annotations

import inspect
import json
from typing import Any

import httpx
import pytest
from anthropic._streaming import SSEDecoder as SdkDecoder
from anthropic.lib.streaming._beta_messages import accumulate_event
from claude_server.errors import (
    ApiError,
    OverloadedError,
    ProviderError,
    RateLimitedError,
    ServerError,
    StreamError,
)
from claude_server.model import (
    AssistantMessage,
    BlockCompleted,
    BlockStarted,
    MessageCompleted,
    MessageStarted,
    OtherBlock,
    StreamEvent,
    TextBlock,
    TextDelta,
    ThinkingBlock,
    ThinkingDelta,
    ToolInputDelta,
    ToolUseBlock,
)
from claude_server.provider import MessageAccumulator, SSEDecoder

from ._fixtures import (
    ERROR_FIXTURES,
    MESSAGE_FIXTURES,
    StreamFixture,
    as_api_json,
    assert_matches_expected,
    drop_nulls,
)


def run(body: bytes) -> tuple[list[StreamEvent], AssistantMessage]:
    decoder, accumulator = SSEDecoder(), MessageAccumulator()
    events: list[StreamEvent] = []
    for name, data in decoder.feed(body):
        events.extend(accumulator.feed_sse(name, data))
    decoder.close()
    return events, accumulator.finish()


def run_payloads(*payloads: dict[str, Any]) -> tuple[list[StreamEvent], MessageAccumulator]:
    accumulator = MessageAccumulator()
    events: list[StreamEvent] = []
    for payload in payloads:
        events.extend(accumulator.feed(payload))
    return events, accumulator


def start(**extra: Any) -> dict[str, Any]:
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": "claude-test",
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
        **extra,
    }
    return {"type": "message_start", "message": message}


def block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


def stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(stop_reason: str = "end_turn", **usage: Any) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": usage or {"output_tokens": 5},
    }


MESSAGE_STOP = {"type": "message_stop"}


@pytest.mark.parametrize("fixture", MESSAGE_FIXTURES, ids=[f.name for f in MESSAGE_FIXTURES])
def test_recorded_stream_gives_expected_message(fixture: StreamFixture) -> None:
    events, message = run(fixture.body)
    assert_matches_expected(message, fixture)
    assert isinstance(events[0], MessageStarted)
    assert isinstance(events[-1], MessageCompleted)
    assert events[-1].message is message
    assert sum(isinstance(e, MessageCompleted) for e in events) == 1


@pytest.mark.parametrize("fixture", MESSAGE_FIXTURES, ids=[f.name for f in MESSAGE_FIXTURES])
def test_recorded_stream_events_are_consistent(fixture: StreamFixture) -> None:
    events, message = run(fixture.body)
    started = {e.index: e.block for e in events if isinstance(e, BlockStarted)}
    completed = {e.index: e.block for e in events if isinstance(e, BlockCompleted)}
    assert sorted(started) == sorted(completed) == list(range(len(message.content)))
    for index, block in enumerate(message.content):
        assert completed[index] == block
        assert started[index].type == block.type
        if isinstance(block, TextBlock):
            text = "".join(e.text for e in events if isinstance(e, TextDelta) and e.index == index)
            assert text == block.text
        if isinstance(block, ThinkingBlock):
            thinking = "".join(
                e.thinking for e in events if isinstance(e, ThinkingDelta) and e.index == index
            )
            assert thinking == block.thinking
    # Every delta refers to a block that was open at the time.
    open_blocks: set[int] = set()
    for event in events:
        if isinstance(event, BlockStarted):
            open_blocks.add(event.index)
        elif isinstance(event, BlockCompleted):
            open_blocks.discard(event.index)
        elif isinstance(event, TextDelta | ThinkingDelta | ToolInputDelta):
            assert event.index in open_blocks


def sdk_accumulate(body: bytes) -> dict[str, Any]:
    """The official SDK's accumulation of the same bytes (a private helper, used as an oracle)."""
    optional: dict[str, Any] = {"json_bufs": {}, "request_headers": httpx.Headers()}
    accepted = inspect.signature(accumulate_event).parameters
    extra = {key: value for key, value in optional.items() if key in accepted}
    snapshot: Any = None
    for sse in SdkDecoder().iter_bytes(iter([body])):
        payload = json.loads(sse.data)
        if payload["type"] in ("ping", "error"):
            continue
        snapshot = accumulate_event(event=payload, current_snapshot=snapshot, **extra)
    return drop_nulls(snapshot.to_dict(exclude_none=True))  # type: ignore[no-any-return]


@pytest.mark.parametrize("fixture", MESSAGE_FIXTURES, ids=[f.name for f in MESSAGE_FIXTURES])
def test_recorded_stream_agrees_with_the_official_sdk(fixture: StreamFixture) -> None:
    _, message = run(fixture.body)
    assert as_api_json(message) == sdk_accumulate(fixture.body)


@pytest.mark.parametrize("fixture", ERROR_FIXTURES, ids=[f.name for f in ERROR_FIXTURES])
def test_recorded_error_event_raises(fixture: StreamFixture) -> None:
    accumulator = MessageAccumulator(request_id="req_42")
    sse_events = SSEDecoder().feed(fixture.body)
    *before, last = sse_events
    events: list[StreamEvent] = []
    for name, data in before:
        events.extend(accumulator.feed_sse(name, data))
    with pytest.raises(OverloadedError) as caught:
        accumulator.feed_sse(*last)
    error = caught.value
    assert error.retryable
    assert error.error_type == fixture.error_type == "overloaded_error"
    assert fixture.expected["error_event"]["message"] in str(error)
    assert error.data["requestId"] == "req_42"
    text = [e.text for e in events if isinstance(e, TextDelta)]
    if "content_block_delta" in fixture.events_before_error:
        assert text == ["Hello"]
        assert isinstance(events[0], MessageStarted)
    else:
        assert events == []


def test_unterminated_tool_input_keeps_complete_part() -> None:
    events, accumulator = run_payloads(
        start(),
        block_start(0, {"type": "tool_use", "id": "toolu_1", "name": "write", "input": {}}),
        delta(0, type="input_json_delta", partial_json='{"path": "a.txt", "lines": ["one",'),
        delta(0, type="input_json_delta", partial_json=' "tw'),
        message_delta("max_tokens"),
        MESSAGE_STOP,
    )
    message = accumulator.finish()
    assert message.stop_reason == "max_tokens"
    block = message.content[0]
    assert isinstance(block, ToolUseBlock)
    assert block.input == {"path": "a.txt", "lines": ["one"]}
    # The block never got its stop event; it is completed at message_stop.
    assert [type(e) for e in events[-2:]] == [BlockCompleted, MessageCompleted]


@pytest.mark.parametrize("fragment", ["", "   ", "[1, 2]", '"text"', "{{{", "nonsense"])
def test_tool_input_that_is_not_an_object_becomes_empty(fragment: str) -> None:
    _, accumulator = run_payloads(
        start(),
        block_start(0, {"type": "tool_use", "id": "toolu_1", "name": "t", "input": {}}),
        delta(0, type="input_json_delta", partial_json=fragment),
        stop(0),
        message_delta("tool_use"),
        MESSAGE_STOP,
    )
    block = accumulator.finish().content[0]
    assert isinstance(block, ToolUseBlock)
    assert block.input == {}


def test_tool_input_without_deltas_keeps_start_input() -> None:
    _, accumulator = run_payloads(
        start(),
        block_start(0, {"type": "tool_use", "id": "t1", "name": "t", "input": {"given": 1}}),
        stop(0),
        MESSAGE_STOP,
    )
    block = accumulator.finish().content[0]
    assert isinstance(block, ToolUseBlock)
    assert block.input == {"given": 1}


def test_unknown_delta_is_merged_and_unknown_block_kept() -> None:
    _, accumulator = run_payloads(
        start(),
        block_start(0, {"type": "future_block", "body": "ab", "items": [1], "flag": False}),
        delta(0, type="future_delta", body="cd", items=[2, 3], flag=True, new="x"),
        delta(0, type="future_delta", body="ef", new="y"),
        stop(0),
        MESSAGE_STOP,
    )
    block = accumulator.finish().content[0]
    assert isinstance(block, OtherBlock)
    assert block.to_api() == {
        "type": "future_block",
        "body": "abcdef",
        "items": [1, 2, 3],
        "flag": True,
        "new": "xy",
    }


def test_text_and_thinking_with_signature_and_citations() -> None:
    citation = {"type": "char_location", "cited_text": "x", "document_index": 0}
    events, accumulator = run_payloads(
        start(),
        block_start(0, {"type": "thinking", "thinking": "", "signature": ""}),
        delta(0, type="thinking_delta", thinking="Let me "),
        {"type": "ping"},
        delta(0, type="thinking_delta", thinking="think."),
        delta(0, type="signature_delta", signature="sig=="),
        stop(0),
        block_start(1, {"type": "text", "text": "", "citations": None}),
        delta(1, type="text_delta", text="Hi"),
        delta(1, type="citations_delta", citation=citation),
        delta(1, type="text_delta", text=" there"),
        stop(1),
        message_delta(output_tokens=7, input_tokens=12),
        MESSAGE_STOP,
    )
    message = accumulator.finish()
    assert [b.to_api() for b in message.content] == [
        {"type": "thinking", "thinking": "Let me think.", "signature": "sig=="},
        {"type": "text", "text": "Hi there", "citations": [citation]},
    ]
    assert message.usage.input_tokens == 12
    assert message.usage.output_tokens == 7
    assert events[1:4] == [
        BlockStarted(0, ThinkingBlock(thinking="", signature="")),
        ThinkingDelta(0, "Let me "),
        ThinkingDelta(0, "think."),
    ]


def test_message_delta_usage_overwrites_and_keeps_unreported_counts() -> None:
    _, accumulator = run_payloads(
        start(usage={"input_tokens": 10, "cache_read_input_tokens": 4, "output_tokens": 1}),
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 30, "input_tokens": None},
            "context_management": {"applied_edits": []},
        },
        MESSAGE_STOP,
    )
    message = accumulator.finish()
    assert message.usage.input_tokens == 10
    assert message.usage.cache_read_input_tokens == 4
    assert message.usage.output_tokens == 30
    assert message.model_extra == {"type": "message", "context_management": {"applied_edits": []}}


def test_message_started_reports_input_usage() -> None:
    events, _ = run_payloads(start(usage={"input_tokens": 33, "output_tokens": 1}))
    [started] = events
    assert isinstance(started, MessageStarted)
    assert (started.message_id, started.model) == ("msg_1", "claude-test")
    assert started.usage.input_tokens == 33


@pytest.mark.parametrize(
    ("error_type", "error_class", "retryable"),
    [
        ("overloaded_error", OverloadedError, True),
        ("rate_limit_error", RateLimitedError, True),
        ("api_error", ServerError, True),
        ("invalid_request_error", ApiError, False),
        ("something_new", ApiError, False),
    ],
)
def test_error_events(error_type: str, error_class: type[ProviderError], retryable: bool) -> None:
    error = {"type": "error", "error": {"type": error_type, "message": "Details here"}}
    with pytest.raises(error_class) as caught:
        run_payloads(start(), error)
    assert type(caught.value) is error_class
    assert caught.value.retryable is retryable
    assert "Details here" in str(caught.value)
    assert caught.value.data["errorType"] == error_type


def test_stream_without_message_stop_is_broken() -> None:
    _, accumulator = run_payloads(
        start(), block_start(0, {"type": "text", "text": ""}), delta(0, type="text_delta", text="x")
    )
    with pytest.raises(StreamError, match="before the message was complete"):
        accumulator.finish()
    with pytest.raises(StreamError, match="before it began"):
        MessageAccumulator().finish()


@pytest.mark.parametrize(
    "payloads",
    [
        [block_start(0, {"type": "text", "text": ""})],
        [start(), delta(0, type="text_delta", text="x")],
        [start(), block_start(0, {"type": "text", "text": ""}), stop(0), stop(0)],
        [start(), block_start(0, {"type": "text", "text": ""}), block_start(0, {"type": "text"})],
        [start(), start()],
        [start(), {"type": "content_block_start", "index": "0", "content_block": {"type": "text"}}],
        [start(), block_start(0, {"type": "tool_use", "name": "no id"})],
        [start(), MESSAGE_STOP, block_start(0, {"type": "text", "text": ""})],
        [{"type": "message_start"}],
    ],
)
def test_events_out_of_order_or_malformed_are_stream_errors(
    payloads: list[dict[str, Any]],
) -> None:
    with pytest.raises(StreamError):
        run_payloads(*payloads)


def test_ping_and_unknown_events_are_ignored() -> None:
    events, accumulator = run_payloads(
        {"type": "ping"}, start(), {"type": "brand_new_event", "x": 1}, MESSAGE_STOP
    )
    assert [type(e) for e in events] == [MessageStarted, MessageCompleted]
    assert accumulator.finish().content == []


def test_sse_layer_errors() -> None:
    accumulator = MessageAccumulator()
    with pytest.raises(StreamError, match="not valid JSON"):
        accumulator.feed_sse("message_start", "{not json")
    with pytest.raises(StreamError, match="not an object"):
        accumulator.feed_sse("message_start", "[1]")
    assert accumulator.feed_sse("ping", "") == []
    # An event without a "type" member takes the SSE event name.
    untyped = json.dumps({"message": start()["message"]})
    assert isinstance(accumulator.feed_sse("message_start", untyped)[0], MessageStarted)
