"""Hook inputs as Claude Code sends them, recorded by real hook commands through the daemon:
a real transcript_path, PostToolUse after a success and PostToolUseFailure (with the error)
after a failure, PostCompact with the summary, StopFailure when the API refuses a turn,
SubagentStart with its context for the sub-agent, PermissionRequest answering for the user."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, HttpError, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder


def _recording_project(
    home: Path, tmp_path: Path, events: tuple[str, ...], **settings: object
) -> tuple[Path, Path]:
    """A trusted project whose hooks for ``events`` append their input to a log (one JSON a
    line); returns the project and the log."""
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    log = tmp_path / "hooks.jsonl"
    record = {"type": "command", "command": f"(cat; echo) >> {log}"}
    hooks = {event: [{"hooks": [record]}] for event in events}
    (project / ".claude" / "settings.json").write_text(json.dumps({"hooks": hooks, **settings}))
    trust_folder(home, project)
    return project, log


def _logged(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


async def test_post_tool_hooks_and_the_transcript(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project, log = _recording_project(
        home, tmp_path, ("PostToolUse", "PostToolUseFailure"), permissions={"allow": ["Bash"]}
    )
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "echo fine"}),
        Turn.tool_use("Read", {"file_path": str(project / "missing.txt")}),
        Turn.text("done"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"

    success, failure = _logged(log)
    assert success["hook_event_name"] == "PostToolUse" and success["tool_name"] == "Bash"
    assert "fine" in json.dumps(success["tool_response"]) and "error" not in success
    assert failure["hook_event_name"] == "PostToolUseFailure" and failure["tool_name"] == "Read"
    assert "missing.txt" in failure["error"] and "tool_response" not in failure
    for entry in (success, failure):
        assert entry["session_id"] == sid
        transcript = Path(entry["transcript_path"])
        assert transcript.is_file() and transcript.name == f"{sid}.jsonl"


async def test_post_compact_and_stop_failure_hooks(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    _, log = _recording_project(home, tmp_path, ("PostCompact", "StopFailure"))
    project = tmp_path / "project"
    summary = "<summary>The user asked two questions about the parser.</summary>"
    fake.add_turns(
        Turn.text("one"),
        Turn.text("two"),
        Turn.text(summary),
        Turn.error(HttpError(400, "invalid_request_error", "prompt is too long")),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        for text in ("first question", "second question"):
            prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}
            await d.client.request("session/prompt", prompt)
        command = {"sessionId": sid, "command": "/compact"}
        assert "Compacted" in (await d.client.request("session/command", command))["output"]
        failing = {"sessionId": sid, "prompt": [{"type": "text", "text": "third"}]}
        with pytest.raises(RpcError):
            await d.client.request("session/prompt", failing)

    compacted, failed = _logged(log)
    assert compacted["hook_event_name"] == "PostCompact" and compacted["trigger"] == "manual"
    assert "two questions about the parser" in compacted["compact_summary"]
    assert failed["hook_event_name"] == "StopFailure"
    assert failed["error"] and "prompt is too long" in failed["error_details"]
    assert isinstance(failed["last_assistant_message"], str)
    assert {compacted["session_id"], failed["session_id"]} == {sid}


async def test_subagent_start_hook_adds_context_to_the_sub_agent(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    log = tmp_path / "hooks.jsonl"
    answer = json.dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "SubagentStart",
                "additionalContext": "Follow the security guidelines.",
            }
        }
    )
    script = tmp_path / "start.sh"
    script.write_text(f"#!/bin/sh\n(cat; echo) >> {log}\necho '{answer}'\n")
    script.chmod(0o755)
    group = {"matcher": "general-purpose", "hooks": [{"type": "command", "command": str(script)}]}
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": {"SubagentStart": [group]}})
    )
    trust_folder(home, project)
    fake.add_turns(
        Turn.tool_use("Task", {"description": "look around", "prompt": "list the files"}),
        Turn.text("nothing here"),
        Turn.text("done"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"

    (started,) = _logged(log)
    assert started["hook_event_name"] == "SubagentStart" and started["session_id"] == sid
    assert started["agent_type"] == "general-purpose" and started["agent_id"].startswith("agent-")
    sub_request = fake.message_requests[1].body
    assert sub_request is not None
    assert "Follow the security guidelines." in json.dumps(sub_request["system"])
    main_request = fake.message_requests[0].body
    assert main_request is not None
    assert "Follow the security guidelines." not in json.dumps(main_request["system"])


async def test_permission_request_hook_answers_for_the_user(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    log = tmp_path / "hooks.jsonl"
    # Bash is allowed with a safer command; Write is refused with a message for the model.
    script = tmp_path / "decide.py"
    script.write_text(
        "import json, sys\n"
        "data = json.load(sys.stdin)\n"
        f"open({str(log)!r}, 'a').write(json.dumps(data) + '\\n')\n"
        "if data['tool_name'] == 'Bash':\n"
        "    decision = {'behavior': 'allow', 'updatedInput': {'command': 'echo safer'}}\n"
        "else:\n"
        "    decision = {'behavior': 'deny', 'message': 'no writes today'}\n"
        "print(json.dumps({'hookSpecificOutput': {'hookEventName': 'PermissionRequest',"
        " 'decision': decision}}))\n"
    )
    command = {"type": "command", "command": f"{sys.executable} {script}"}
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": {"PermissionRequest": [{"hooks": [command]}]}})
    )
    trust_folder(home, project)
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "echo risky"}),
        Turn.tool_use("Write", {"file_path": str(project / "x.txt"), "content": "x"}),
        Turn.text("done"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"

    asked = _logged(log)
    assert [a["tool_name"] for a in asked] == ["Bash", "Write"]
    assert asked[0]["hook_event_name"] == "PermissionRequest"
    assert asked[0]["tool_input"] == {"command": "echo risky"}
    assert asked[0]["permission_mode"] == "default"
    bash_result = fake.message_requests[1].body
    write_result = fake.message_requests[2].body
    assert bash_result is not None and write_result is not None
    assert "safer" in json.dumps(bash_result["messages"][-1]) and "risky" not in json.dumps(
        bash_result["messages"][-1]["content"][0].get("content", "")
    )
    # The model learns who changed its call: the hook, not the user.
    bash_text = json.dumps(bash_result["messages"][-1]["content"][0].get("content", ""))
    assert "A PermissionRequest hook changed this call" in bash_text
    assert "The user changed" not in bash_text
    assert "no writes today" in json.dumps(write_result["messages"][-1])
    assert not (project / "x.txt").exists()
