"""A tool call that needs permission reaches every attached client; the first answer wins."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import daemon_env, socket_daemon


class Answerer:
    """A client's side of permission questions: records them, answers after ``delay``."""

    def __init__(self, choice: str | None, delay: float = 0.0) -> None:
        self.choice = choice
        self.delay = delay
        self.asked: list[dict[str, Any]] = []
        self.withdrawn = 0

    async def __call__(self, method: str, params: Any) -> Any:
        assert method == "session/requestPermission"
        self.asked.append(params)
        try:
            await asyncio.sleep(self.delay)
            if self.choice is None:
                await asyncio.sleep(3600)  # never answers
        except asyncio.CancelledError:
            self.withdrawn += 1
            raise
        return {"outcome": {"outcome": "selected", "optionId": self.choice}}


async def test_first_answer_wins_and_allow_always_is_saved(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(
                    name="Bash",
                    input={"command": "echo hello > out.txt", "description": "write a file"},
                    id="tu_1",
                )
            ]
        ),
        Turn.text("done"),
        Turn(
            blocks=[
                ToolUse(
                    name="Bash",
                    input={"command": "echo hello > out.txt", "description": "again"},
                    id="tu_2",
                )
            ]
        ),
        Turn.text("done again"),
    )
    sock = home / "run" / "daemon.sock"
    async with socket_daemon(daemon_env(home, fake.base_url), f"unix:{sock}") as d:
        fast = Answerer("allow_always")
        slow = Answerer(None)  # sits on the question; it must be withdrawn
        a, _ = await d.connect(on_request=fast, name="fast")
        b, b_updates = await d.connect(on_request=slow, name="slow")
        sid = (await a.request("session/new", {"cwd": str(project)}))["sessionId"]
        await b.request("session/attach", {"sessionId": sid})

        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "write it"}]}
        result = await asyncio.wait_for(a.request("session/prompt", prompt), 30)
        assert result["stopReason"] == "end_turn"
        assert (project / "out.txt").read_text() == "hello\n"

        # Both clients were asked the same question.
        assert len(fast.asked) == 1
        assert len(slow.asked) == 1
        assert fast.asked[0]["toolCall"]["toolName"] == "Bash"
        assert fast.asked[0]["toolCall"]["input"]["command"] == "echo hello > out.txt"
        assert {o["kind"] for o in fast.asked[0]["options"]} >= {
            "allow_once",
            "allow_always",
            "reject_once",
        }
        # The other client learned it was resolved.
        resolved = await b_updates.wait_for("permission_resolved")
        assert resolved["update"]["outcome"] == "allowed"
        assert resolved["update"]["toolCallId"] == "tu_1"
        for _ in range(100):
            if slow.withdrawn:
                break
            await asyncio.sleep(0.05)
        assert slow.withdrawn == 1

        # "Allow always" landed in the project's settings.local.json ...
        local = json.loads((project / ".claude" / "settings.local.json").read_text())
        assert local["permissions"]["allow"]
        # ... and the identical call is not asked again.
        result = await asyncio.wait_for(
            a.request("session/prompt", {**prompt, "prompt": [{"type": "text", "text": "again"}]}),
            30,
        )
        assert result["stopReason"] == "end_turn"
        assert len(fast.asked) == 1
        assert len(slow.asked) == 1
        await a.close()
        await b.close()


async def test_headless_session_is_told_why(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Bash", input={"command": "touch made.txt"}, id="tu_1")]),
        Turn.text("could not"),
    )
    sock = home / "run" / "daemon.sock"
    async with socket_daemon(daemon_env(home, fake.base_url), f"unix:{sock}") as d:
        client, _ = await d.connect()  # declares no permission capability
        sid = (await client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        )
        assert not (project / "made.txt").exists()
        body = fake.message_requests[1].body
        assert body is not None
        result = body["messages"][-1]["content"][0]
        assert result["is_error"] is True
        assert "Permission needed" in result["content"]
        await client.close()


async def test_an_answer_that_changes_the_call_runs_it_changed_and_says_who(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Bash", input={"command": "touch risky.txt"}, id="tu_1")]),
        Turn.text("ok"),
    )

    async def edit(method: str, params: Any) -> Any:
        return {
            "outcome": {
                "outcome": "selected",
                "optionId": "allow_once",
                "updatedInput": {"command": "touch safer.txt"},
            }
        }

    sock = home / "run" / "daemon.sock"
    async with socket_daemon(daemon_env(home, fake.base_url), f"unix:{sock}") as d:
        client, _ = await d.connect(on_request=edit)
        sid = (await client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        )
        await client.close()
    assert (project / "safer.txt").exists() and not (project / "risky.txt").exists()
    body = fake.message_requests[1].body
    assert body is not None
    told = body["messages"][-1]["content"][0]["content"]
    assert told.startswith("The user changed this call before approving it")
    assert "safer.txt" in told
