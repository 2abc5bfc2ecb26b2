"""Nobody is asked to approve a call that cannot succeed: an Edit of a file never read, or of
text the file does not hold, fails before the permission question; a valid one is asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, socket_daemon


async def test_an_invalid_edit_is_refused_before_anyone_is_asked(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    target = project / "app.py"
    target.write_text("x = 1\n")
    edit = {"file_path": str(target), "old_string": "x = 1", "new_string": "x = 2"}
    fake.add_turns(
        Turn.tool_use("Edit", edit),  # not read yet
        Turn.tool_use("Read", {"file_path": str(target)}),
        Turn.tool_use("Edit", {**edit, "old_string": "y = 1"}),  # text not there
        Turn.tool_use("Edit", edit),  # valid: asked, allowed
        Turn.text("done"),
    )
    asked: list[dict[str, Any]] = []

    async def answer(method: str, params: Any) -> Any:
        asked.append(params)
        return {"outcome": {"outcome": "selected", "optionId": "allow_once"}}

    async with socket_daemon(daemon_env(home, fake.base_url), f"unix:{tmp_path / 's'}") as d:
        client, _ = await d.connect(on_request=answer)
        sid = (await client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "edit"}]}
        assert (await client.request("session/prompt", prompt))["stopReason"] == "end_turn"
        await client.close()

    def result(n: int) -> str:
        return json.dumps((fake.message_requests[n].body or {})["messages"][-1]["content"])

    assert "has not been read in this session" in result(1)
    assert "old_string was not found" in result(3)
    assert len(asked) == 1 and asked[0]["toolCall"]["toolName"] == "Edit"
    assert target.read_text() == "x = 2\n"
