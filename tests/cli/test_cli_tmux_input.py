"""The real client's input: completion, background tasks, stash, vi mode, clipboard images."""

from __future__ import annotations

import shutil
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn

from cli._tmux import Pane, cli_env, status

PROMPT_READY = 'Try "explain this project"'


def _input_line(screen: str) -> str:
    """The first line inside the input box (the last box on the screen)."""
    lines = screen.splitlines()
    for i in range(len(lines) - 2, -1, -1):
        if lines[i].startswith("╭") and lines[i + 1].startswith("│ >"):
            return lines[i + 1].strip("│ ")
    raise AssertionError(f"no input box on screen:\n{screen}")


def test_slash_command_completion(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("/mo")
    screen = term.wait_for("/model")
    assert "Switch the model" in screen  # descriptions in the dropdown
    term.keys("Escape")
    term.wait_for(lambda s: "Switch the model" not in s)
    assert _input_line(term.screen()) == "> /mo"
    term.type("d")
    term.wait_for("Switch the model")
    term.keys("Down")
    term.wait_for("❯ /mode ")
    term.keys("Down")
    term.wait_for("❯ /model")
    term.keys("Tab")
    term.wait_for(lambda s: "Switch the model" not in s and "> /model" in _input_line(s))
    term.keys("Enter")  # /model without argument: the picker
    screen = term.wait_for("Select a model")
    assert "1. sonnet" in screen and "3. haiku" in screen
    term.keys("3")
    screen = term.wait_for(lambda s: "Model set to" in s)
    assert "haiku" in screen
    assert "haiku" in str(status(home)["liveSessions"])


def test_file_mention_completion(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    assert "files/search" in status(home)["methods"]
    term.type("look at @alph")
    term.wait_for("src/alpha.py")
    term.keys("Tab")
    term.wait_for(lambda s: _input_line(s) == "> look at @src/alpha.py")


def test_daemon_command_output(term: Pane, home: Path, project: Path, fake: FakeAnthropic) -> None:
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    assert "session/command" in status(home)["methods"]
    term.type("/no-such-command")
    term.keys("Enter")
    screen = term.wait_for("✗ /no-such-command")
    assert "Traceback" not in screen


def test_background_task_with_ctrl_b(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text("Background work is done.", text_chunk=3, delay=0.02))
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("do it in the background")
    term.keys("C-b")
    screen = term.wait_for("Background task #1 finished")
    assert "Background work is done." in screen
    assert PROMPT_READY in term.wait_for(PROMPT_READY)


def test_stash_vi_and_image_paste(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text("Quick answer."))
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("a long thought")
    term.keys("C-s")
    term.wait_for("stashed (ctrl+s)")
    assert _input_line(term.screen()).startswith("> Try")
    term.keys("C-s")
    term.wait_for(lambda s: _input_line(s) == "> a long thought")
    term.keys("C-u")  # emacs: delete to the start of the line
    term.wait_for(PROMPT_READY)
    if not (shutil.which("xclip") or shutil.which("wl-paste")):
        term.keys("C-v")
        term.wait_for("No image pasted: no clipboard tool found")
    term.type("/vim")
    term.keys("Enter")
    term.wait_for("Vi mode on")
    term.wait_for("-- INSERT --")  # vi mode starts in insert mode and says so
    term.type("hello")
    term.keys("Escape")
    term.wait_for("-- NORMAL --")
    term.type("0x")  # normal mode: delete the first character
    term.wait_for(lambda s: _input_line(s) == "> ello")
    term.keys("Enter")
    term.wait_for("Quick answer.")
    term.wait_for("-- INSERT --")  # the next prompt is typed, not navigated
    term.type("/vim")
    term.keys("Enter")
    term.wait_for("Vi mode off")


def test_permission_mode_badge_and_shift_tab(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    term.start(["--permission-mode", "acceptEdits"], cli_env(home, fake.base_url), project)
    term.wait_for("⏵⏵ accept edits on")
    term.keys("BTab")  # Shift+Tab
    term.wait_for("⏸ plan mode on")
    assert status(home)["liveSessions"][-1]["sessionId"]
    term.keys("BTab")
    term.wait_for("⏵ default mode")


def test_a_long_paste_collapses_in_the_box_and_the_transcript(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text("That is a long log."))
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("what fails here? ")
    pasted = "".join(f"log line {n}\n" for n in range(1, 3001))
    term.paste(pasted)
    term.wait_for(lambda s: _input_line(s) == "> what fails here? [Pasted text #1 +3000 lines]")
    term.keys("Enter")
    screen = term.wait_for("That is a long log.")
    assert "log line 6" in screen and "log line 7" not in screen
    assert "… +2994 lines" in screen  # the first 6 of its 3,000 lines, then a count
    request = fake.message_requests[-1].body
    assert request is not None
    sent = str(request["messages"][-1])
    assert "what fails here? log line 1\\n" in sent and "log line 3000" in sent


def test_ctrl_r_shows_the_match_while_typing(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text("Deployed."), Turn.text("Tested."))
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    for prompt, answer in (("deploy the app", "Deployed."), ("run tests", "Tested.")):
        term.type(prompt)
        term.keys("Enter")
        term.wait_for(answer)
    term.keys("C-r")
    term.type("depl")
    # One Ctrl+R and the query: the box already shows the match.
    term.wait_for(lambda s: _input_line(s).startswith("> deploy the app"))
