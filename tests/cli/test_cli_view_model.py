"""The view model: session updates in, entries and state out."""

from __future__ import annotations

from typing import Any

from claude_cli._session_client import (
    Entry,
    NoticeEntry,
    PlanEntry,
    SessionView,
    TextEntry,
    ThoughtEntry,
    ToolEntry,
    TurnEntry,
    UserEntry,
)

USAGE = {
    "inputTokens": 1200,
    "outputTokens": 85,
    "cacheCreationInputTokens": 0,
    "cacheReadInputTokens": 0,
}


def feed(view: SessionView, *updates: dict[str, Any], start: int | None = None) -> None:
    seq = view.last_seq + 1 if start is None else start
    for update in updates:
        assert view.apply(seq, update) == "applied"
        seq += 1


def done(entry: Entry) -> bool:
    """Read ``done`` afresh (mypy would keep an earlier narrowing of the attribute)."""
    return entry.done


def tool_call(tool_id: str, name: str = "Bash", **inp: Any) -> dict[str, Any]:
    return {
        "kind": "tool_call",
        "toolCall": {
            "toolCallId": tool_id,
            "toolName": name,
            "title": name,
            "kind": "execute",
            "input": inp,
        },
        "status": "pending",
    }


def test_a_text_turn() -> None:
    view = SessionView("s", model="claude-sonnet-4-6")
    feed(
        view,
        {"kind": "turn_started", "turnId": "t1"},
        {"kind": "user_message", "text": "hi"},
        {"kind": "agent_message_chunk", "text": "Hel"},
    )
    assert view.busy
    user, text = view.entries
    assert isinstance(user, UserEntry) and user.text == "hi"
    assert isinstance(text, TextEntry) and text.text == "Hel" and not done(text)
    feed(
        view,
        {"kind": "agent_message_chunk", "text": "lo."},
        {"kind": "usage_update", "turn": USAGE, "total": USAGE},
        {"kind": "turn_completed", "turnId": "t1", "stopReason": "end_turn", "usage": USAGE},
    )
    assert text.text == "Hello." and done(text)
    assert (view.busy, view.turn_started_at) == (False, None)
    end = view.entries[-1]
    assert isinstance(end, TurnEntry) and end.usage.output_tokens == 85
    assert end.seconds is not None and end.model == "claude-sonnet-4-6"
    assert view.total_usage.input_tokens == 1200
    assert view.last_answer == "Hello."
    assert view.last_seq == 6


def test_thinking_then_text_closes_the_thought() -> None:
    view = SessionView("s")
    feed(
        view,
        {"kind": "turn_started", "turnId": "t"},
        {"kind": "agent_thought_chunk", "text": "Let me "},
        {"kind": "agent_thought_chunk", "text": "think."},
    )
    thought = view.entries[0]
    assert (
        isinstance(thought, ThoughtEntry) and thought.text == "Let me think." and not done(thought)
    )
    feed(view, {"kind": "agent_message_chunk", "text": "Answer"})
    assert done(thought) and thought.seconds is not None
    assert view.output_tokens() == len("Let me think.Answer") // 4


def test_tool_calls_update_in_place_and_end_done() -> None:
    view = SessionView("s")
    feed(
        view,
        {"kind": "turn_started", "turnId": "t"},
        tool_call("a", command="ls"),
        tool_call("b", command="pwd"),
    )
    a, b = view.entries
    assert isinstance(a, ToolEntry) and a.input == {"command": "ls"} and a.status == "pending"
    feed(
        view,
        {
            "kind": "tool_call_update",
            "toolCallId": "b",
            "status": "in_progress",
            "progress": "running",
        },
        {
            "kind": "permission_resolved",
            "requestId": "r",
            "toolCallId": "b",
            "outcome": "allowed",
            "optionId": "allow_once",
        },
        {
            "kind": "tool_call_update",
            "toolCallId": "b",
            "status": "completed",
            "content": [{"type": "terminal", "output": "/x", "exitCode": 0}],
        },
    )
    assert isinstance(b, ToolEntry)
    assert b.done and b.status == "completed" and b.content[0]["output"] == "/x"
    assert b.permission == "allowed"
    assert not done(a)
    feed(view, {"kind": "turn_completed", "turnId": "t", "stopReason": "cancelled", "usage": USAGE})
    assert done(a) and a.interrupted  # the turn ended under it


def test_duplicates_are_ignored_and_gaps_reported() -> None:
    view = SessionView("s")
    feed(
        view, {"kind": "turn_started", "turnId": "t"}, {"kind": "agent_message_chunk", "text": "a"}
    )
    assert view.apply(2, {"kind": "agent_message_chunk", "text": "a"}) == "duplicate"
    assert view.apply(5, {"kind": "agent_message_chunk", "text": "lost"}) == "gap"
    assert view.last_seq == 2
    assert view.apply(3, {"kind": "agent_message_chunk", "text": "b"}) == "applied"
    text = view.entries[0]
    assert isinstance(text, TextEntry) and text.text == "ab"


def test_plan_mode_model_retry_error_and_unknown_kinds() -> None:
    view = SessionView("s", model="m1")
    entries = [
        {"content": "Add the flag", "status": "completed", "activeForm": "Adding the flag"},
        {"content": "Test it", "status": "in_progress", "activeForm": "Testing it"},
    ]
    feed(
        view,
        {"kind": "plan", "entries": entries},
        {"kind": "mode_changed", "mode": "plan"},
        {"kind": "model_changed", "model": "claude-haiku-4-5"},
        {
            "kind": "retrying",
            "attempt": 1,
            "maxAttempts": 3,
            "delaySeconds": 0.8,
            "reason": "overloaded",
        },
        {"kind": "error", "code": "api_error", "message": "bad\nthing", "retryable": False},
        {"kind": "some_future_kind", "x": 1},
    )
    assert view.mode == "plan" and view.model == "claude-haiku-4-5"
    task = view.current_task()
    assert task is not None and task.active_form == "Testing it"
    plan, model, retry, error = view.entries
    assert isinstance(plan, PlanEntry) and len(plan.items) == 2
    assert isinstance(model, NoticeEntry) and "claude-haiku-4-5" in model.text
    assert isinstance(retry, NoticeEntry) and retry.level == "retry" and "attempt 1/3" in retry.text
    assert isinstance(error, NoticeEntry) and error.level == "error" and error.text == "bad thing"
    assert view.last_seq == 6  # the unknown kind still counts


def test_replayed_turns_have_no_timing() -> None:
    view = SessionView("s")
    view.replaying = True
    feed(
        view,
        {"kind": "turn_started", "turnId": "t"},
        {"kind": "agent_message_chunk", "text": "old"},
        {"kind": "turn_completed", "turnId": "t", "stopReason": "end_turn", "usage": USAGE},
    )
    end = view.entries[-1]
    assert isinstance(end, TurnEntry) and end.seconds is None


def _two_turns(view: SessionView) -> None:
    for n in (1, 2):
        feed(
            view,
            {"kind": "turn_started", "turnId": f"t{n}"},
            {"kind": "user_message", "text": f"prompt {n}"},
            {"kind": "agent_message_chunk", "text": f"answer {n}"},
            {"kind": "turn_completed", "turnId": f"t{n}", "stopReason": "end_turn", "usage": USAGE},
        )


def test_rewind_drops_the_rewound_turns_from_the_transcript() -> None:
    view = SessionView("s")
    _two_turns(view)
    update = {
        "kind": "conversation_rewound",
        "keptMessages": 2,
        "droppedPrompts": 1,
        "restoredFiles": ["/p/a.py"],
    }
    view.apply(view.last_seq + 1, update)
    texts = [getattr(e, "text", None) for e in view.entries]
    assert "prompt 2" not in texts and "answer 2" not in texts
    assert texts[:2] == ["prompt 1", "answer 1"]
    assert view.last_answer == "answer 1"
    assert isinstance(view.entries[-1], NoticeEntry) and "/p/a.py" in view.entries[-1].text


def test_clear_empties_the_transcript() -> None:
    view = SessionView("s")
    _two_turns(view)
    view.apply(view.last_seq + 1, {"kind": "conversation_rewound", "keptMessages": 0})
    assert view.entries == [] and view.last_answer == ""


def test_the_view_handles_exactly_the_protocols_update_kinds() -> None:
    from claude_cli._session_client import _HANDLERS
    from claude_server.protocol import UPDATE_KINDS

    assert set(_HANDLERS) == set(UPDATE_KINDS)
