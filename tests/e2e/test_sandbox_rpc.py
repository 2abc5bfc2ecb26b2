"""Sandboxed Bash through the daemon: writes inside the project work, outside fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder
from support.system import require_program


@pytest.fixture(autouse=True)
def _bwrap() -> None:
    require_program("bwrap", "apt-get install bubblewrap")


async def test_sandboxed_bash(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"sandbox": {"enabled": True}, "permissions": {"allow": ["Bash"]}})
    )
    outside = Path("/var/tmp") / f"claude-py-sandbox-{tmp_path.name}"
    fake.add_turns(
        Turn.tool_use(
            "Bash", {"command": "mkdir -p sub && cd sub && echo inside > made.txt && pwd"}
        ),
        Turn.tool_use("Bash", {"command": f"pwd; echo outside > {outside}"}),
        Turn.text("done"),
    )
    trust_folder(home, project)
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await d.client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        )
    assert (project / "sub" / "made.txt").read_text() == "inside\n"
    assert not outside.exists()
    second = fake.message_requests[2].body
    assert second is not None
    result = second["messages"][-1]["content"][0]
    assert result["is_error"] is True
    assert str(project / "sub") in result["content"]  # the working directory carried over
    assert "Read-only file system" in result["content"] or "Permission denied" in result["content"]
