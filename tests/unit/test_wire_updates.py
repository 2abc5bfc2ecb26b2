"""Every engine event becomes a valid wire update, and every update kind is produced."""

from __future__ import annotations

import typing

from claude_server import model as m
from claude_server.protocol import UPDATE_KINDS, SessionUpdateParams
from claude_server.services import to_update, wire_stop_reason

USAGE = m.Usage(input_tokens=10, output_tokens=5, cache_read_input_tokens=2)

EXAMPLES: list[m.SessionEvent] = [
    m.UserMessageEvent(text="hi"),
    m.AgentTextEvent(text="hello"),
    m.AgentThoughtEvent(text="hmm"),
    m.TurnStartedEvent(turn_id="t1"),
    m.TurnCompletedEvent(turn_id="t1", stop_reason="end_turn", usage=USAGE),
    m.UsageEvent(turn=USAGE, total=USAGE + USAGE),
    m.RetryingEvent(attempt=1, max_attempts=3, delay=0.5, reason="overloaded"),
    m.ErrorEvent(code="api_error", message="bad", retryable=False),
    m.ToolCallEvent("tu1", "Read", "Read /x", "read", {"file_path": "/x"}),
    m.ToolCallUpdateEvent("tu1", "in_progress", progress="reading"),
    m.ToolCallUpdateEvent(
        "tu1",
        "completed",
        content=(
            m.DiffDisplay("/x", "a", "b"),
            m.TerminalDisplay("out", 0),
            m.TextDisplay("done"),
        ),
    ),
    m.PlanEvent(({"content": "step", "status": "pending", "activeForm": "Stepping"},)),
    m.ModeChangedEvent("plan"),
    m.ModelChangedEvent("claude-haiku-4-5"),
    m.PermissionResolvedEvent("r1", "tu1", "allowed", "allow_once"),
    m.ConversationRewoundEvent(2, ("/p/a.py",)),
    m.CompactionEvent("manual", 1000, 100, "summary"),
]


def test_examples_cover_every_event_type() -> None:
    assert {type(e) for e in EXAMPLES} == set(typing.get_args(m.SessionEvent))


def test_every_event_translates_to_a_valid_update_and_all_kinds_appear() -> None:
    kinds = set()
    for event in EXAMPLES:
        update = to_update(event)
        wire = SessionUpdateParams(session_id="s", seq=1, update=update).to_wire()
        assert SessionUpdateParams.model_validate(wire).update == update
        kinds.add(wire["update"]["kind"])
    assert kinds == set(UPDATE_KINDS)


def test_tool_content_shapes() -> None:
    wire = to_update(EXAMPLES[10]).to_wire()
    assert wire["content"] == [
        {"type": "diff", "path": "/x", "oldText": "a", "newText": "b"},
        {"type": "terminal", "output": "out", "exitCode": 0},
        {"type": "text", "text": "done"},
    ]


def test_usage_is_camel_case_on_the_wire() -> None:
    wire = to_update(m.UsageEvent(turn=USAGE, total=USAGE)).to_wire()
    assert wire["turn"] == {
        "inputTokens": 10,
        "outputTokens": 5,
        "cacheCreationInputTokens": 0,
        "cacheReadInputTokens": 2,
    }


def test_unknown_stop_reason_maps_to_end_turn() -> None:
    assert wire_stop_reason("something_new") == "end_turn"
    assert wire_stop_reason("cancelled") == "cancelled"
