"""Every daemon slash command, run for real against a project with git, settings and memory."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder


def _git_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    run = lambda *a: subprocess.run(["git", *a], cwd=project, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("config", "user.email", "t@example.invalid")
    run("config", "user.name", "T")
    (project / "app.py").write_text("x = 1\n")
    run("add", ".")
    run("commit", "-qm", "start")
    (project / "app.py").write_text("x = 2\n")
    (project / "CLAUDE.md").write_text("Use tabs.\n")
    (project / ".claude").mkdir()
    (project / ".claude" / "settings.json").write_text(
        '{"permissions": {"allow": ["Bash(git status)"]}}'
    )
    return project


async def test_commands(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = _git_project(tmp_path)
    fake.add_turns(Turn.text("review: x changed"), Turn.text("committed"), Turn.text("planned"))
    trust_folder(home, project)
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]

        async def run(line: str) -> dict[str, Any]:
            return await d.client.request("session/command", {"sessionId": sid, "command": line})

        assert "/model" in (await run("/help"))["output"]
        assert "-x = 1" in (await run("/diff"))["output"]
        status = (await run("/status"))["output"]
        assert f"`{sid}`" in status and str(project) in status
        assert "(3 changed files)" in status  # app.py, CLAUDE.md and .claude
        assert "Permission mode**: `default`" in status and "settings.json" in status
        assert "CLAUDE.md" in status and "MCP servers**: none" in status
        assert "Use tabs." in (await run("/memory"))["output"]
        config = (await run("/config"))["output"]
        assert "settings.json" in config and "Bash(git status)" in config
        assert "Bash(git status)" in (await run("/permissions"))["output"]
        assert "claude-py" in (await run("/version"))["output"]
        doctor = (await run("/doctor"))["output"]
        assert "credential" in doctor and "ripgrep" in doctor

        assert "acceptEdits" in (await run("/mode"))["output"]  # cycles from default
        assert "bypassPermissions" in (await run("/mode bypassPermissions"))["output"]
        with pytest.raises(RpcError):
            await run("/mode sideways")

        fast_on = (await run("/fast"))["output"]
        assert fast_on.startswith("Fast mode on: model `claude-haiku")
        fast_off = (await run("/fast"))["output"]
        assert fast_off.startswith("Fast mode off: model ")
        assert "haiku" not in fast_off
        assert "high" in (await run("/effort high"))["output"]
        with pytest.raises(RpcError):
            await run("/effort extreme")

        assert "Pinned" in (await run("/add app.py"))["output"]
        assert "app.py" in (await run("/files"))["output"]
        with pytest.raises(RpcError) as missing:
            await run("/add nope.txt")
        assert missing.value.error_code == "command_failed"

        review = await run("/review")
        assert review["stopReason"] == "end_turn"
        request = fake.message_requests[-1].body
        assert request is not None
        texts = [b.get("text", "") for b in request["messages"][-1]["content"]]
        assert any("Review the uncommitted changes" in t for t in texts)
        assert any("x = 2" in t for t in texts)  # the pinned file travels with the message

        assert (await run("/commit"))["stopReason"] == "end_turn"

        def modes() -> list[str]:
            return [
                u["update"]["mode"]
                for u in d.updates.items
                if u["update"]["kind"] == "mode_changed"
            ]

        before = len(modes())
        plan = await run("/plan sketch the refactor")
        assert plan["stopReason"] == "end_turn"
        assert modes()[before:] == ["plan"]  # /plan really switched to plan mode

        usage = (await run("/usage"))["output"]
        assert "input" in usage and "estimated cost" in usage
        export = (await run("/export"))["output"]
        assert "sketch the refactor" in export
        rewind = (await run("/rewind 1"))["output"]
        assert "Rewound" in rewind
        login = (await run("/login"))["output"]
        assert "Credential source" in login
        assert "no stored key" in (await run("/logout"))["output"]

        with pytest.raises(RpcError) as client_side:
            await run("/vim")
        assert "client" in client_side.value.message


async def test_diff_outside_git_and_before_the_first_commit(home: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    subprocess.run(["git", "init", "-q", str(fresh)], check=True)
    (fresh / "new.py").write_text("x = 1\n")
    async with stdio_daemon(daemon_env(home)) as d:

        async def diff(cwd: Path) -> dict[str, Any]:
            sid = (await d.client.request("session/new", {"cwd": str(cwd)}))["sessionId"]
            return await d.client.request("session/command", {"sessionId": sid, "command": "/diff"})

        with pytest.raises(RpcError) as outside:
            await diff(plain)
        assert outside.value.message == (
            f"/diff shows git changes, and {plain} is not in a git repository."
        )
        assert "usage" not in outside.value.message
        first = await diff(fresh)
        assert first["output"].startswith("No commit yet")
        assert "new.py" in first["output"]


async def test_export_to_a_file_never_overwrites(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("the answer"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(tmp_path)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "a question"}]}
        await d.client.request("session/prompt", prompt)

        async def run(line: str) -> dict[str, Any]:
            return await d.client.request("session/command", {"sessionId": sid, "command": line})

        saved = await run("/export chat.md")
        target = tmp_path / "chat.md"
        assert saved["output"] == f"Saved the conversation to {target}."
        text = target.read_text()
        assert "a question" in text and "the answer" in text
        assert target.stat().st_mode & 0o077 == 0
        with pytest.raises(RpcError, match="already exists"):
            await run("/export chat.md")
        assert target.read_text() == text
        with pytest.raises(RpcError, match="is a folder"):
            await run(f"/export {tmp_path}")
        assert "the answer" in (await run("/export"))["output"]


async def test_clear_empties_the_task_list(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    todos = [{"content": "write tests", "status": "pending", "activeForm": "Writing tests"}]
    fake.add_turns(Turn.tool_use("TodoWrite", {"todos": todos}), Turn.text("planned"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(tmp_path)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "plan"}]}
        await d.client.request("session/prompt", prompt)
        plans = [u for u in d.updates.items if u["update"]["kind"] == "plan"]
        assert plans and plans[-1]["update"]["entries"][0]["content"] == "write tests"
        await d.client.request("session/command", {"sessionId": sid, "command": "/clear"})
        await d.updates.wait_for("conversation_rewound")
        plans = [u for u in d.updates.items if u["update"]["kind"] == "plan"]
        assert plans[-1]["update"]["entries"] == []


async def test_todos_bashes_and_cost(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    todos = [{"content": "ship it", "status": "in_progress", "activeForm": "Shipping"}]
    fake.add_turns(
        Turn.tool_use("TodoWrite", {"todos": todos}),
        Turn.tool_use("Bash", {"command": "sleep 30", "run_in_background": True}),
        Turn.text("started"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        new = {"cwd": str(tmp_path), "mode": "bypassPermissions"}
        sid = (await d.client.request("session/new", new))["sessionId"]

        async def run(line: str) -> str:
            result = await d.client.request("session/command", {"sessionId": sid, "command": line})
            return str(result["output"])

        assert await run("/todos") == "The task list is empty."
        assert await run("/bashes") == "No background shells in this session."
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        await d.client.request("session/prompt", prompt)
        assert "[in_progress] ship it" in await run("/todos")
        shells = await run("/bashes")
        assert "running - sleep 30" in shells
        cost = await run("/cost")
        assert cost.startswith("Session usage:") and "estimated cost $" in cost


async def test_hooks_and_agents_list_what_the_project_configures(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text(
        '{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": '
        '[{"type": "command", "command": "./check-bash.sh"}]}],'
        ' "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]}}'
    )
    (project / ".claude" / "agents" / "tester.md").write_text(
        "---\nname: tester\ndescription: Runs the tests\ntools: [Bash, Read]\n---\nRun them.\n"
    )
    trust_folder(home, project)
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]

        async def run(line: str) -> str:
            reply = await d.client.request("session/command", {"sessionId": sid, "command": line})
            return str(reply["output"])

        before = await run("/context")
        assert "| Messages | 0 |" in before and "| MCP tools | 0 |" in before
        fake.add_turns(Turn.text("ok " * 2000))
        await d.client.request(
            "session/prompt",
            {"sessionId": sid, "prompt": [{"type": "text", "text": "hello " * 4000}]},
        )
        after = await run("/context")
        messages = int(after.split("| Messages | ")[1].split(" |")[0].replace(",", ""))
        assert messages > 5000  # 24,000 characters in and 6,000 out, about four a token
        assert " tokens (" in after and "| Built-in tools |" in after

        hooks = await run("/hooks")
        pre = hooks.index("**PreToolUse** `Bash`: command `./check-bash.sh`")
        assert pre < hooks.index("**Stop**: command `notify-send done`")
        agents = await run("/agents")
        assert "| `tester` |" in agents and "Bash, Read" in agents and "Runs the tests" in agents
        assert "| `general-purpose` | built-in |" in agents
        with pytest.raises(RpcError) as extra:
            await run("/hooks everything")
        assert "takes no argument" in extra.value.message

    empty = tmp_path / "empty"
    empty.mkdir()
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(empty)}))["sessionId"]
        reply = await d.client.request("session/command", {"sessionId": sid, "command": "/hooks"})
        assert reply["output"].startswith("No hooks are configured.")


async def test_add_dir_lets_the_session_edit_another_directory(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    other = tmp_path / "shared-lib"
    other.mkdir()
    target = other / "notes.txt"
    write = Turn.tool_use("Write", {"file_path": str(target), "content": "hi\n"})
    fake.add_turns(write, Turn.text("could not"), write, Turn.text("wrote it"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]

        async def run(line: str) -> str:
            reply = await d.client.request("session/command", {"sessionId": sid, "command": line})
            return str(reply["output"])

        await run("/mode acceptEdits")
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "write the notes"}]}
        await d.client.request("session/prompt", prompt)
        assert not target.exists()  # outside the project: acceptEdits does not cover it
        assert "Permission needed" in str(fake.message_requests[1].body)

        assert f"Added {other}" in await run("/add-dir ../shared-lib")
        assert "already" in await run(f"/add-dir {other}")
        assert str(other) in await run("/add-dir")
        with pytest.raises(RpcError) as missing:
            await run("/add-dir ../nowhere")
        assert "is not a directory" in missing.value.message

        await d.client.request("session/prompt", prompt)
        assert target.read_text() == "hi\n"
