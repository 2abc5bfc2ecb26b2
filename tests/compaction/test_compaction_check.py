"""check_conversation: the invariants every compacted conversation must keep."""

from __future__ import annotations

from claude_server.compaction import check_conversation, is_user_request, request_indices
from claude_server.model import Message, TextBlock, ToolResultBlock, ToolUseBlock

from .compaction_scripted import long_conversation


def use(tool_id: str) -> Message:
    return Message(role="assistant", content=[ToolUseBlock(id=tool_id, name="Read", input={})])


def result(tool_id: str, *extra: TextBlock) -> Message:
    return Message(role="user", content=[ToolResultBlock(tool_use_id=tool_id), *extra])


def test_the_scripted_conversation_is_valid() -> None:
    messages = long_conversation(turns=4)
    assert check_conversation(messages) == []
    assert len(request_indices(messages)) == 5
    assert not is_user_request(messages[2])  # tool results only


def test_empty_and_wrong_start() -> None:
    assert check_conversation([]) == ["the conversation is empty"]
    problems = check_conversation([Message(role="assistant", content=[TextBlock(text="hi")])])
    assert any("must start with user" in p for p in problems)


def test_roles_must_alternate_and_messages_must_not_be_empty() -> None:
    problems = check_conversation(
        [Message.user_text("a"), Message.user_text("b"), Message(role="assistant")]
    )
    assert any("messages 1 and 2 are both user" in p for p in problems)
    assert any("message 3 (assistant) has no content" in p for p in problems)


def test_tool_use_needs_its_result_in_the_next_message() -> None:
    problems = check_conversation([Message.user_text("go"), use("t1"), Message.user_text("x")])
    assert any("tool_use t1 in message 2 has no tool_result" in p for p in problems)
    problems = check_conversation([Message.user_text("go"), use("t1")])
    assert any("tool_use t1" in p for p in problems)


def test_orphan_duplicate_and_misplaced_results() -> None:
    ok = [Message.user_text("go"), use("t1"), result("t1")]
    assert check_conversation(ok) == []
    orphan = [Message.user_text("go"), use("t1"), result("t1"), use("t2"), result("t9")]
    assert any(
        "tool_result for t9 in message 5 answers no tool_use" in p
        for p in check_conversation(orphan)
    )
    twice = [Message.user_text("go"), use("t1"), result("t1"), use("t1"), result("t1")]
    assert any("used twice" in p for p in check_conversation(twice))
    after_text = [
        Message.user_text("go"),
        use("t1"),
        Message(role="user", content=[TextBlock(text="x"), ToolResultBlock(tool_use_id="t1")]),
    ]
    assert any("tool results must come first" in p for p in check_conversation(after_text))
    wrong_side = [
        Message.user_text("go"),
        Message(role="assistant", content=[ToolResultBlock(tool_use_id="t1")]),
    ]
    assert any(
        "assistant message holding a tool_result" in p for p in check_conversation(wrong_side)
    )
