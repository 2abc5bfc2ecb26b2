"""The Skill tool through a real daemon: the model loads a skill's body (arguments substituted),
its allowed-tools hold for the rest of that turn only, and a skill the user alone may run is
refused with the list of those the model may load."""

from __future__ import annotations

import json
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder


def _skills(project: Path) -> None:
    deploy = project / ".claude" / "skills" / "deploy"
    deploy.mkdir(parents=True)
    (deploy / "SKILL.md").write_text(
        "---\nname: deploy\ndescription: Ship the app to an environment\n"
        "allowed-tools: Bash(echo deployed *)\n---\nDeploy to $ARGUMENTS with `echo deployed`.\n"
    )
    secret = project / ".claude" / "skills" / "nuke"
    secret.mkdir(parents=True)
    (secret / "SKILL.md").write_text(
        "---\nname: nuke\ndescription: Wipe everything\ndisable-model-invocation: true\n---\nNo.\n"
    )


def _result(body: dict[str, object] | None) -> str:
    assert body is not None
    messages = body["messages"]
    assert isinstance(messages, list)
    return json.dumps(messages[-1]["content"])


async def test_the_model_loads_a_skill_and_its_grant_lasts_one_turn(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    _skills(project)
    trust_folder(home, project)
    fake.add_turns(
        Turn.tool_use("Skill", {"skill": "deploy", "args": "staging"}),
        Turn.tool_use("Bash", {"command": "echo deployed staging"}),
        Turn.text("Deployed."),
        Turn.tool_use("Bash", {"command": "echo deployed again"}),
        Turn.tool_use("Skill", {"skill": "nuke"}),
        Turn.text("Stopped."),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        for text in ("deploy it", "again"):
            prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}
            assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"

    first = fake.message_requests[0].body or {}
    assert "Skill" in [t["name"] for t in first["tools"]]
    system = json.dumps(first["system"])
    assert "deploy" in system and "nuke" not in system  # only model-invocable skills are listed
    loaded = _result(fake.message_requests[1].body)
    assert "Deploy to staging with" in loaded
    ran = _result(fake.message_requests[2].body)
    assert "deployed staging" in ran and '"is_error": true' not in ran
    # The next turn: the grant is gone, and nobody can approve the call.
    again = _result(fake.message_requests[4].body)
    assert '"is_error": true' in again and "Permission needed" in again
    refused = _result(fake.message_requests[5].body)
    assert "may only be run by the user" in refused and "deploy" in refused
