"""The daemon's credential does not reach what the model runs: not a Bash command's environment,
not ``/proc/$PPID/environ``, not an MCP server (unless its definition passes it on purpose), and
so never the session file either.

``/proc`` protection only means something for a non-root user (root reads every process), so
when the suite runs as root the daemon is started as ``nobody`` through ``setpriv``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder

SECRET = "sk-ant-api03-reliability-canary-7f3a9c"
DEMO_SERVER = Path(__file__).resolve().parent.parent / "mcp" / "demo_server.py"
NOBODY = 65534


def _prefix() -> tuple[str, ...]:
    if os.getuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv is needed to run the daemon as a non-root user")
    prefix = (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import claude_server"], check=False, capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("user nobody cannot run this checkout's Python (its folders are private)")
    return prefix


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder the daemon's user (``nobody`` under root) may write."""
    path = Path(tempfile.mkdtemp(prefix="claude-py-secrets-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _own(path: Path) -> None:
    if os.getuid() == 0:
        for sub in (path, *path.rglob("*")):
            os.chown(sub, NOBODY, NOBODY)


def _scan(home: Path) -> None:
    scanned = 0
    for path in home.rglob("*"):
        if path.is_file():
            scanned += 1
            assert SECRET not in path.read_text(errors="replace"), path
    assert scanned >= 2  # at least the session file and the daemon's log


async def _run_turn(env: dict[str, str], project: Path, prefix: tuple[str, ...] = ()) -> None:
    async with stdio_daemon(env, prefix=prefix) as d:
        created = await d.client.request(
            "session/new", {"cwd": str(project), "mode": "bypassPermissions"}
        )
        prompt = {"sessionId": created["sessionId"], "prompt": [{"type": "text", "text": "go"}]}
        result = await d.client.request("session/prompt", prompt)
        assert result["stopReason"] == "end_turn"


def _tool_results(fake: FakeAnthropic) -> list[str]:
    return [
        json.dumps(request.body["messages"][-1]["content"][0])
        for request in fake.message_requests[1:]
        if request.body is not None
    ]


async def test_a_non_root_daemons_environment_is_not_readable_by_its_commands(
    fake: FakeAnthropic, shared_dir: Path
) -> None:
    prefix = _prefix()
    home, project = shared_dir / "data", shared_dir / "project"
    home.mkdir(mode=0o700)
    project.mkdir()
    _own(shared_dir)
    probe = (
        "tr '\\0' ' ' < /proc/$PPID/cmdline; echo; "
        "stat -c 'environ-owner=%u daemon=' /proc/$PPID/environ | tr -d '\\n'; id -u; "
        "tr '\\0' '\\n' < /proc/$PPID/environ | grep ANTHROPIC_API_KEY; "
        "echo probe-finished"
    )
    fake.add_turns(Turn.tool_use("Bash", {"command": probe}), Turn.text("done"))
    env = daemon_env(home, fake.base_url, api_key=SECRET)
    env["HOME"] = str(shared_dir)
    await _run_turn(env, project, prefix)
    (bash,) = _tool_results(fake)
    assert "claude_server" in bash  # $PPID is the daemon
    assert "probe-finished" in bash
    assert SECRET not in bash
    if prefix:
        assert f"environ-owner=0 daemon={NOBODY}" in bash  # non-dumpable: root's, not nobody's
    _scan(home)


async def test_commands_and_mcp_servers_do_not_inherit_the_key(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    servers = {
        "demo": {"command": sys.executable, "args": [str(DEMO_SERVER)]},
        "keyed": {
            "command": sys.executable,
            "args": [str(DEMO_SERVER)],
            "env": {"ANTHROPIC_API_KEY": "${ANTHROPIC_API_KEY}"},
        },
    }
    (project / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    (project / ".claude" / "settings.local.json").write_text(
        json.dumps({"enableAllProjectMcpServers": True, "env": {"PASSED": "${NOT_EXPANDED}"}})
    )
    trust_folder(home, project)
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "env | grep -c ANTHROPIC_API_KEY; echo probe-finished"}),
        Turn.tool_use("mcp__demo__getenv", {"name": "ANTHROPIC_API_KEY"}),
        Turn.tool_use("mcp__keyed__getenv", {"name": "ANTHROPIC_API_KEY"}),
        Turn.text("done"),
    )
    await _run_turn(daemon_env(home, fake.base_url, api_key=SECRET), project)
    bash, plain, keyed = _tool_results(fake)
    assert "probe-finished" in bash and SECRET not in bash
    assert "0\\nprobe-finished" in bash  # grep counted no ANTHROPIC_API_KEY line
    assert "<unset>" in plain
    assert f"set, {len(SECRET)} characters" in keyed  # passed on purpose by its definition
    _scan(home)
