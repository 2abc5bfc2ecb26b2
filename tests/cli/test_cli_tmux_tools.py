"""Tool calls in the real client: permission prompts, diffs, questions, two clients."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

from claude_cli._rpc import RpcClient
from fake_anthropic import FakeAnthropic, Turn

from cli._tmux import Pane, cli_env, status

PROMPT_READY = 'Try "explain this project"'
QUESTION = "Do you want to proceed?"


def _tool_results(fake: FakeAnthropic) -> list[dict[str, Any]]:
    """The tool_result blocks of the last request to the fake API."""
    messages = fake.message_requests[-1].body["messages"]
    return [
        block
        for message in messages
        if message["role"] == "user" and isinstance(message["content"], list)
        for block in message["content"]
        if block.get("type") == "tool_result"
    ]


def _wait_question(term: Pane, answer_text: str) -> str:
    screen = term.wait_for(lambda s: QUESTION in s or answer_text in s)
    assert QUESTION in screen, "the daemon ran the tool without asking"
    return screen


def test_permission_prompt_then_diff(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    target = project / "app.py"
    fake.add_turns(
        Turn.tool_use("Glob", {"pattern": "app.py"}, text="Let me find it."),
        Turn.tool_use("Read", {"file_path": str(target)}, text="Let me look."),
        Turn.tool_use(
            "Edit", {"file_path": str(target), "old_string": "x = 1", "new_string": "x = 2"}
        ),
        Turn.text("I set **x** to 2."),
    )
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("set x to 2")
    term.keys("Enter")
    screen = _wait_question(term, "I set x to 2.")
    assert "Edit file" in screen and "app.py" in screen
    assert "- x = 1" in screen and "+ x = 2" in screen  # the change, before it is made
    assert "1. Yes" in screen and "3. No, and tell Claude what to do differently" in screen
    assert target.read_text() == "a = 0\nx = 1\nb = 3\n"
    term.keys("Enter")  # 1. Yes
    screen = term.wait_for("I set x to 2.")
    assert "Updated app.py with 1 addition and 1 removal" in screen
    assert "2 - x = 1" in screen and "2 + x = 2" in screen  # numbered diff lines
    assert "Found 1 file" in screen and "Read 3 lines" in screen  # the collapsed results
    assert target.read_text() == "a = 0\nx = 2\nb = 3\n"
    assert QUESTION not in term.wait_for(PROMPT_READY)


def test_deny_with_a_reason_for_the_model(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "rm -rf build", "description": "Clean the build"}),
        Turn.text("Understood, I will not delete it."),
    )
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("clean up")
    term.keys("Enter")
    screen = _wait_question(term, "Understood")
    assert "Bash command" in screen and "rm -rf build" in screen and "Clean the build" in screen
    term.keys("3")
    term.wait_for("Tell Claude what to do instead")
    term.type("keep the build directory")
    term.keys("Enter")
    term.wait_for("Understood, I will not delete it.")
    results = _tool_results(fake)
    assert results and results[-1].get("is_error")
    assert "keep the build directory" in json.dumps(results[-1])


def test_ask_user_question_picker(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    question = {
        "question": "Which test runner should I use?",
        "header": "Tests",
        "options": [
            {"label": "pytest", "description": "Already configured"},
            {"label": "unittest", "description": "No extra dependency"},
        ],
        "multiSelect": False,
    }
    fake.add_turns(
        Turn.tool_use("AskUserQuestion", {"questions": [question]}),
        Turn.text("Going with unittest."),
    )
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    term.type("set up tests")
    term.keys("Enter")
    screen = term.wait_for(
        lambda s: "Which test runner should I use?" in s or "Going with unittest." in s
    )
    assert "1. pytest" in screen, "the daemon did not ask the question through the client"
    assert "Already configured" in screen and "3. Other" in screen
    term.keys("Down", "Enter")
    screen = term.wait_for("Going with unittest.")
    assert "unittest" in json.dumps(_tool_results(fake)[-1])
    # The answer stays in the transcript once the picker is gone.
    assert "· Which test runner should I use? → unittest" in screen


async def _second_client_answers(
    home: Path, session_id: str, attached: threading.Event, answered: list[str]
) -> None:
    reader, writer = await asyncio.open_unix_connection(str(home / "run" / "daemon.sock"))

    async def serve(method: str, params: Any) -> Any:
        answered.append(method)
        return {"outcome": {"outcome": "selected", "optionId": "allow_once"}}

    client = RpcClient(reader, writer, on_request=serve)
    caps = {"experimental": {"claudePy": {"requestPermission": True}}}
    await client.request("initialize", {"capabilities": caps, "clientInfo": {"name": "other"}})
    await client.notify("initialized", {})
    await client.request("session/attach", {"sessionId": session_id})
    attached.set()
    for _ in range(600):
        if answered:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    await client.close()


def test_question_answered_in_another_client(
    term: Pane, home: Path, project: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "echo from-the-other-client"}),
        Turn.text("The other client allowed it."),
    )
    term.start([], cli_env(home, fake.base_url), project)
    term.wait_for(PROMPT_READY)
    live = status(home)["liveSessions"]
    assert isinstance(live, list) and live
    session_id = live[-1]["sessionId"]
    # The other client (say, an editor) watches the same session and answers first.
    attached = threading.Event()
    answered: list[str] = []
    other = threading.Thread(
        target=asyncio.run, args=(_second_client_answers(home, session_id, attached, answered),)
    )
    other.start()
    try:
        assert attached.wait(30)
        term.type("run it")
        term.keys("Enter")
        screen = term.wait_for(
            lambda s: "The other client allowed it." in s or "in another client" in s
        )
        assert answered, "the daemon ran the tool without asking the other client"
        screen = term.wait_for("The other client allowed it.")
    finally:
        other.join(60)
    assert answered == ["session/requestPermission"]
    assert "Allowed in another client" in screen
    assert "from-the-other-client" in screen
    assert QUESTION not in term.wait_for(PROMPT_READY)
