"""The Task tool through the daemon's real wiring: read-only as its sessions see it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import daemon_env, stdio_daemon

TASK = {"description": "find x", "prompt": "Where is x defined?", "subagent_type": "explore"}


@pytest.mark.parametrize("mode", ["default", "plan"])
async def test_task_runs_an_explore_agent_unasked(
    mode: str, home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    # This client answers no permission requests: were Task asked, it would be refused.
    project = tmp_path / "project"
    project.mkdir()
    (project / "x.py").write_text("x = 1\n")
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Task", input=TASK, id="tu_task")]),
        Turn.text("x is defined in x.py, line 1."),  # the sub-agent's report
        Turn.text("It is in x.py."),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        new = await d.client.request("session/new", {"cwd": str(project), "mode": mode})
        assert new["mode"] == mode
        result = await d.client.request(
            "session/prompt",
            {"sessionId": new["sessionId"], "prompt": [{"type": "text", "text": "where is x?"}]},
        )
        assert result["stopReason"] == "end_turn"
    sub = fake.message_requests[1].body
    assert sub is not None
    assert sub["messages"][0]["content"][0]["text"] == "Where is x defined?"
    final = fake.message_requests[2].body
    assert final is not None
    tool_result: dict[str, Any] = final["messages"][-1]["content"][0]
    assert tool_result["tool_use_id"] == "tu_task"
    assert tool_result.get("is_error") is not True
    assert "x.py, line 1" in str(tool_result["content"])
