"""Replays made from messages, and conversations repaired for the API."""

from __future__ import annotations

from claude_server.model import (
    AgentTextEvent,
    AgentThoughtEvent,
    Message,
    TextBlock,
    TextDisplay,
    ThinkingBlock,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolResultBlock,
    ToolUseBlock,
    TurnCompletedEvent,
    TurnStartedEvent,
    UserMessageEvent,
)
from claude_server.sessions import INTERRUPTED_RESULT, repair_conversation, synthesize_events


def _assistant(*blocks: object) -> Message:
    return Message.model_validate({"role": "assistant", "content": list(blocks)})


def test_synthesized_replay() -> None:
    messages = [
        Message.user_text("list"),
        _assistant(
            ThinkingBlock(thinking="hm"),
            TextBlock(text="ok"),
            ToolUseBlock(id="t1", name="Bash", input={"command": "ls\nmore"}),
        ),
        Message(
            role="user", content=[ToolResultBlock(tool_use_id="t1", content="a", is_error=True)]
        ),
        _assistant(TextBlock(text="done")),
        Message.user_text("next"),
    ]
    events, marks = synthesize_events(messages)
    kinds = [type(e).__name__ for _, e in events]
    assert kinds == [
        "TurnStartedEvent",
        "UserMessageEvent",
        "AgentThoughtEvent",
        "AgentTextEvent",
        "ToolCallEvent",
        "ToolCallUpdateEvent",
        "AgentTextEvent",
        "TurnCompletedEvent",
        "TurnStartedEvent",
        "UserMessageEvent",
        "TurnCompletedEvent",
    ]
    assert [s for s, _ in events] == list(range(1, 12))
    assert marks == [0, 2, 5, 6, 8]
    assert events[1][1] == UserMessageEvent("list")
    assert events[2][1] == AgentThoughtEvent("hm")
    assert events[3][1] == AgentTextEvent("ok")
    call = events[4][1]
    assert isinstance(call, ToolCallEvent)
    assert (call.title, call.kind) == ("Bash ls", "execute")
    update = events[5][1]
    assert update == ToolCallUpdateEvent("t1", "failed", (TextDisplay("a"),))
    assert isinstance(events[0][1], TurnStartedEvent)
    assert isinstance(events[-1][1], TurnCompletedEvent)


def test_repair_answers_dangling_calls_and_drops_orphans() -> None:
    messages = [
        Message.user_text("go"),
        _assistant(
            TextBlock(text="  "),
            ToolUseBlock(id="a", name="Read", input={}),
            ToolUseBlock(id="b", name="Read", input={}),
        ),
        Message(
            role="user",
            content=[
                TextBlock(text="[interrupted]"),
                ToolResultBlock(tool_use_id="b", content="B"),
                ToolResultBlock(tool_use_id="zzz", content="orphan"),
            ],
        ),
        Message(role="user", content=[]),
        Message.user_text("again"),
        _assistant(ToolUseBlock(id="c", name="Bash", input={})),
    ]
    repaired = repair_conversation(messages)
    assert [m.role for m in repaired] == ["user", "assistant", "user", "assistant", "user"]
    assert [b.type for b in repaired[1].content] == ["tool_use", "tool_use"]
    results = repaired[2].content
    assert [getattr(b, "tool_use_id", None) for b in results] == ["a", "b", None, None]
    first = results[0]
    assert isinstance(first, ToolResultBlock)
    assert first.is_error and first.content == INTERRUPTED_RESULT
    last = repaired[4].content[0]
    assert isinstance(last, ToolResultBlock) and last.tool_use_id == "c"
    # The input is left alone.
    assert len(messages[2].content) == 3


def test_repair_keeps_a_valid_conversation_as_is() -> None:
    messages = [
        Message.user_text("q"),
        _assistant(ToolUseBlock(id="a", name="Read", input={})),
        Message(role="user", content=[ToolResultBlock(tool_use_id="a", content="x")]),
        _assistant(TextBlock(text="answer")),
    ]
    assert [m.to_api() for m in repair_conversation(messages)] == [m.to_api() for m in messages]
