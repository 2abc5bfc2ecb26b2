"""Workspace trust through the real programs: a freshly cloned repository runs nothing of its own
(MCP servers, hooks, allow rules) under ``claude-py -p`` until ``claude-py trust``, and its MCP
servers only once enabled; ``/trust`` and ``workspace/*`` do the same for an open session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon

CLI = [sys.executable, "-m", "claude_cli"]
DEMO_SERVER = Path(__file__).resolve().parent.parent / "mcp" / "demo_server.py"


def _cloned_repo(root: Path) -> Path:
    """A repository as an attacker would publish it: an MCP server, a hook and an allow rule
    that each leave a marker file when they run, and a deny rule."""
    repo = root / "repo"
    (repo / ".claude").mkdir(parents=True)
    marker = f"touch {root / 'mcp-ran'}; exec {sys.executable} {DEMO_SERVER}"
    (repo / ".mcp.json").write_text(
        json.dumps({"mcpServers": {"demo": {"command": "sh", "args": ["-c", marker]}}})
    )
    hook = {"type": "command", "command": f"touch {root / 'hook-ran'}"}
    (repo / ".claude" / "settings.json").write_text(
        json.dumps(
            {
                "permissions": {"allow": ["Bash(touch *)"], "deny": ["Read(secret.txt)"]},
                "hooks": {"UserPromptSubmit": [{"hooks": [hook]}]},
                "env": {"FROM_REPO": "1"},
            }
        )
    )
    (repo / "secret.txt").write_text("top secret\n")
    return repo


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=90
    )


def _script_turn(fake: FakeAnthropic) -> None:
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "touch made.txt"}),
        Turn.tool_use("Read", {"file_path": "secret.txt"}),
        Turn.text("done"),
    )


def test_print_mode_in_a_cloned_repo_runs_nothing_of_it_until_trusted(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    repo = _cloned_repo(tmp_path)
    env = daemon_env(home, fake.base_url)

    _script_turn(fake)
    first = _cli(["-p", "hi"], env, repo)
    assert first.returncode == 0, first.stderr
    assert not (tmp_path / "mcp-ran").exists()
    assert not (tmp_path / "hook-ran").exists()
    assert not (repo / "made.txt").exists()  # the repo's allow rule did not apply
    notice = [line for line in first.stderr.splitlines() if "not trusted" in line]
    assert len(notice) == 1, first.stderr
    assert "permissions.allow (1 rule)" in notice[0] and "hooks" in notice[0]
    assert "MCP server demo" in notice[0] and "claude-py trust" in notice[0]
    tools = [t["name"] for t in (fake.message_requests[0].body or {}).get("tools", [])]
    assert not any(name.startswith("mcp__") for name in tools)
    read_result = json.dumps((fake.message_requests[2].body or {})["messages"][-1])
    assert "top secret" not in read_result  # the deny rule still applies

    trusted = _cli(["trust"], env, repo)
    assert trusted.returncode == 0, trusted.stderr
    assert f"Trusted {repo}" in trusted.stdout
    assert "demo" in trusted.stdout and "--enable-mcp" in trusted.stdout
    store = home / "trusted-folders.json"
    assert os.stat(store).st_mode & 0o777 == 0o600

    _script_turn(fake)
    second = _cli(["-p", "hi"], env, repo)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "hook-ran").exists()
    assert (repo / "made.txt").exists()
    assert not (tmp_path / "mcp-ran").exists()  # trusted, but the server was never enabled
    assert "not trusted" not in second.stderr
    assert "MCP servers of this project are not enabled: demo" in second.stderr

    enabled = _cli(["trust", str(repo), "--enable-mcp"], env, tmp_path)
    assert enabled.returncode == 0, enabled.stderr
    local = json.loads((repo / ".claude" / "settings.local.json").read_text())
    assert local["enabledMcpjsonServers"] == ["demo"]
    fake.add_turns(Turn.text("with tools"))
    third = _cli(["-p", "hi"], env, repo)
    assert third.returncode == 0, third.stderr
    assert (tmp_path / "mcp-ran").exists()
    tools = [t["name"] for t in (fake.message_requests[-1].body or {}).get("tools", [])]
    assert "mcp__demo__add" in tools

    revoked = _cli(["trust", "--revoke"], env, repo)
    assert revoked.returncode == 0 and "no longer trusted" in revoked.stdout
    assert str(repo) not in store.read_text()


def test_trust_subcommand_errors_are_one_line(home: Path, tmp_path: Path) -> None:
    env = daemon_env(home)
    missing = _cli(["trust", str(tmp_path / "nope")], env, tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"claude-py: error: {tmp_path / 'nope'} is not a directory"
    ]
    both = _cli(["trust", "--revoke", "--enable-mcp"], env, tmp_path)
    assert both.returncode == 2 and "cannot be used together" in both.stderr


async def test_slash_trust_applies_to_the_open_session(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    repo = _cloned_repo(tmp_path)
    fake.add_turns(Turn.text("one"), Turn.text("two"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        status = await d.client.request("workspace/status", {"cwd": str(repo)})
        assert status["trusted"] is False
        assert any(".claude/settings.json" in line for line in status["ignored"])
        created = await d.client.request("session/new", {"cwd": str(repo)})
        assert created["workspace"]["notice"] == status["notice"]
        sid = created["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "hi"}]}
        await d.client.request("session/prompt", prompt)
        assert not (tmp_path / "hook-ran").exists()
        listing = await d.client.request(
            "session/command", {"sessionId": sid, "command": "/permissions"}
        )
        assert "Bash(touch *)" not in listing["output"]
        assert "not trusted" in listing["output"]

        done = await d.client.request("session/command", {"sessionId": sid, "command": "/trust"})
        assert f"Trusted {repo}" in done["output"]
        assert "MCP servers of this project are not enabled: demo" in done["output"]
        await d.client.request("session/prompt", prompt)
        assert (tmp_path / "hook-ran").exists()
        assert not (tmp_path / "mcp-ran").exists()

        with pytest.raises(RpcError, match="takes no argument or `mcp`"):
            await d.client.request(
                "session/command", {"sessionId": sid, "command": "/trust everything"}
            )
