"""The first-launch question in a folder whose own configuration would run commands."""

from __future__ import annotations

import json
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn

from cli._tmux import Pane, cli_env

PROMPT_READY = 'Try "explain this project"'
QUESTION = "Do you trust the files in this folder?"


def _hooked(project: Path, marker: Path) -> None:
    (project / ".claude").mkdir(exist_ok=True)
    hook = {"type": "command", "command": f"touch {marker}"}
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"hooks": {"UserPromptSubmit": [{"hooks": [hook]}]}})
    )


def test_trusting_at_launch_applies_the_folders_hooks(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    marker = tmp_path / "hook-ran"
    _hooked(project, marker)
    fake.add_turns(Turn.text("hello there"))
    term.start([], cli_env(home, fake.base_url), project)
    screen = term.wait_for(QUESTION)
    assert "hooks" in screen and "Yes, trust this folder" in screen
    term.keys("Enter")
    term.wait_for(PROMPT_READY)
    term.type("hi")
    term.keys("Enter")
    term.wait_for("hello there")
    assert marker.exists()
    assert str(project) in (home / "trusted-folders.json").read_text()


def test_declining_keeps_the_hooks_off_and_says_so_once(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    marker = tmp_path / "hook-ran"
    _hooked(project, marker)
    fake.add_turns(Turn.text("hello there"))
    term.start([], cli_env(home, fake.base_url), project)
    screen = term.wait_for(QUESTION)
    assert "No, continue without them" in screen
    term.keys("Down", "Enter")
    screen = term.wait_for(PROMPT_READY)
    assert screen.count("This folder is not trusted") == 1
    term.type("hi")
    term.keys("Enter")
    term.wait_for("hello there")
    assert not marker.exists()
    assert not (home / "trusted-folders.json").exists()


def test_a_folder_with_nothing_to_ignore_is_not_asked_about(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    term.start([], cli_env(home, fake.base_url), project)
    screen = term.wait_for(PROMPT_READY)
    assert QUESTION not in screen
