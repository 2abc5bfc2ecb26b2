"""Hook inputs as Claude Code sends them, recorded by real hook commands through the daemon:
a real transcript_path, PostToolUse after a success and PostToolUseFailure (with the error)
after a failure."""

from __future__ import annotations

import json
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder


async def test_post_tool_hooks_and_the_transcript(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    log = tmp_path / "hooks.jsonl"
    record = {"type": "command", "command": f"(cat; echo) >> {log}"}
    hooks = {event: [{"hooks": [record]}] for event in ("PostToolUse", "PostToolUseFailure")}
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": hooks, "permissions": {"allow": ["Bash"]}})
    )
    trust_folder(home, project)
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "echo fine"}),
        Turn.tool_use("Read", {"file_path": str(project / "missing.txt")}),
        Turn.text("done"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        assert (await d.client.request("session/prompt", prompt))["stopReason"] == "end_turn"

    success, failure = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert success["hook_event_name"] == "PostToolUse" and success["tool_name"] == "Bash"
    assert "fine" in json.dumps(success["tool_response"]) and "error" not in success
    assert failure["hook_event_name"] == "PostToolUseFailure" and failure["tool_name"] == "Read"
    assert "missing.txt" in failure["error"] and "tool_response" not in failure
    for entry in (success, failure):
        assert entry["session_id"] == sid
        transcript = Path(entry["transcript_path"])
        assert transcript.is_file() and transcript.name == f"{sid}.jsonl"
