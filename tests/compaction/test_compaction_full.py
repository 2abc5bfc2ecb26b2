"""Full compaction against the fake API: the summary request and the new conversation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from claude_server.compaction import (
    CompactionResult,
    NothingToCompactError,
    SessionMemory,
    check_conversation,
    estimate_context,
    extract_memory,
    full_compact,
    join_summary,
)
from claude_server.errors import ProviderError
from claude_server.model import (
    Message,
    MessageCompleted,
    ModelRequest,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from claude_server.provider import AnthropicProvider
from claude_server.sessions import SessionStore
from fake_anthropic import FakeAnthropic, Turn

from .compaction_scripted import (
    LATEST_REQUEST,
    MODEL,
    latest_request_index,
    long_conversation,
    single_turn,
)

SUMMARY = (
    "## User's goals\nFix the off-by-one bugs in module_0..31, then refactor the parser.\n"
    "## Next step\nSplit parse() in /repo/src/parser.py."
)


def prompt_of(fake: FakeAnthropic, index: int = 0) -> str:
    body: dict[str, Any] = fake.message_requests[index].body
    (message,) = body["messages"]
    assert message["role"] == "user"
    return "".join(block["text"] for block in message["content"])


async def follow_up(provider: AnthropicProvider, messages: list[Message], text: str) -> Message:
    """Send ``messages`` plus a new prompt, as the engine would after compaction."""
    request = ModelRequest(
        model=MODEL, messages=[*messages, Message.user_text(text)], max_tokens=1024
    )
    assert check_conversation(request.messages) == []
    final = [e async for e in provider.stream(request) if isinstance(e, MessageCompleted)]
    return final[-1].message


async def test_full_compaction_of_a_long_conversation(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=32)
    fake.add_turns(Turn.text(f"<summary>\n{SUMMARY}\n</summary>"))
    memory = extract_memory(messages)
    result = await full_compact(
        messages,
        provider,
        model=MODEL,
        instructions="Focus on the parser work.",
        memory=memory,
        claude_md="Use tabs, not spaces.",
    )

    # The request: our instructions, the transcript of the older part, the user's instructions.
    body = fake.message_requests[0].body
    assert body["model"] == MODEL
    assert "summaries of coding sessions" in str(body["system"])
    assert "tools" not in body
    assert body["thinking"] == {"type": "disabled"}
    assert body["max_tokens"] == 12_000
    prompt = prompt_of(fake)
    assert "Request 0: fix the off-by-one bug in module_0.py." in prompt
    assert '[tool call Read: {"file_path": "/repo/src/module_7.py"}]' in prompt
    assert "[Bash error result]\n1 failed" in prompt
    assert "Turn 3: the bug" not in prompt  # thinking is left out
    assert "Focus on the parser work." in prompt.split("</transcript>")[1]
    assert "refactor the parser" not in prompt  # the kept request is not summarised

    # The new conversation: summary first, then the latest request verbatim and what followed.
    request = latest_request_index(messages)
    assert isinstance(result, CompactionResult) and result.stage == "full"
    assert result.summary == SUMMARY
    assert result.replaces == request
    first = result.messages[0]
    assert first.role == "user"
    head = first.content[0]
    assert isinstance(head, TextBlock)
    assert head.text.startswith("[Summary of the earlier conversation]")
    assert f"<summary>\n{SUMMARY}\n</summary>" in head.text
    texts = [b.text for b in first.content if isinstance(b, TextBlock)]
    assert any(t.startswith("## Session memory") and "/repo/src/module_31.py" in t for t in texts)
    assert any("CLAUDE.md" in t and "Use tabs, not spaces." in t for t in texts)
    assert first.content[-len(LATEST_REQUEST) :] == LATEST_REQUEST
    assert first.content[-len(LATEST_REQUEST) - 1] == TextBlock(
        text="[The user's latest request, verbatim] follows."
    )
    assert result.messages[1:] == messages[request + 1 :]
    assert check_conversation(result.messages) == []
    assert result.summary_message is not None
    assert result.messages == join_summary(result.summary_message, messages[request:])

    # Tokens drop a lot.
    assert result.tokens_before == estimate_context(messages)
    assert result.tokens_after == estimate_context(result.messages)
    assert result.tokens_after < result.tokens_before / 20
    assert result.memory == memory
    assert result.usage is not None and result.usage.output_tokens > 0

    # The compacted conversation is accepted as the start of the next request.
    fake.add_turns(Turn.text("Carrying on with the parser."))
    reply = await follow_up(provider, result.messages, "Go on.")
    assert reply.text() == "Carrying on with the parser."
    sent = fake.message_requests[1].body["messages"]
    assert sent[0]["content"][0]["text"].startswith("[Summary of the earlier conversation]")
    assert [m["role"] for m in sent] == ["user", "assistant", "user", "assistant", "user"]


async def test_a_resumed_session_continues_compacted(
    fake: FakeAnthropic, provider: AnthropicProvider, tmp_path: Path
) -> None:
    messages = long_conversation(turns=30)
    fake.add_turns(Turn.text(SUMMARY))
    result = await full_compact(messages, provider, model=MODEL)
    assert result.summary_message is not None

    store = SessionStore(tmp_path / "sessions")
    writer = store.create("compaction-resume", str(tmp_path), MODEL)
    for message in messages:
        writer.append_message(message)
    writer.append_compaction(
        result.summary_message,
        result.replaces,
        trigger=result.trigger,
        details={"tokensBefore": result.tokens_before, "tokensAfter": result.tokens_after},
    )
    writer.close()

    loaded = store.load("compaction-resume")
    assert [m.to_api() for m in loaded.messages] == [m.to_api() for m in result.messages]
    assert loaded.compactions[0]["tokensBefore"] == result.tokens_before
    fake.add_turns(Turn.text("Resumed."))
    reply = await follow_up(provider, loaded.messages, "Where were we?")
    assert reply.text() == "Resumed."


async def test_cut_inside_a_long_single_turn(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = single_turn(exchanges=20, result_chars=8_000, thinking=True)
    fake.add_turns(Turn.text(SUMMARY))
    result = await full_compact(messages, provider, model=MODEL, keep_tail_tokens=10_000)
    assert result.replaces > 1
    kept = messages[result.replaces :]
    assert result.messages[1:] == kept
    assert kept[0].role == "assistant" and isinstance(kept[0].content[0], ThinkingBlock)
    assert estimate_context(kept) <= 10_000
    first = result.messages[0]
    texts = [b.text for b in first.content if isinstance(b, TextBlock)]
    assert texts[-2].startswith("[The user's latest request, verbatim] Work on it had started")
    assert texts[-1] == "Make every test in the repository pass."  # verbatim
    assert check_conversation(result.messages) == []
    assert result.tokens_after < result.tokens_before / 2
    assert "Make every test in the repository pass." in prompt_of(fake)
    # Every tool call kept still has its result in the tail.
    uses = [b.id for m in kept for b in m.content if isinstance(b, ToolUseBlock)]
    assert uses and len(uses) == len(set(uses))


async def test_request_sharing_a_message_with_tool_results(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    # The user typed while a tool ran: the request travels with the tool result.
    messages = long_conversation(turns=3)[:-4]
    messages += [
        Message.user_text("Run the linter."),
        Message(role="assistant", content=[ToolUseBlock(id="toolu_x", name="Bash", input={})]),
        Message(
            role="user",
            content=[
                ToolResultBlock(tool_use_id="toolu_x", content="ok"),
                TextBlock(text="Also add tests."),
            ],
        ),
        Message(role="assistant", content=[TextBlock(text="Added them.")]),
    ]
    assert check_conversation(messages) == []
    fake.add_turns(Turn.text(SUMMARY))
    result = await full_compact(messages, provider, model=MODEL)
    assert result.replaces == len(messages) - 1
    assert result.messages[1:] == messages[-1:]
    assert result.messages[0].content[-1] == TextBlock(text="Also add tests.")
    assert check_conversation(result.messages) == []


async def test_compacting_again_right_away(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=5)
    fake.add_turns(Turn.text(SUMMARY), Turn.text("Second summary."))
    first = await full_compact(messages, provider, model=MODEL, memory=extract_memory(messages))
    # Now the latest request shares the first message with the summary: the cut moves into
    # the turn, and the old summary is not copied along with the request.
    second = await full_compact(first.messages, provider, model=MODEL)
    assert second.replaces == len(first.messages) - 1
    head = second.messages[0]
    texts = [b.text for b in head.content if isinstance(b, TextBlock)]
    assert sum(t.startswith("[Summary of the earlier conversation]") for t in texts) == 1
    assert "Second summary." in texts[0]
    assert not any(t.startswith("## Session memory") for t in texts)
    assert head.content[-len(LATEST_REQUEST) :] == LATEST_REQUEST
    assert check_conversation(second.messages) == []
    assert SUMMARY in prompt_of(fake, 1)  # the first summary is summarised again


async def test_nothing_to_compact(provider: AnthropicProvider, fake: FakeAnthropic) -> None:
    only = [Message.user_text("hello")]
    with pytest.raises(NothingToCompactError):
        await full_compact(only, provider, model=MODEL)
    one_exchange = [
        Message.user_text("hello"),
        Message(role="assistant", content=[TextBlock(text="hi")]),
    ]
    with pytest.raises(NothingToCompactError):
        await full_compact(one_exchange, provider, model=MODEL)
    assert fake.message_requests == []


async def test_empty_summary_is_an_error(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.add_turns(Turn.text("<summary>  </summary>"))
    with pytest.raises(ProviderError, match="no text"):
        await full_compact(long_conversation(turns=2), provider, model=MODEL)


async def test_huge_transcript_is_cut_to_fit(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=2)
    filler = Message.user_text("x" * 900_000)
    messages = [filler, Message(role="assistant", content=[TextBlock(text="ok")]), *messages]
    fake.add_turns(Turn.text(SUMMARY))
    await full_compact(messages, provider, model=MODEL)
    prompt = prompt_of(fake)
    assert "characters of the transcript omitted to fit" in prompt
    assert len(prompt) < 600_000
    assert "Request 1: fix" in prompt  # the recent end is kept


def test_memory_is_optional_in_the_summary_message() -> None:
    assert SessionMemory().render() == ""
