"""Slash commands, autocomplete and path completion over the wire."""

from __future__ import annotations

from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from claude_server.provider import model_info
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    skill = project / ".claude" / "skills" / "shout"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\nname: shout\ndescription: Say it loudly\nargument-hint: [words]\n"
        "allowed-tools: Bash(echo:*)\n---\nSay $ARGUMENTS in capitals.\n"
    )
    (project / "src").mkdir()
    (project / "src" / "server_app.py").write_text("print('hi')\n")
    return project


async def test_commands_list_search_and_run(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    fake.add_turns(Turn.text("HELLO THERE"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]

        listed = await d.client.request("commands/list", {"sessionId": sid})
        names = {c["name"]: c for c in listed["commands"]}
        assert {"help", "model", "think", "clear", "vim"} <= set(names)
        assert names["vim"]["runsIn"] == "client"
        assert names["shout"]["source"] == "skill"
        assert names["shout"]["argumentHint"] == "[words]"

        found = await d.client.request("files/search", {"cwd": str(project), "query": "srvapp"})
        assert found["matches"][0]["path"] == "src/server_app.py"

        model = await d.client.request(
            "session/command", {"sessionId": sid, "command": "/model haiku"}
        )
        assert model["command"] == "model"
        assert "haiku" in model["output"]
        changed = await d.updates.wait_for("model_changed")
        assert "haiku" in changed["update"]["model"]

        think = await d.client.request("session/command", {"sessionId": sid, "command": "/think"})
        assert "adaptive" in think["output"]

        with pytest.raises(RpcError) as unknown:
            await d.client.request("session/command", {"sessionId": sid, "command": "/modle"})
        assert unknown.value.error_code == "command_failed"
        assert "/model" in unknown.value.message

        shout = await d.client.request(
            "session/command", {"sessionId": sid, "command": "/shout hello there"}
        )
        assert shout["stopReason"] == "end_turn"
        body = fake.message_requests[-1].body
        assert body is not None
        assert body["messages"][0]["content"][-1]["text"] == "Say hello there in capitals."
        # /think asks for adaptive thinking; a model that only takes a budget gets one instead.
        info = model_info(changed["update"]["model"])
        assert info is not None
        wanted = "adaptive" if info.supports_adaptive_thinking else "enabled"
        assert body["thinking"]["type"] == wanted
        system = (
            body["system"]
            if isinstance(body["system"], str)
            else " ".join(b["text"] for b in body["system"])
        )
        assert "shout" in system  # skills are listed for the model

        usage = await d.client.request("session/command", {"sessionId": sid, "command": "/usage"})
        assert "output" in usage["output"]
        cleared = await d.client.request("session/command", {"sessionId": sid, "command": "/clear"})
        assert cleared["output"] == "Conversation cleared."
