"""Sessions in the real client: cancelling, resuming, surviving the daemon's death."""

from __future__ import annotations

import re
import signal
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn

from cli._tmux import Pane, cli_env, status, stop_daemon

PROMPT_READY = 'Try "explain this project"'
LONG = " ".join(f"word{i}" for i in range(400))


def _session_id(screen: str) -> str:
    match = re.search(r"claude-py --resume ([0-9a-f-]{36})", screen)
    assert match is not None, screen
    return match.group(1)


def test_ctrl_c_cancels_mid_stream_then_twice_exits(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    # A slow answer: two characters every 20 ms would take many seconds.
    fake.add_turns(Turn.text(LONG, text_chunk=2, delay=0.02), Turn.text("After the interruption."))
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("talk a lot")
    term.keys("Enter")
    term.wait_for("word3")
    term.wait_for("ctrl+c to interrupt")
    term.keys("C-c")
    screen = term.wait_for("Interrupted by user")
    assert "word399" not in screen
    term.wait_for(PROMPT_READY)
    term.type("and now?")
    term.keys("Enter")
    term.wait_for("After the interruption.")
    # What the user saw of the interrupted answer stays in the conversation.
    history = fake.message_requests[-1].body["messages"]
    assert history[0]["content"][0]["text"] == "talk a lot"
    assert any("word3" in str(m["content"]) for m in history if m["role"] == "assistant")
    term.wait_for(PROMPT_READY)
    term.keys("C-c")
    term.wait_for("Press ctrl+c again to exit")
    term.keys("C-c")
    assert term.exit_code() == 0


def test_continue_after_restarting_the_client(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(
        Turn.text("The secret is remember-me-42."), Turn.text("You asked about the secret.")
    )
    env = cli_env(home, fake.base_url)
    term.start([], env, project)
    term.wait_for(PROMPT_READY)
    term.type("tell me a secret")
    term.keys("Enter")
    term.wait_for(lambda s: "tokens" in s and "remember-me-42" in s)
    term.type("/quit")
    term.keys("Enter")
    assert term.exit_code() == 0
    first_id = _session_id(term.screen())

    term.start(["--continue"], env, project)
    screen = term.wait_for(PROMPT_READY)
    assert "(resumed)" in screen
    assert first_id[:8] in screen
    # The earlier conversation is shown again, from the daemon's replay.
    assert "> tell me a secret" in screen
    assert "The secret is remember-me-42." in screen
    term.type("what did I ask?")
    term.keys("Enter")
    term.wait_for("You asked about the secret.")
    messages = fake.message_requests[-1].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    term.type("/exit")
    term.keys("Enter")
    assert term.exit_code() == 0
    assert _session_id(term.screen()) == first_id


def test_resume_by_id_and_with_the_picker(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text("First session answer."), Turn.text("Second session answer."))
    env = cli_env(home, fake.base_url)
    ids = []
    for prompt in ("first session", "second session"):
        term.start([], env, project)
        term.wait_for(PROMPT_READY)
        term.type(prompt)
        term.keys("Enter")
        term.wait_for("tokens")
        term.keys("C-d")
        assert term.exit_code() == 0
        ids.append(_session_id(term.screen()))

    term.start(["--resume", ids[0]], env, project)
    screen = term.wait_for(PROMPT_READY)
    assert "First session answer." in screen and "Second session answer." not in screen
    term.keys("C-d")
    assert term.exit_code() == 0

    term.start(["--resume"], env, project)
    screen = term.wait_for("Resume a session")
    assert ids[0][:8] in screen and ids[1][:8] in screen
    # Newest first: the second entry is the first session.
    term.keys("Down", "Enter")
    screen = term.wait_for(PROMPT_READY)
    assert "First session answer." in screen


def test_daemon_killed_mid_session(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text("Before the crash."), Turn.text("After the crash."))
    env = cli_env(home, fake.base_url)
    term.start([], env, project)
    term.wait_for(PROMPT_READY)
    term.type("hello")
    term.keys("Enter")
    term.wait_for(lambda s: "Before the crash." in s and "tokens" in s)
    before = status(home)
    stop_daemon(home, signal.SIGKILL)
    screen = term.wait_for("Lost the connection to the daemon")
    screen = term.wait_for(lambda s: "Reconnected" in s or "continuing in a new session" in s)
    after = status(home)
    assert after["pid"] != before["pid"]  # the client started a new daemon
    kept = "Reconnected" in screen
    if "session/load" in after["methods"]:
        # The daemon keeps sessions on disk: the same session goes on.
        assert kept, screen
    else:
        assert "could not restore session" in screen
    term.wait_for(PROMPT_READY)
    term.type("still there?")
    term.keys("Enter")
    term.wait_for("After the crash.")
    roles = [m["role"] for m in fake.message_requests[-1].body["messages"]]
    # Same conversation: the model saw the earlier exchange (a new session starts afresh).
    assert roles == (["user", "assistant", "user"] if kept else ["user"])
