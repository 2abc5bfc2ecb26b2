"""The official Python Claude Agent SDK (``claude-agent-sdk`` from PyPI) driving ``claude-py``
unchanged, through ``ClaudeAgentOptions(cli_path=...)``, against the fake API.

Nothing here is mocked: the SDK spawns the installed ``claude-py`` script and speaks its control
protocol over the real pipes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from claude_agent_sdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    PermissionResultAllow,
    PermissionResultDeny,
    ResultMessage,
    TextBlock,
    query,
)
from fake_anthropic import FakeAnthropic, Text, ToolUse, Turn
from support.daemon import daemon_env

CLI = Path(sys.executable).parent / "claude-py"


def _options(home: Path, fake: FakeAnthropic, cwd: Path, **more: Any) -> ClaudeAgentOptions:
    env = daemon_env(home, fake.base_url)
    # The SDK merges its env into os.environ's; ours must win for the test's data dir and key.
    return ClaudeAgentOptions(cli_path=str(CLI), cwd=str(cwd), env=env, **more)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("ANTHROPIC_", "CLAUDE_PY_")):
            monkeypatch.delenv(name)


async def test_query_returns_the_answer(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(Turn.text("This project greets people."))
    messages = [
        message
        async for message in query(
            prompt="In one sentence, what does this project do?",
            options=_options(home, fake, tmp_path, allowed_tools=["Read", "Glob", "Grep"]),
        )
    ]
    texts = [
        block.text
        for message in messages
        if isinstance(message, AssistantMessage)
        for block in message.content
        if isinstance(block, TextBlock)
    ]
    assert texts == ["This project greets people."]
    result = messages[-1]
    assert isinstance(result, ResultMessage)
    assert result.is_error is False and result.result == "This project greets people."
    assert fake.requests[0].body is not None
    assert fake.requests[0].body["messages"][0]["content"][0]["text"].startswith("In one sentence")


async def test_client_with_a_can_use_tool_callback(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    made = tmp_path / "made.txt"
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Bash", input={"command": f"echo yes > {made}"})]),
        Turn(blocks=[ToolUse(name="Bash", input={"command": "rm -rf /tmp/nothing-here"})]),
        Turn.text("finished"),
    )
    asked: list[str] = []

    async def can_use_tool(
        name: str, tool_input: dict[str, Any], _context: Any
    ) -> PermissionResultAllow | PermissionResultDeny:
        asked.append(tool_input.get("command", name))
        if "rm -rf" in tool_input.get("command", ""):
            return PermissionResultDeny(message="no deleting in this test")
        return PermissionResultAllow()

    options = _options(home, fake, tmp_path, can_use_tool=can_use_tool)
    async with ClaudeSDKClient(options) as client:
        await client.query("make the file")
        messages = [message async for message in client.receive_response()]
    result = messages[-1]
    assert isinstance(result, ResultMessage) and result.result == "finished"
    assert made.read_text() == "yes\n"
    assert len(asked) == 2 and "rm -rf" in asked[1]
    assert result.permission_denials is not None
    assert [d["tool_name"] for d in result.permission_denials] == ["Bash"]


async def test_interrupt_then_the_next_query(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn([Text("word " * 400)], text_chunk=4, delay=0.02), Turn.text("still here"))
    options = _options(home, fake, tmp_path, include_partial_messages=True)
    async with ClaudeSDKClient(options) as client:
        await client.query("talk for a while")
        deltas = 0
        first: list[Any] = []
        async for message in client.receive_response():
            first.append(message)
            if type(message).__name__ == "StreamEvent":
                deltas += message.event.get("type") == "content_block_delta"
                if deltas == 3:
                    await client.interrupt()
        stopped = first[-1]
        assert isinstance(stopped, ResultMessage) and stopped.is_error
        assert stopped.subtype == "error_during_execution"
        await client.query("Are you still there?")
        second = [message async for message in client.receive_response()]
    answer = second[-1]
    assert isinstance(answer, ResultMessage) and answer.result == "still here"


async def test_set_permission_mode_between_queries(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    target = tmp_path / "notes.txt"
    write = {"file_path": str(target), "content": "hello\n"}
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Write", input=write)]),
        Turn.text("could not"),
        Turn(blocks=[ToolUse(name="Write", input=write)]),
        Turn.text("wrote it"),
    )
    async with ClaudeSDKClient(_options(home, fake, tmp_path)) as client:
        await client.query("write it")
        first = [message async for message in client.receive_response()]
        assert not target.exists()
        await client.set_permission_mode("acceptEdits")
        await client.query("write it now")
        second = [message async for message in client.receive_response()]
    denied, done = first[-1], second[-1]
    assert isinstance(denied, ResultMessage) and isinstance(done, ResultMessage)
    assert [d["tool_name"] for d in denied.permission_denials or []] == ["Write"]
    assert done.result == "wrote it" and target.read_text() == "hello\n"
