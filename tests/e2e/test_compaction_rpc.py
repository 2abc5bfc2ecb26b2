"""Compaction in the daemon: automatic near the window, /compact on demand, and after a resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, Turn, Usage
from support.daemon import daemon_env, stdio_daemon

SUMMARY = "<summary>The user is refactoring the parser; tests pass; next: docs.</summary>"


def _prompt(sid: str, text: str) -> dict[str, Any]:
    return {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}


def _texts(message: dict[str, Any]) -> str:
    return " ".join(b.get("text", "") for b in message["content"] if b.get("type") == "text")


async def test_auto_compaction_near_the_window_and_resume(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(
        Turn.text("first answer " * 50),
        # The API reports a context close to the model's window: the next turn compacts first.
        Turn.text("second answer", usage=Usage(input_tokens=185_000, output_tokens=20)),
        Turn.text(SUMMARY),  # the summary request
        Turn.text("third answer, after compaction"),
        Turn.text("fourth answer, after a restart"),
    )
    env = daemon_env(home, fake.base_url)
    env["MODEL"] = "claude-sonnet-4-5"  # a model with a known 200K window
    async with stdio_daemon(env) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await d.client.request("session/prompt", _prompt(sid, "refactor the parser"))
        await d.client.request("session/prompt", _prompt(sid, "run the tests"))
        result = await d.client.request("session/prompt", _prompt(sid, "now write the docs for it"))
        assert result["stopReason"] == "end_turn"
        compaction = await d.updates.wait_for("compaction")
        assert compaction["update"]["trigger"] == "auto"
        assert compaction["update"]["tokensAfter"] < compaction["update"]["tokensBefore"]

        summary_request = fake.message_requests[2].body
        assert summary_request is not None
        assert "refactor the parser" in str(summary_request["messages"])
        after = fake.message_requests[3].body
        assert after is not None
        first = after["messages"][0]
        assert first["role"] == "user"
        assert "The user is refactoring the parser" in _texts(first)
        assert "now write the docs for it" in _texts(after["messages"][-1])  # kept verbatim
        assert len(after["messages"]) < 5

    async with stdio_daemon(env) as d:
        loaded = await d.client.request("session/load", {"sessionId": sid})
        result = await d.client.request("session/prompt", _prompt(sid, "thanks"))
        assert result["stopReason"] == "end_turn"
        resumed = fake.message_requests[-1].body
        assert resumed is not None
        assert "The user is refactoring the parser" in _texts(resumed["messages"][0])
        assert loaded["messageCount"] == len(resumed["messages"]) - 1


async def test_compact_command(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(Turn.text("one"), Turn.text("two"), Turn.text(SUMMARY))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await d.client.request("session/prompt", _prompt(sid, "first question"))
        await d.client.request("session/prompt", _prompt(sid, "second question"))
        result = await d.client.request(
            "session/command", {"sessionId": sid, "command": "/compact keep the numbers"}
        )
        assert result["command"] == "compact"
        assert "Compacted" in result["output"]
        summary_request = fake.message_requests[-1].body
        assert summary_request is not None
        assert "keep the numbers" in str(summary_request)
        update = await d.updates.wait_for("compaction")
        assert update["update"]["trigger"] == "manual"
