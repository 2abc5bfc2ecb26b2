"""The two example clients in examples/ script a whole session against the real daemon: a
prompt, a permission request they allow, the streamed answer, the result, shutdown."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import SERVER_CMD, daemon_env
from support.system import require_program

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _script(fake: FakeAnthropic, project: Path) -> None:
    fake.add_turns(
        Turn.tool_use("Write", {"file_path": str(project / "hello.txt"), "content": "hi\n"}),
        Turn.text("Wrote hello.txt."),
    )


@pytest.mark.parametrize("client", ["python", "node"])
def test_example_client(home: Path, fake: FakeAnthropic, tmp_path: Path, client: str) -> None:
    if client == "python":
        command = [sys.executable, str(EXAMPLES / "stdio_client.py")]
    else:
        node = require_program("node", "apt-get install nodejs (or use nvm)")
        command = [node, str(EXAMPLES / "stdio_client.mjs")]
    project = tmp_path / "project"
    project.mkdir()
    _script(fake, project)
    env = {**daemon_env(home, fake.base_url), "CLAUDE_PY_SERVER": shlex.join(SERVER_CMD)}
    done = subprocess.run(
        [*command, "Create hello.txt saying hi"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Wrote hello.txt."
    assert "[allowing] " in done.stderr and "[done] end_turn" in done.stderr
    assert (project / "hello.txt").read_text() == "hi\n"
    body = fake.message_requests[0].body or {}
    assert body["messages"][0]["content"][0]["text"] == "Create hello.txt saying hi"
