"""A six-turn task through the real daemon and real tools: Glob, Read, Grep, Edit, Bash, text."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder


async def test_six_turn_task(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    app = project / "pkg" / "app.py"
    app.write_text("def greet():\n    return 'helo'\n")
    fake.add_turns(
        Turn.tool_use("Glob", {"pattern": "**/*.py"}),
        Turn.tool_use("Read", {"file_path": str(app)}),
        Turn.tool_use("Grep", {"pattern": "helo", "output_mode": "content"}),
        Turn.tool_use(
            "Edit", {"file_path": str(app), "old_string": "'helo'", "new_string": "'hello'"}
        ),
        Turn.tool_use(
            "Bash",
            {
                "command": "python3 -c 'import pkg.app as a; print(a.greet())'",
                "description": "run it",
            },
        ),
        Turn.text("Fixed the typo; greet() now returns 'hello'."),
    )
    trust_folder(home, project)
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project), "mode": "acceptEdits"}))[
            "sessionId"
        ]
        # acceptEdits allows the edit; Bash would ask, so it is allowed for this session by rule.
        (project / ".claude").mkdir()
        (project / ".claude" / "settings.json").write_text(
            '{"permissions": {"allow": ["Bash(python3 *)"]}}'
        )
        result = await asyncio.wait_for(
            d.client.request(
                "session/prompt",
                {"sessionId": sid, "prompt": [{"type": "text", "text": "fix the typo"}]},
            ),
            60,
        )
        assert result["stopReason"] == "end_turn"
        assert app.read_text() == "def greet():\n    return 'hello'\n"

        results = []
        for request in fake.message_requests[1:]:
            assert request.body is not None
            block = request.body["messages"][-1]["content"][0]
            results.append(block)
        glob, read, grep, edit, bash = results
        assert "pkg/app.py" in glob["content"]
        assert "return 'helo'" in read["content"]
        assert "helo" in grep["content"]
        assert not edit.get("is_error")
        assert "hello" in bash["content"]
        assert not bash.get("is_error"), bash

        updates = [u["update"] for u in d.updates.items]
        calls = [u["toolCall"]["toolName"] for u in updates if u["kind"] == "tool_call"]
        assert calls == ["Glob", "Read", "Grep", "Edit", "Bash"]
        done = [
            u for u in updates if u["kind"] == "tool_call_update" and u["status"] == "completed"
        ]
        assert len(done) == 5
        diffs = [c for u in done for c in u["content"] if c["type"] == "diff"]
        assert diffs[0]["oldText"].endswith("'helo'\n")
        assert diffs[0]["newText"].endswith("'hello'\n")
        terminal = [c for u in done for c in u["content"] if c["type"] == "terminal"]
        assert "hello" in terminal[0]["output"]


async def test_denied_and_failing_tools_go_back_as_errors(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".claude").mkdir()
    (project / ".claude" / "settings.json").write_text('{"permissions": {"deny": ["Bash(rm *)"]}}')
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(
                    name="Read", input={"file_path": str(project / "missing.txt")}, id="tu_read"
                ),
                ToolUse(name="Bash", input={"command": "rm -rf /tmp/nothing-here"}, id="tu_rm"),
                ToolUse(name="Edit", input={"file_path": str(project / "x.txt")}, id="tu_bad"),
            ]
        ),
        Turn.text("ok"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (
            await d.client.request(
                "session/new", {"cwd": str(project), "mode": "bypassPermissions"}
            )
        )["sessionId"]
        await d.client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        )
        body = fake.message_requests[1].body
        assert body is not None
        results = {b["tool_use_id"]: b for b in body["messages"][-1]["content"]}
        assert all(r["is_error"] is True for r in results.values())
        assert (
            "does not exist" in results["tu_read"]["content"]
            or "No such" in results["tu_read"]["content"]
        )
        assert "denied" in results["tu_rm"]["content"]
        assert "old_string" in results["tu_bad"]["content"]


async def test_one_connection_carries_every_model_request(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "echo one"}),
        Turn.tool_use("Bash", {"command": "echo two"}),
        Turn.text("done"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (
            await d.client.request(
                "session/new", {"cwd": str(tmp_path), "mode": "bypassPermissions"}
            )
        )["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"
    assert len(fake.message_requests) == 3
    assert fake.connections_opened == 1  # the stream is read to its end: keep-alive works
