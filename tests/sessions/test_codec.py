"""Every session event survives the trip to a JSON line and back."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from claude_server.model import (
    AgentTextEvent,
    AgentThoughtEvent,
    CompactionEvent,
    ConversationRewoundEvent,
    DiffDisplay,
    ErrorEvent,
    ModeChangedEvent,
    ModelChangedEvent,
    PermissionResolvedEvent,
    PlanEvent,
    RetryingEvent,
    SessionEvent,
    TerminalDisplay,
    TextDisplay,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolDisplay,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UsageEvent,
    UserMessageEvent,
)
from claude_server.sessions import EVENT_KINDS, CodecError, decode_event, encode_event

SAMPLES: dict[type[Any], list[Any]] = {
    UserMessageEvent: [UserMessageEvent("hello ✓ \U0001f600"), UserMessageEvent("")],
    AgentTextEvent: [AgentTextEvent("chunk\nwith newline")],
    AgentThoughtEvent: [AgentThoughtEvent("pondering")],
    TurnStartedEvent: [TurnStartedEvent("t1")],
    TurnCompletedEvent: [
        TurnCompletedEvent(
            "t1",
            "end_turn",
            Usage(input_tokens=10, output_tokens=5, cache_read_input_tokens=3),
        )
    ],
    UsageEvent: [UsageEvent(Usage(input_tokens=1), Usage(input_tokens=7, output_tokens=2))],
    RetryingEvent: [RetryingEvent(2, 3, 1.5, "overloaded"), RetryingEvent(1, 3, 2, "x")],
    ErrorEvent: [ErrorEvent("api_error", "boom", retryable=True), ErrorEvent("c", "m")],
    ToolCallEvent: [
        ToolCallEvent(
            "tc1", "Bash", "Bash ls", "execute", {"command": "ls", "n": [1, {"a": None}]}
        ),
        ToolCallEvent("tc2", "Read", "Read a", "read", {}, parent_tool_call_id="tc0"),
    ],
    ToolCallUpdateEvent: [
        ToolCallUpdateEvent("tc1", "in_progress", progress="50%"),
        ToolCallUpdateEvent(
            "tc1",
            "completed",
            content=(
                DiffDisplay("/a.py", "old\n", "new\n"),
                TerminalDisplay("out", exit_code=1),
                TerminalDisplay("still running"),
                TextDisplay("done"),
            ),
        ),
        ToolCallUpdateEvent("tc1", "failed"),
    ],
    PlanEvent: [
        PlanEvent(({"content": "a", "status": "pending", "activeForm": "doing a"},)),
        PlanEvent(()),
    ],
    ModeChangedEvent: [ModeChangedEvent("plan")],
    ModelChangedEvent: [ModelChangedEvent("claude-opus-4-6")],
    PermissionResolvedEvent: [
        PermissionResolvedEvent("r1", "tc1", "allowed", option_id="allow_once"),
        PermissionResolvedEvent("r2", "tc2", "cancelled"),
    ],
    ConversationRewoundEvent: [
        ConversationRewoundEvent(4, ("/p/a.py",)),
        ConversationRewoundEvent(0),
    ],
    CompactionEvent: [CompactionEvent("auto", 150_000, 12_000, "The user wants...")],
}


def test_every_event_type_has_a_kind_and_a_sample() -> None:
    # A new SessionEvent class fails here until the codec (and this test) know it.
    classes = set(typing.get_args(SessionEvent))
    assert classes == set(EVENT_KINDS)
    assert classes == set(SAMPLES)
    assert len(set(EVENT_KINDS.values())) == len(EVENT_KINDS)


def test_every_tool_display_is_tagged() -> None:
    from claude_server.sessions._codec import TAGGED_KINDS

    assert set(typing.get_args(ToolDisplay)) <= set(TAGGED_KINDS)


@pytest.mark.parametrize(
    "event", [e for samples in SAMPLES.values() for e in samples], ids=lambda e: type(e).__name__
)
def test_round_trip_through_json(event: SessionEvent) -> None:
    encoded = encode_event(event)
    assert encoded["kind"] == EVENT_KINDS[type(event)]
    assert list(encoded) == ["kind", "data"]
    back = decode_event(json.loads(json.dumps(encoded)))
    assert back == event
    assert type(back) is type(event)


def test_tuples_come_back_as_tuples() -> None:
    event = SAMPLES[ToolCallUpdateEvent][1]
    back = decode_event(json.loads(json.dumps(encode_event(event))))
    assert isinstance(back, ToolCallUpdateEvent)
    assert isinstance(back.content, tuple)
    assert isinstance(back.content[0], DiffDisplay)


def test_missing_optional_fields_take_their_defaults() -> None:
    back = decode_event({"kind": "error", "data": {"code": "c", "message": "m"}})
    assert back == ErrorEvent("c", "m", retryable=False)


def test_unknown_extra_fields_are_ignored() -> None:
    data = {"kind": "turn_started", "data": {"turn_id": "t", "future": 1}, "seq": 3}
    assert decode_event(data) == TurnStartedEvent("t")


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nope", "data": {}},
        {"data": {"text": "no kind"}},
        {"kind": "agent_message_chunk"},
        {"kind": "agent_message_chunk", "data": {}},
        {"kind": "agent_message_chunk", "data": {"text": 5}},
        {"kind": "tool_call_update", "data": {"tool_call_id": "x", "status": "weird"}},
        {
            "kind": "tool_call_update",
            "data": {"tool_call_id": "x", "status": "completed", "content": [{}]},
        },
        {
            "kind": "retrying",
            "data": {"attempt": True, "max_attempts": 1, "delay": 1, "reason": ""},
        },
        [1, 2],
    ],
)
def test_malformed_events_raise_codec_error(data: Any) -> None:
    with pytest.raises(CodecError):
        decode_event(data)


def test_encoding_an_unknown_class_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        encode_event(object())  # type: ignore[arg-type]
