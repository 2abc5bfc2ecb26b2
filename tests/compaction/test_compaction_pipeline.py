"""The pipeline: auto trigger, micro first, then memory and full; manual; PreCompact hooks."""

from __future__ import annotations

from typing import Any

import pytest
from claude_server.compaction import (
    CompactionResult,
    CompactionSettings,
    SessionMemory,
    Trigger,
    UsageMark,
    check_conversation,
    compact,
    compaction_threshold,
    estimate_context,
    is_user_request,
    micro_compact,
)
from claude_server.errors import OperationCancelledError
from claude_server.model import (
    Message,
    MessageCompleted,
    ModelRequest,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
)
from claude_server.provider import AnthropicProvider
from fake_anthropic import FakeAnthropic, RecordedRequest, Turn

from .compaction_scripted import MODEL, file_text, long_conversation

SUMMARY = "## User's goals\nFix every module.\n## Next step\nRefactor the parser."
WINDOW = 200_000


def prompt_of(request: RecordedRequest) -> str:
    (message,) = request.body["messages"]
    return "".join(block["text"] for block in message["content"])


async def test_auto_below_the_threshold_does_nothing(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=3)
    assert await compact(messages, provider, model=MODEL) is None
    mark = UsageMark(Usage(input_tokens=159_000), message_count=len(messages))
    assert await compact(messages, provider, model=MODEL, last_usage=mark) is None
    assert fake.message_requests == []


async def test_auto_stops_after_micro_when_that_is_enough(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=32)
    local = estimate_context(messages)
    shortened = micro_compact(messages)[0]
    # The API measured 170K tokens: past the 160K threshold, and micro saves most of it.
    mark = UsageMark(Usage(input_tokens=1_000, cache_read_input_tokens=169_000), len(messages))
    result = await compact(messages, provider, model=MODEL, last_usage=mark)
    assert isinstance(result, CompactionResult)
    assert result.stage == "micro" and result.trigger == "auto"
    assert result.tokens_before == 170_000
    assert result.tokens_after == round(estimate_context(shortened) * 170_000 / local)
    assert result.tokens_after < compaction_threshold(MODEL)
    assert result.messages == shortened
    assert result.replaces == 0 and result.summary_message is None and result.saved_chars > 0
    assert check_conversation(result.messages) == []
    assert fake.message_requests == []  # no model call


async def test_auto_goes_on_to_full_when_micro_is_not_enough(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=32)
    after_micro = estimate_context(micro_compact(messages)[0])
    settings = CompactionSettings(threshold=after_micro / 2 / WINDOW)
    calls: list[tuple[Trigger, str | None]] = []

    async def hook(trigger: Trigger, instructions: str | None) -> str | None:
        calls.append((trigger, instructions))
        assert fake.message_requests == []  # hooks run before the summary request
        return None

    fake.add_turns(Turn.text(SUMMARY))
    previous = SessionMemory(preferences=("Reply in French.",))
    result = await compact(
        messages,
        provider,
        model=MODEL,
        settings=settings,
        pre_compact=hook,
        previous_memory=previous,
    )
    assert isinstance(result, CompactionResult) and result.stage == "full"
    assert calls == [("auto", None)]
    assert result.memory is not None
    assert result.memory.preferences[0] == "Reply in French."
    assert "/repo/src/module_0.py" in result.memory.files_modified
    assert result.summary_message is not None
    rendered = "\n".join(b.text for b in result.summary_message.content if isinstance(b, TextBlock))
    assert "- Reply in French." in rendered
    assert result.tokens_before == estimate_context(messages)
    assert result.tokens_after < compaction_threshold(MODEL, threshold=settings.threshold)
    assert result.messages[1:] == messages[result.replaces + 1 :]
    assert check_conversation(result.messages) == []
    # The transcript holds the original results, shortened by the transcript's own rule.
    assert "more characters of this result" in prompt_of(fake.message_requests[0])


async def test_manual_always_summarises_with_instructions_and_hook_instructions(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    messages = long_conversation(turns=3)  # far below any threshold
    calls: list[tuple[Trigger, str | None]] = []

    async def hook(trigger: Trigger, instructions: str | None) -> str | None:
        calls.append((trigger, instructions))
        return "Mention every failed test run."

    fake.add_turns(Turn.text(SUMMARY))
    result = await compact(
        messages,
        provider,
        model=MODEL,
        trigger="manual",
        instructions="Keep the parser details.",
        pre_compact=hook,
    )
    assert isinstance(result, CompactionResult)
    assert result.stage == "full" and result.trigger == "manual"
    assert calls == [("manual", "Keep the parser details.")]
    instructions = prompt_of(fake.message_requests[0]).split("<instructions>")[1]
    assert "Keep the parser details.\n\nMention every failed test run." in instructions
    assert check_conversation(result.messages) == []


async def test_a_pre_compact_hook_can_cancel(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    async def hook(trigger: Trigger, instructions: str | None) -> str | None:
        raise OperationCancelledError("a PreCompact hook blocked compaction")

    with pytest.raises(OperationCancelledError):
        await compact(
            long_conversation(turns=3), provider, model=MODEL, trigger="manual", pre_compact=hook
        )
    assert fake.message_requests == []


async def test_nothing_to_compact_returns_none_without_running_hooks(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    async def hook(trigger: Trigger, instructions: str | None) -> str | None:
        raise AssertionError("must not run")

    only = [Message.user_text("hello"), Message(role="assistant", content=[TextBlock(text="hi")])]
    assert await compact(only, provider, model=MODEL, trigger="manual", pre_compact=hook) is None
    assert fake.message_requests == []


def test_settings_keep_at_least_one_turn() -> None:
    with pytest.raises(ValueError, match="keep_recent_turns"):
        CompactionSettings(keep_recent_turns=0)


# -- an engine-like session: turns through the fake, auto compaction after each ---------------


def _reply(request: RecordedRequest) -> Turn:
    """The model: summarises when asked, else reads a file, then answers."""
    body: dict[str, Any] = request.body
    if "summaries of coding sessions" in str(body.get("system")):
        return Turn.text(f"<summary>{SUMMARY}</summary>")
    last = body["messages"][-1]
    if any(block.get("type") == "tool_result" for block in last["content"]):
        return Turn.text("Done; the tests pass.")
    return Turn.tool_use("Read", {"file_path": f"/repo/src/file_{len(body['messages'])}.py"})


async def _respond(
    provider: AnthropicProvider, messages: list[Message]
) -> tuple[Message, UsageMark]:
    request = ModelRequest(model=MODEL, messages=list(messages), max_tokens=1024)
    assert check_conversation(messages) == [], "the fake would get an invalid conversation"
    final = [e async for e in provider.stream(request) if isinstance(e, MessageCompleted)][-1]
    return final.message.as_message(), UsageMark(final.message.usage, len(request.messages))


async def test_a_long_session_with_auto_compaction(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    fake.add_turns(*([_reply] * 200))
    # 50K tokens; micro keeps big heads, so it holds for a while and then no longer suffices.
    settings = CompactionSettings(
        threshold=0.25, keep_recent_turns=2, max_result_chars=12_000, head_chars=10_000
    )
    messages: list[Message] = []
    stages: list[str] = []
    mark: UsageMark | None = None
    memory: SessionMemory | None = None
    for turn in range(40):
        prompt = f"Turn {turn}: look at the next file and fix what is wrong."
        messages.append(Message.user_text(prompt))
        reply, mark = await _respond(provider, messages)
        messages.append(reply)
        (use,) = [b for b in reply.content if isinstance(b, ToolUseBlock)]
        result_block = ToolResultBlock(tool_use_id=use.id, content=file_text(f"t{turn}", 24_000))
        messages.append(Message(role="user", content=[result_block]))
        reply, mark = await _respond(provider, messages)
        messages.append(reply)

        result = await compact(
            messages,
            provider,
            model=MODEL,
            last_usage=mark,
            settings=settings,
            previous_memory=memory,
        )
        if result is None:
            continue
        stages.append(result.stage)
        assert result.tokens_after < result.tokens_before
        assert check_conversation(result.messages) == []
        requests = [m for m in result.messages if is_user_request(m)]
        assert requests[-1].content[-1] == TextBlock(text=prompt)  # the latest request, verbatim
        messages, mark = result.messages, None  # a mark describes the old list
        memory = result.memory or memory
    assert "micro" in stages and "full" in stages
    assert stages.index("micro") < stages.index("full")
    assert memory is not None and len(memory.files_read) > 5
    assert estimate_context(messages) < compaction_threshold(MODEL, threshold=0.25)
    # The session carries on after its compactions.
    messages.append(Message.user_text("Anything left?"))
    reply, _ = await _respond(provider, messages)
    assert reply.role == "assistant"
