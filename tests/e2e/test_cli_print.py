"""``claude-py -p``: the answer on stdout, one clear error line on stderr, an exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fake_anthropic import FakeAnthropic, HttpError, Turn
from support.daemon import daemon_env

CLI = [sys.executable, "-m", "claude_cli"]


def _run(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60, input=stdin
    )


def test_print_mode_prints_the_scripted_answer(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text("Hello from the script."))
    done = _run(["-p", "hello"], daemon_env(home, fake.base_url), home)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hello from the script.\n"
    assert fake.requests[0].body is not None
    assert fake.requests[0].body["messages"][0]["content"][0]["text"] == "hello"


def test_prompt_from_stdin(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text("from stdin"))
    done = _run(["-p"], daemon_env(home, fake.base_url), home, stdin="what is up")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "from stdin\n"
    assert fake.requests[0].body is not None
    assert fake.requests[0].body["messages"][0]["content"][0]["text"] == "what is up"


def test_missing_key_is_one_clear_line(home: Path, fake: FakeAnthropic) -> None:
    done = _run(["-p", "hello"], daemon_env(home, fake.base_url, api_key=None), home)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "ANTHROPIC_API_KEY" in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert fake.requests == []  # nothing was sent without a key


def test_api_error_is_one_clear_line(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(
        Turn.error(HttpError(400, "invalid_request_error", "prompt is too long: 300000 tokens"))
    )
    done = _run(["-p", "hello"], daemon_env(home, fake.base_url), home)
    assert done.returncode == 1
    # As Claude Code's text output: the error is the run's result, one line on stdout.
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("API Error: ") and "prompt is too long" in lines[0]
    assert done.stderr == ""


def test_rejected_key_says_how_to_fix_it(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.error(HttpError(401, "authentication_error", "invalid x-api-key")))
    env = daemon_env(home, fake.base_url, api_key="sk-ant-wrong-secret-123")
    done = _run(["-p", "hello"], env, home)
    assert done.returncode == 1
    assert "ANTHROPIC_API_KEY" in done.stderr
    assert "sk-ant-wrong-secret-123" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unreachable_api_is_one_clear_line(home: Path) -> None:
    env = daemon_env(home, "http://127.0.0.1:9")  # discard port: nothing listens
    env["CLAUDE_PY_MAX_ATTEMPTS"] = "1"
    done = _run(["-p", "hello"], env, home)
    assert done.returncode == 1
    assert len(done.stdout.strip().splitlines()) == 1, done.stdout
    assert "Could not connect" in done.stdout and done.stderr == ""


def test_usage_errors(home: Path) -> None:
    env = dict(os.environ, CLAUDE_PY_HOME=str(home))
    empty = _run(["-p", "   "], env, home)
    assert empty.returncode == 1  # as Claude Code
    assert "Input must be provided" in empty.stderr
    version = _run(["--version"], env, home)
    assert version.returncode == 0
    assert version.stdout.startswith("claude-py ")


def test_permissions_check_explains_a_decision(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    (project / ".claude" / "settings.json").write_text('{"permissions": {"deny": ["Bash(rm *)"]}}')
    env = dict(os.environ, HOME=str(tmp_path))
    done = _run(
        [
            "permissions",
            "check",
            "Bash",
            '{"command": "ls && rm -rf build"}',
            "--cwd",
            str(project),
        ],
        env,
        project,
    )
    assert done.returncode == 0, done.stderr
    assert "deny" in done.stdout
    assert "Bash(rm *)" in done.stdout
    assert str(project / ".claude" / "settings.json") in done.stdout
    bad = _run(["permissions", "check", "Bash", "{not json"], env, project)
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1


def test_print_mode_runs_tools_with_a_permissive_mode(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    from fake_anthropic import ToolUse

    project = tmp_path / "project"
    project.mkdir()
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(
                    name="Write", input={"file_path": str(project / "out.txt"), "content": "hi\n"}
                )
            ]
        ),
        Turn.text("wrote it"),
    )
    done = _run(
        ["-p", "write it", "--permission-mode", "acceptEdits"],
        daemon_env(home, fake.base_url),
        project,
    )
    assert done.returncode == 0, done.stderr
    assert (project / "out.txt").read_text() == "hi\n"
    assert done.stdout.endswith("wrote it\n")
