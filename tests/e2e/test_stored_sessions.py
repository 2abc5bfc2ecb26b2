"""Sessions survive the daemon: list, load with replay, rewind, fork, export, delete, import."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon

SESSION_FIXTURES = Path(__file__).parent.parent / "sessions" / "fixtures"


def _prompt(sid: str, text: str) -> dict[str, Any]:
    return {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}


async def test_a_session_survives_a_daemon_restart(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(Turn.text("first answer"), Turn.text("second answer"), Turn.text("third answer"))
    env = daemon_env(home, fake.base_url)
    async with stdio_daemon(env) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await d.client.request("session/prompt", _prompt(sid, "Explain the build system please"))
        await d.client.request("session/prompt", _prompt(sid, "and the tests"))
        first_run = list(d.updates.items)

    async with stdio_daemon(env) as d:
        listed = await d.client.request("session/list", {"cwd": str(project)})
        assert [s["sessionId"] for s in listed["sessions"]] == [sid]
        summary = listed["sessions"][0]
        assert summary["title"] == "Explain the build system please"
        assert summary["messageCount"] == 4

        loaded = await d.client.request("session/load", {"sessionId": sid})
        assert loaded["messageCount"] == 4
        assert loaded["replayed"] == len(first_run)
        # The replay is exactly what clients saw the first time, same seqs.
        assert d.updates.items == first_run

        await d.client.request("session/prompt", _prompt(sid, "and deployment"))
        body = fake.message_requests[-1].body
        assert body is not None
        assert [m["role"] for m in body["messages"]] == ["user", "assistant"] * 2 + ["user"]
        seqs = d.updates.seqs()
        assert seqs == list(range(1, len(seqs) + 1))  # numbering continues without a gap


async def test_rewind_fork_export_delete(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    target = project / "notes.txt"
    target.write_text("original\n")
    from fake_anthropic import ToolUse

    fake.add_turns(
        Turn.text("one"),
        Turn(blocks=[ToolUse(name="Read", input={"file_path": str(target)})]),
        Turn(
            blocks=[
                ToolUse(
                    name="Edit",
                    input={
                        "file_path": str(target),
                        "old_string": "original",
                        "new_string": "changed",
                    },
                )
            ]
        ),
        Turn.text("edited"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project), "mode": "acceptEdits"}))[
            "sessionId"
        ]
        await d.client.request("session/prompt", _prompt(sid, "hello"))
        await d.client.request("session/prompt", _prompt(sid, "edit the notes"))
        assert target.read_text() == "changed\n"

        fork = await d.client.request("session/fork", {"sessionId": sid, "messages": 2})
        exported = await d.client.request("session/export", {"sessionId": sid})
        assert "edit the notes" in exported["markdown"]

        rewound = await d.client.request(
            "session/rewind", {"sessionId": sid, "messages": 1, "restoreFiles": True}
        )
        assert rewound["keptMessages"] == 2
        assert rewound["restoredFiles"] == [str(target)]
        assert target.read_text() == "original\n"
        update = await d.updates.wait_for("conversation_rewound")
        assert update["update"]["keptMessages"] == 2

        forked = await d.client.request("session/load", {"sessionId": fork["sessionId"]})
        assert forked["messageCount"] == 2

        await d.client.request("session/delete", {"sessionId": fork["sessionId"]})
        with pytest.raises(RpcError) as gone:
            await d.client.request("session/load", {"sessionId": fork["sessionId"]})
        assert gone.value.error_code == "session_not_found"


async def test_claude_code_transcripts_are_listed_and_imported(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    user_home = tmp_path / "user"
    projects = user_home / ".claude" / "projects" / "-tmp-some-project"
    projects.mkdir(parents=True)
    shutil.copy(
        SESSION_FIXTURES / "spotter_short.jsonl",
        projects / "0a1b2c3d-0000-4000-8000-000000000001.jsonl",
    )
    fake.add_turns(Turn.text("continuing"))
    env = daemon_env(home, fake.base_url)
    env["HOME"] = str(user_home)
    async with stdio_daemon(env) as d:
        listed = await d.client.request("session/list", {"source": "claude-code"})
        assert len(listed["sessions"]) == 1
        entry = listed["sessions"][0]
        assert entry["source"] == "claude-code"
        assert entry["messageCount"] > 0
        loaded = await d.client.request(
            "session/load", {"sessionId": entry["sessionId"], "source": "claude-code"}
        )
        assert loaded["sessionId"] != entry["sessionId"]  # a copy of ours
        assert loaded["messageCount"] > 0
        assert loaded["replayed"] > 0
        if loaded["cwd"] and Path(loaded["cwd"]).is_dir():
            result = await asyncio.wait_for(
                d.client.request("session/prompt", _prompt(loaded["sessionId"], "go on")), 30
            )
            assert result["stopReason"] == "end_turn"
        ours = await d.client.request("session/list", {})
        assert loaded["sessionId"] in [s["sessionId"] for s in ours["sessions"]]


async def test_sessions_without_a_prompt_are_not_listed(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(Turn.text("hi"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        empty = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        used = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        await d.client.request("session/prompt", _prompt(used, "hello"))
        listed = await d.client.request("session/list", {"cwd": str(project)})
        ids = [s["sessionId"] for s in listed["sessions"]]
        assert ids == [used]
        assert empty not in ids
