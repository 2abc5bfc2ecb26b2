"""The Task tool: a nested agent loop with its own context, tools and report."""

from __future__ import annotations

from pathlib import Path

from claude_server.model import AgentTextEvent, ToolCallEvent
from fake_anthropic import FakeAnthropic, Text, ToolUse, Turn

from engine._helpers import make_session


async def test_explore_agent_runs_read_only_and_reports(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(
                    name="Task",
                    input={
                        "description": "find it",
                        "prompt": "Where is x?",
                        "subagent_type": "explore",
                    },
                    id="tu_task",
                )
            ]
        ),
        Turn(
            blocks=[
                Text("Searching."),
                ToolUse(name="Look", input={"seconds": 0, "label": "inner"}, id="tu_inner"),
            ]
        ),
        Turn.text("Found it at x.py:3"),
        Turn.text("It is in x.py, line 3."),
    )
    session, events, timeline = make_session(fake.base_url, tmp_path)
    outcome = await session.prompt("where is x?")
    assert outcome.stop_reason == "end_turn"
    assert set(timeline.spans) == {"inner"}

    sub_first = fake.message_requests[1].body
    assert sub_first is not None
    assert sub_first["messages"][0]["content"][0]["text"] == "Where is x?"
    assert [t["name"] for t in sub_first["tools"]] == ["Look"]  # read-only, and no nested Task
    system = (
        sub_first["system"]
        if isinstance(sub_first["system"], str)
        else sub_first["system"][0]["text"]
    )
    assert "read-only exploration" in system

    main_last = fake.message_requests[3].body
    assert main_last is not None
    result = main_last["messages"][-1]["content"][0]
    assert result["tool_use_id"] == "tu_task"
    assert result["content"] == "Found it at x.py:3"

    inner = [e for e in events if isinstance(e, ToolCallEvent) and e.tool_call_id == "tu_inner"]
    assert inner[0].parent_tool_call_id == "tu_task"
    texts = "".join(e.text for e in events if isinstance(e, AgentTextEvent))
    assert "Searching." not in texts  # the sub-agent's prose stays inside it
    assert "It is in x.py" in texts
    # The session's conversation holds only the main thread.
    assert len(session.messages) == 4


async def test_unknown_agent_type_is_an_error_result(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(
                    name="Task",
                    input={"description": "x", "prompt": "y", "subagent_type": "wizard"},
                )
            ]
        ),
        Turn.text("ok"),
    )
    session, _, _ = make_session(fake.base_url, tmp_path)
    await session.prompt("go")
    body = fake.message_requests[1].body
    assert body is not None
    result = body["messages"][-1]["content"][0]
    assert result["is_error"] is True
    assert "Unknown subagent_type 'wizard'" in result["content"]
    assert "explore" in result["content"]
