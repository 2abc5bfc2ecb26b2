"""A daemon that was already running keeps its own environment: the terminal client says when
this shell's endpoint or credential variable differs, and how to switch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from claude_cli._startup import environment_mismatch
from fake_anthropic import FakeAnthropic

from cli._tmux import Pane, cli_env

STATUS = {"source": "env:ANTHROPIC_API_KEY", "baseUrl": "http://127.0.0.1:1111"}


@pytest.mark.parametrize(
    ("status", "env", "expected"),
    [
        (STATUS, {}, None),
        (STATUS, {"ANTHROPIC_BASE_URL": "http://127.0.0.1:1111/"}, None),
        (STATUS, {"ANTHROPIC_BASE_URL": "http://127.0.0.1:2222"}, "talks to http://127.0.0.1:1111"),
        (STATUS, {"ANTHROPIC_API_KEY": "sk-x"}, None),
        (STATUS, {"ANTHROPIC_AUTH_TOKEN": "t"}, None),
        (
            {"source": "keyring:claude-py", "baseUrl": "u"},
            {"ANTHROPIC_API_KEY": "k"},
            "uses keyring",
        ),
        (
            {"source": "none", "baseUrl": "u"},
            {"ANTHROPIC_AUTH_TOKEN": "t"},
            "sets ANTHROPIC_AUTH_TOKEN",
        ),
    ],
)
def test_mismatch(status: dict[str, str], env: dict[str, str], expected: str | None) -> None:
    found = environment_mismatch(status, env)
    if expected is None:
        assert found is None
    else:
        assert found is not None and expected in found
        assert "sk-x" not in found and found != "k"  # never the secret


def test_the_client_tells_and_names_the_fix(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    other = "http://127.0.0.1:9"  # the daemon is started for another endpoint
    started = subprocess.run(
        [sys.executable, "-m", "claude_cli", "daemon", "restart"],
        env=cli_env(home, other),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr
    try:
        term.start([], cli_env(home, fake.base_url), project)
        screen = term.wait_for("claude-py daemon restart").replace("\n", "")  # unwrap lines
        assert f"talks to {other}" in screen and fake.base_url in screen
    finally:
        subprocess.run(
            [sys.executable, "-m", "claude_cli", "daemon", "stop"],
            env=cli_env(home, other),
            capture_output=True,
            timeout=60,
        )
