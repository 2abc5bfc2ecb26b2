"""The real ``claude-py`` in tmux against a real daemon and the fake API: the basics."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn

from cli._tmux import Pane, cli_env, status

MARKDOWN = (
    "# Plan\n\nThis is **important** and `inline`.\n\n"
    "```python\ndef answer():\n    return 42\n```\n\n- first item\n- second item\n\nAll done."
)
PROMPT_READY = 'Try "explain this project"'


def test_banner_then_streamed_markdown(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text(MARKDOWN, text_chunk=7))
    term.start([], cli_env(home, fake.base_url), project)
    screen = term.wait_for(PROMPT_READY)
    assert "claude-py 0.1.0" in screen
    assert str(project) in screen
    assert "claude-sonnet-4-6" in screen
    assert "ANTHROPIC_API_KEY" in screen  # the credential source, never the key
    assert "sk-test" not in screen
    assert "(new)" in screen and "(started)" in screen  # this client started the daemon

    term.type("explain the plan")
    term.keys("Enter")
    screen = term.wait_for("All done.")
    screen = term.wait_for(lambda s: "tokens" in s and PROMPT_READY in s)
    assert "> explain the plan" in screen
    assert "● Plan" in screen  # the heading, as text: Markdown was rendered
    assert "This is important and inline." in screen
    assert "**" not in screen and "```" not in screen
    assert "def answer():" in screen and "    return 42" in screen
    assert "• first item" in screen
    assert re.search(r"↑ [\d.]+k? ↓ \d+ tokens", screen)
    body = fake.message_requests[0].body
    assert body["messages"][-1]["content"][0]["text"] == "explain the plan"
    # The finished answer is in the scrollback, above the input box.
    assert screen.index("All done.") < screen.index(PROMPT_READY)


def test_second_client_reuses_the_running_daemon(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    pid = status(home)["pid"]
    term.keys("C-d")
    assert term.exit_code() == 0
    term.start([], cli_env(home, fake.base_url), project)
    screen = term.wait_for(PROMPT_READY)
    assert "(started)" not in screen
    assert status(home)["pid"] == pid


def test_plain_80x24_with_no_color(home: Path, project: Path, fake: FakeAnthropic) -> None:
    from cli._tmux import pane, stop_daemon

    fake.add_turns(Turn.text("Some **bold** words and `code`."))
    try:
        with pane(80, 24) as small:
            small.start([], cli_env(home, fake.base_url, NO_COLOR="1"), project)
            small.wait_for(PROMPT_READY)
            small.type("hi")
            small.keys("Enter")
            screen = small.wait_for("Some bold words and code.")
            small.wait_for("tokens")
            coloured = small.screen(escapes=True)
            assert not re.search(
                r"\x1b\[(?:[0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m", coloured
            ), "colour escapes despite NO_COLOR"
            assert all(len(line) <= 80 for line in screen.splitlines())
            assert "╭" in screen  # the box still has its border
    finally:
        stop_daemon(home)


def test_not_a_tty_behaves_like_print(home: Path, project: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text("Plain **text** out."))
    env = cli_env(home, fake.base_url)
    done = subprocess.run(
        [sys.executable, "-m", "claude_cli", "say it"],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Plain **text** out.\n"  # raw text, like -p: no rendering, no escapes


def test_help_and_version() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "claude_cli", "--version"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "claude-py 0.1.0"
    usage = subprocess.run(
        [sys.executable, "-m", "claude_cli", "--help"], capture_output=True, text=True
    )
    for flag in ("--continue", "--resume", "--model", "--permission-mode", "--print"):
        assert flag in usage.stdout


def test_long_answer_lands_in_the_scrollback_once(
    home: Path, project: Path, fake: FakeAnthropic
) -> None:
    from cli._tmux import pane, stop_daemon

    section = "## Part {n}\n\nParagraph of part {n}.\n\n```python\n{code}\n```\n\n"
    text = "".join(
        section.format(n=n, code="\n".join(f"value_{n}_{i} = {i}" for i in range(10)))
        for n in range(1, 7)
    )
    fake.add_turns(Turn.text(text + "The end.", text_chunk=6, delay=0.005))
    try:
        with pane(80, 24) as small:
            small.start([], cli_env(home, fake.base_url), project)
            small.wait_for(PROMPT_READY)
            small.type("write a lot")
            small.keys("Enter")
            small.wait_for(lambda s: "The end." in s and "tokens" in s)
            history = small.history()
    finally:
        stop_daemon(home)
    # Taller than the terminal, yet every line is printed exactly once, in order: finished
    # paragraphs go to the scrollback and are never redrawn.
    for n in range(1, 7):
        assert history.count(f"Paragraph of part {n}.") == 1
        assert history.count(f"value_{n}_9 = 9") == 1
    positions = [history.index(f"Paragraph of part {n}.") for n in range(1, 7)]
    assert positions == sorted(positions)
