"""A sub-agent sees the project as the main agent does: the same git facts and CLAUDE.md."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import daemon_env, stdio_daemon

TASK = {"description": "find x", "prompt": "Where is x defined?", "subagent_type": "explore"}


async def test_a_subagent_gets_git_and_memory(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "CLAUDE.md").write_text("Always answer in haiku.\n")
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Task", input=TASK, id="tu_task")]),
        Turn.text("x lives in x.py"),
        Turn.text("In x.py."),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "where is x?"}]}
        assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"
    main = json.dumps((fake.message_requests[0].body or {})["system"])
    sub = json.dumps((fake.message_requests[1].body or {})["system"])
    assert "Git repository: yes" in main
    assert "Git repository: yes" in sub
    assert "Always answer in haiku." in main and "Always answer in haiku." in sub
