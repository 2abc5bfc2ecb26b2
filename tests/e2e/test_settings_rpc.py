"""Settings files reach the daemon: the project's model, the user's apiKeyHelper, hooks."""

from __future__ import annotations

import json
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder


async def test_project_model_and_user_key_helper(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    user_home = tmp_path / "user"
    (user_home / ".claude").mkdir(parents=True)
    helper = user_home / "key.sh"
    helper.write_text("#!/bin/sh\necho sk-from-the-helper\n")
    helper.chmod(0o755)
    (user_home / ".claude" / "settings.json").write_text(json.dumps({"apiKeyHelper": str(helper)}))
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"model": "claude-project-model"})
    )
    (project / "CLAUDE.md").write_text("Always answer in French.\n")

    fake.add_turns(Turn.text("Bonjour"))
    env = daemon_env(home, fake.base_url, api_key=None)
    env["HOME"] = str(user_home)
    async with stdio_daemon(env) as d:
        created = await d.client.request("session/new", {"cwd": str(project)})
        assert created["model"] == "claude-project-model"
        status = await d.client.request("auth/status")
        assert status["source"] == "apiKeyHelper"
        await d.client.request(
            "session/prompt",
            {"sessionId": created["sessionId"], "prompt": [{"type": "text", "text": "hi"}]},
        )
    request = fake.message_requests[0]
    assert request.headers["x-api-key"] == "sk-from-the-helper"
    assert request.body is not None
    assert request.body["model"] == "claude-project-model"
    system = request.body["system"]
    text = system if isinstance(system, str) else " ".join(b["text"] for b in system)
    assert "Always answer in French." in text


async def test_settings_edits_apply_without_restart(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    from fake_anthropic import ToolUse

    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    settings = project / ".claude" / "settings.json"
    settings.write_text(json.dumps({"permissions": {"allow": ["Bash(touch *)"]}}))
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Bash", input={"command": "touch one.txt"})]),
        Turn.text("made one"),
        Turn(blocks=[ToolUse(name="Bash", input={"command": "touch two.txt"})]),
        Turn.text("could not make two"),
    )
    trust_folder(home, project)
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "make a file"}]}
        await d.client.request("session/prompt", prompt)
        assert (project / "one.txt").exists()
        settings.write_text(json.dumps({"permissions": {"deny": ["Bash(touch *)"]}}))
        await d.client.request("session/prompt", prompt)
        assert not (project / "two.txt").exists()
        body = fake.message_requests[-1].body
        assert body is not None
        assert "denied" in body["messages"][-1]["content"][0]["content"]


async def test_settings_env_reaches_bash(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    from fake_anthropic import ToolUse

    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"env": {"GREETING": "bonjour"}, "permissions": {"allow": ["Bash(echo *)"]}})
    )
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Bash", input={"command": "echo $GREETING"})]), Turn.text("ok")
    )
    trust_folder(home, project)
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await d.client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "greet"}]}
        )
    body = fake.message_requests[-1].body
    assert body is not None
    assert "bonjour" in body["messages"][-1]["content"][0]["content"]
