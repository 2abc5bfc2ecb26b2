"""Micro compaction: old oversized tool results shortened, recent turns untouched."""

from __future__ import annotations

import copy

import pytest
from claude_server.compaction import (
    check_conversation,
    estimate_context,
    micro_compact,
    removed_note,
    request_indices,
)
from claude_server.model import ImageBlock, Message, TextBlock, ToolResultBlock, ToolUseBlock

from .compaction_scripted import PNG, Builder, file_text, long_conversation


def tool_ids(message: Message) -> list[str]:
    return [
        b.id if isinstance(b, ToolUseBlock) else b.tool_use_id
        for b in message.content
        if isinstance(b, ToolUseBlock | ToolResultBlock)
    ]


def test_old_results_are_shortened_and_recent_turns_untouched() -> None:
    messages = long_conversation(turns=32, result_chars=20_000)
    before = copy.deepcopy(messages)
    out, saved = micro_compact(
        messages, keep_recent_turns=3, max_result_chars=4_000, head_chars=1_000
    )
    assert messages == before  # the input is not modified
    assert len(out) == len(messages)
    protected = request_indices(messages)[-3]
    for old, new in zip(messages[protected:], out[protected:], strict=True):
        assert new is old
    shortened = 0
    for old, new in zip(messages[:protected], out[:protected], strict=True):
        assert new.role == old.role
        assert tool_ids(new) == tool_ids(old)  # pairing kept, block for block
        for a, b in zip(old.content, new.content, strict=True):
            if (
                isinstance(a, ToolResultBlock)
                and isinstance(a.content, str)
                and len(a.content) > 4_000
            ):
                assert isinstance(b, ToolResultBlock) and isinstance(b.content, str)
                head, note = b.content.rsplit("\n", 1)
                assert a.content.startswith(head) and 500 <= len(head) <= 1_000
                assert note == removed_note(len(a.content) - len(head))
                assert b.is_error == a.is_error
                shortened += 1
            elif isinstance(a, ToolResultBlock) and isinstance(a.content, str):
                assert b == a  # small results stay whole
    assert shortened == 30  # one big Read in each of the 30 old turns (33 in all)
    assert saved > 30 * 18_000
    assert check_conversation(out) == []
    assert estimate_context(out) < estimate_context(messages) / 3


def test_micro_compaction_is_idempotent() -> None:
    messages = long_conversation(turns=8)
    once, saved = micro_compact(messages)
    assert saved > 0
    twice, again = micro_compact(once)
    assert again == 0
    assert twice == once


def test_old_images_become_notes_recent_ones_stay() -> None:
    b = Builder()
    b.user("Here is a screenshot", ImageBlock(source=PNG))
    b.call(
        "Read",
        {"file_path": "/a.png"},
        [{"type": "image", "source": PNG}, {"type": "text", "text": "ok"}],
    )
    b.assistant("Seen.")
    b.user("And another", ImageBlock(source=PNG))
    b.assistant("Seen too.")
    out, saved = micro_compact(b.messages, keep_recent_turns=1)
    assert out[0].content[1] == TextBlock(text="[an image was removed here to save context]")
    result = out[2].content[0]
    assert isinstance(result, ToolResultBlock) and isinstance(result.content, list)
    assert result.content[0] == {
        "type": "text",
        "text": "[an image was removed here to save context]",
    }
    assert result.content[1] == {"type": "text", "text": "ok"}
    assert out[4] is b.messages[4]  # the recent image stays
    assert saved == 2 * 6_400
    assert check_conversation(out) == []


def test_list_results_keep_their_head_across_blocks() -> None:
    b = Builder()
    b.user("go")
    parts = [
        {"type": "text", "text": file_text("a", 3_000)},
        {"type": "text", "text": file_text("b", 3_000)},
    ]
    b.call("Read", {"file_path": "/a"}, parts)
    b.assistant("done")
    b.user("next")
    b.assistant("ok")
    out, saved = micro_compact(
        b.messages, keep_recent_turns=1, max_result_chars=4_000, head_chars=1_000
    )
    block = out[2].content[0]
    assert isinstance(block, ToolResultBlock) and isinstance(block.content, list)
    texts = [p["text"] for p in block.content]
    assert len(texts) == 2 and parts[0]["text"].startswith(texts[0])
    assert texts[1].startswith("[... ") and saved == len(parts[0]["text"]) + len(
        parts[1]["text"]
    ) - len(texts[0])


def test_too_few_turns_changes_nothing_and_zero_keeps_none() -> None:
    messages = long_conversation(turns=2)  # three turns in all
    out, saved = micro_compact(messages, keep_recent_turns=3)
    assert saved == 0 and all(a is b for a, b in zip(out, messages, strict=True))
    out, saved = micro_compact(messages, keep_recent_turns=0)
    assert saved > 0 and check_conversation(out) == []
    with pytest.raises(ValueError, match="keep_recent_turns"):
        micro_compact(messages, keep_recent_turns=-1)
    with pytest.raises(ValueError, match="head_chars"):
        micro_compact(messages, max_result_chars=10, head_chars=100)
