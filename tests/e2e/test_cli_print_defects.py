"""``claude-py -p`` as scripts use it: piped text and a prompt together, only the final message
on stdout, a reader that stops early, a deleted working directory, --continue and --resume,
slash commands and skills, and settings problems said on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fake_anthropic import FakeAnthropic, Text, ToolUse, Turn
from support.daemon import daemon_env

CLI = [sys.executable, "-m", "claude_cli"]


def _run(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin if stdin is not None else "",
    )


def _user_texts(body: dict[str, object] | None) -> list[str]:
    assert body is not None
    messages = body["messages"]
    assert isinstance(messages, list)
    return [
        block["text"]
        for message in messages
        if message["role"] == "user"
        for block in message["content"]
        if block.get("type") == "text"
    ]


def test_piped_text_and_the_prompt_both_reach_the_model(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("looks fine"))
    done = _run(
        ["-p", "review this"], daemon_env(home, fake.base_url), tmp_path, "-x = 1\n+x = 2\n"
    )
    assert done.returncode == 0, done.stderr
    (text,) = _user_texts(fake.message_requests[0].body)
    assert text.startswith("review this") and "+x = 2" in text


def test_only_the_final_message_is_printed(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(
        Turn(blocks=[Text("Let me run it."), ToolUse(name="Bash", input={"command": "echo hi"})]),
        Turn.text("All done."),
    )
    env = daemon_env(home, fake.base_url)
    done = _run(["-p", "run it", "--permission-mode", "bypassPermissions"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout == "All done.\n"
    )  # as Claude Code: the result, not every message run together


def test_a_reader_that_stops_early_ends_quietly(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("line one\n" * 2000))
    command = " ".join([*CLI, "-p", "hi"]) + " | head -c 5"
    done = subprocess.run(
        ["sh", "-c", command],
        env=daemon_env(home, fake.base_url),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == "line "
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr


def test_a_deleted_working_directory_is_one_line(home: Path, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    command = f"cd {gone} && rmdir {gone} && exec {' '.join(CLI)} -p hi"
    done = subprocess.run(
        ["sh", "-c", command],
        env=daemon_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "claude-py: error: the current directory no longer exists; cd to one that does"
    ]


def test_continue_and_resume_carry_the_conversation(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("one"), Turn.text("two"), Turn.text("three"))
    env = daemon_env(home, fake.base_url)
    assert _run(["-p", "first prompt"], env, tmp_path).stdout == "one\n"
    continued = _run(["-p", "--continue", "second prompt"], env, tmp_path)
    assert continued.returncode == 0, continued.stderr
    assert continued.stdout == "two\n"  # not the replayed "one"
    assert _user_texts(fake.message_requests[1].body) == ["first prompt", "second prompt"]
    (session_file,) = (home / "sessions").rglob("*.jsonl")
    resumed = _run(["-p", "--resume", session_file.stem, "third prompt"], env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout == "three\n"
    assert _user_texts(fake.message_requests[2].body)[-1] == "third prompt"
    assert len(list((home / "sessions").rglob("*.jsonl"))) == 1
    missing = _run(["-p", "--resume", "no-such-session", "x"], env, tmp_path)
    assert missing.returncode == 1
    assert "no-such-session" in missing.stderr and "Traceback" not in missing.stderr


def test_slash_commands_and_skills_run_in_print_mode(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    skill = tmp_path / ".claude" / "commands" / "shout.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("Say $ARGUMENTS loudly.\n")
    fake.add_turns(Turn.text("HELLO"))
    env = daemon_env(home, fake.base_url)
    version = _run(["-p", "/version"], env, tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("claude-py ")
    shouted = _run(["-p", "/shout hello"], env, tmp_path)
    assert shouted.returncode == 0, shouted.stderr
    assert shouted.stdout == "HELLO\n"
    assert _user_texts(fake.message_requests[0].body) == ["Say hello loudly."]


def test_settings_problems_are_one_line_each_on_stderr(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "settings.json").write_text('{"permissions": {"allow": [}')
    (tmp_path / ".claude" / "settings.local.json").write_text(json.dumps({"model": 5}))
    fake.add_turns(Turn.text("still works"))
    done = _run(["-p", "hi"], daemon_env(home, fake.base_url), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "still works\n"
    warnings = [line for line in done.stderr.splitlines() if line.startswith("claude-py: warning:")]
    assert len(warnings) == 2, done.stderr
    assert "settings.json: invalid JSON at line 1" in warnings[0]
    assert "settings.local.json: model" in warnings[1]
