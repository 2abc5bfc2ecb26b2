"""The agent loop with tools: results fed back, failures as is_error, permissions, order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from claude_server.errors import StreamError
from claude_server.model import (
    ErrorEvent,
    PermissionResolvedEvent,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolResultBlock,
    ToolUseBlock,
    TurnCompletedEvent,
)
from fake_anthropic import FakeAnthropic, Text, ToolUse, Turn
from support import without_cache_control

from engine._helpers import ScriptedUser, make_session


def _tool_results(body: dict[str, object]) -> list[dict[str, object]]:
    messages = body["messages"]
    assert isinstance(messages, list)
    last = messages[-1]
    assert last["role"] == "user"
    return [without_cache_control(b) for b in last["content"] if b["type"] == "tool_result"]


async def test_tool_result_goes_back_and_the_loop_continues(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                Text("Looking."),
                ToolUse(name="Look", input={"seconds": 0, "label": "a"}, id="tu_a"),
            ]
        ),
        Turn.text("All done."),
    )
    session, events, _ = make_session(fake.base_url, tmp_path)
    outcome = await session.prompt("go")
    assert outcome.stop_reason == "end_turn"
    assert len(fake.message_requests) == 2
    first = fake.message_requests[0].body
    assert first is not None
    assert [t["name"] for t in first["tools"]] == ["Look", "Poke", "Run", "Task", "Skill"]
    assert "Working directory" in first["system"] or any(
        "Working directory" in b.get("text", "") for b in first["system"]
    )
    second = fake.message_requests[1].body
    assert second is not None
    assert _tool_results(second) == [
        {"type": "tool_result", "tool_use_id": "tu_a", "content": "slept a"}
    ]
    kinds = [
        type(e).__name__ for e in events if isinstance(e, (ToolCallEvent, ToolCallUpdateEvent))
    ]
    assert kinds[0] == "ToolCallEvent"
    statuses = [e.status for e in events if isinstance(e, ToolCallUpdateEvent)]
    assert statuses[0] == "in_progress"
    assert statuses[-1] == "completed"
    assert [m.role for m in session.messages] == ["user", "assistant", "user", "assistant"]


async def test_bad_input_unknown_tool_and_tool_error_are_is_error_results(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(name="Look", input={"seconds": "soon"}, id="tu_bad"),
                ToolUse(name="Teleport", input={}, id="tu_unknown"),
                ToolUse(name="Look", input={"seconds": 0, "label": "boom"}, id="tu_boom"),
            ]
        ),
        Turn.text("I see."),
    )
    session, events, _ = make_session(fake.base_url, tmp_path)
    assert (await session.prompt("go")).stop_reason == "end_turn"
    body = fake.message_requests[1].body
    assert body is not None
    results = {r["tool_use_id"]: r for r in _tool_results(body)}
    assert list(results) == ["tu_bad", "tu_unknown", "tu_boom"]
    assert all(r["is_error"] is True for r in results.values())
    assert "Invalid input for Look" in str(results["tu_bad"]["content"])
    assert "no tool named 'Teleport'" in str(results["tu_unknown"]["content"])
    assert "the label was boom" in str(results["tu_boom"]["content"])
    failed = [e for e in events if isinstance(e, ToolCallUpdateEvent) and e.status == "failed"]
    assert len(failed) == 3


async def test_read_only_calls_run_together_and_writes_in_order(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(name="Look", input={"seconds": 0.4, "label": "r1"}),
                ToolUse(name="Look", input={"seconds": 0.4, "label": "r2"}),
                ToolUse(name="Poke", input={"seconds": 0.2, "label": "w1"}),
                ToolUse(name="Poke", input={"seconds": 0.05, "label": "w2"}),
            ]
        ),
        Turn.text("ok"),
    )
    session, _, timeline = make_session(fake.base_url, tmp_path)
    await session.prompt("go")
    s = timeline.spans
    assert s["r2"][0] < s["r1"][1]  # the two reads overlapped
    assert s["w1"][0] >= max(s["r1"][1], s["r2"][1])  # the write waited for the reads
    assert s["w2"][0] >= s["w1"][1]  # writes ran one after the other, in order


async def test_denied_and_headless_ask_become_explanations(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(name="Run", input={"seconds": 0}, id="tu_deny"),
                ToolUse(name="Poke", input={"seconds": 0}, id="tu_ask"),
            ]
        ),
        Turn.text("understood"),
    )
    session, _, timeline = make_session(
        fake.base_url, tmp_path, decisions={"Run": "deny", "Poke": "ask"}
    )
    await session.prompt("go")
    body = fake.message_requests[1].body
    assert body is not None
    results = {r["tool_use_id"]: str(r["content"]) for r in _tool_results(body)}
    assert results["tu_deny"].startswith("Permission denied: Run is set to deny")
    assert "No one can approve it here" in results["tu_ask"]
    assert timeline.spans == {}  # neither ran


async def test_user_answers_permission_questions(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(name="Run", input={"seconds": 0, "label": "once"}, id="tu_1"),
                ToolUse(name="Run", input={"seconds": 0, "label": "always"}, id="tu_2"),
                ToolUse(name="Run", input={"seconds": 0, "label": "no"}, id="tu_3"),
            ]
        ),
        Turn.text("ok"),
    )
    user = ScriptedUser(["allow_once", "allow_always", "reject_once"])
    saved: list[tuple[Path, str]] = []
    session, events, timeline = make_session(
        fake.base_url, tmp_path, decisions={"Run": "ask"}, bridge=user, saved=saved
    )
    await session.prompt("go")
    assert [r.tool_call.tool_call_id for r in user.asked] == ["tu_1", "tu_2", "tu_3"]
    assert set(timeline.spans) == {"once", "always"}
    assert saved == [(tmp_path, "Run(*)")]
    assert session.allow_rules == ["Run(*)"]
    resolved = [
        (e.tool_call_id, e.outcome) for e in events if isinstance(e, PermissionResolvedEvent)
    ]
    assert resolved == [("tu_1", "allowed"), ("tu_2", "allowed"), ("tu_3", "rejected")]
    body = fake.message_requests[1].body
    assert body is not None
    rejected = _tool_results(body)[2]
    assert rejected["is_error"] is True
    assert "The user rejected this tool call. The user said: not now" in str(rejected["content"])


async def test_cancel_during_a_tool_answers_every_call(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(name="Poke", input={"seconds": 0, "label": "fast"}, id="tu_fast"),
                ToolUse(name="Poke", input={"seconds": 30, "label": "slow"}, id="tu_slow"),
            ]
        ),
        Turn.text("after"),
    )
    session, events, _ = make_session(fake.base_url, tmp_path)
    running = asyncio.create_task(session.prompt("go"))
    for _ in range(200):
        if any(isinstance(e, ToolCallUpdateEvent) and e.tool_call_id == "tu_slow" for e in events):
            break
        await asyncio.sleep(0.01)
    session.cancel()
    outcome = await asyncio.wait_for(running, 5)
    assert outcome.stop_reason == "cancelled"
    last = session.messages[-1]
    assert last.role == "user"
    results = [b for b in last.content if isinstance(b, ToolResultBlock)]
    assert [r.tool_use_id for r in results] == ["tu_fast", "tu_slow"]
    assert results[0].content == "slept fast"
    assert results[1].is_error is True
    assert "interrupted" in str(results[1].content)
    # The conversation is valid for the next request: the next prompt is answered normally.
    assert (await session.prompt("again")).stop_reason == "end_turn"
    completed = [e for e in events if isinstance(e, TurnCompletedEvent)]
    assert [c.stop_reason for c in completed] == ["cancelled", "end_turn"]


async def test_tool_use_cut_off_by_max_tokens_is_not_kept(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn(
            blocks=[Text("Let me"), ToolUse(name="Look", input={"seconds": 0})],
            stop_reason="max_tokens",
        ),
        Turn.text("next"),
    )
    session, events, timeline = make_session(fake.base_url, tmp_path)
    assert (await session.prompt("go")).stop_reason == "max_tokens"
    assert timeline.spans == {}
    assert not any(isinstance(b, ToolUseBlock) for m in session.messages for b in m.content)
    # The user is told at once; the model with the next prompt.
    (warning,) = [e for e in events if isinstance(e, ErrorEvent)]
    assert warning.code == "max_tokens" and "a call to Look" in warning.message
    await session.prompt("continue")
    body = fake.message_requests[1].body
    assert body is not None
    assert without_cache_control(body["messages"][1]) == {
        "role": "assistant",
        "content": [{"type": "text", "text": "Let me"}],
    }
    told = without_cache_control(body["messages"][2])
    assert told["role"] == "user"
    texts = [b["text"] for b in told["content"]]
    assert texts[0].startswith("[The answer reached the output limit") and texts[-1] == "continue"


async def test_max_turns_stops_a_looping_model(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(*[Turn.tool_use("Look", {"seconds": 0}) for _ in range(3)])
    session, _, _ = make_session(fake.base_url, tmp_path, max_turns=3)
    outcome = await session.prompt("loop")
    assert outcome.stop_reason == "max_turns"
    assert len(fake.message_requests) == 3
    assert session.messages[-1].role == "user"  # the last calls were answered


async def test_stream_broken_after_text_keeps_what_was_shown(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn.text("Here is the first part of a long answer", drop_after=8), Turn.text("recovered")
    )
    session, _, _ = make_session(fake.base_url, tmp_path)
    with pytest.raises(StreamError):
        await session.prompt("go")
    assert session.messages[-1].role == "assistant"
    shown = session.messages[-1].text()
    assert shown and "Here is the first part".startswith(shown[:5])
    assert (await session.prompt("again")).stop_reason == "end_turn"
