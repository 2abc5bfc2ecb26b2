"""Measuring the context and the auto-compaction threshold."""

from __future__ import annotations

import pytest
from claude_server.compaction import (
    DEFAULT_CONTEXT_WINDOW,
    UsageMark,
    compaction_threshold,
    context_tokens,
    context_window,
    estimate_context,
    should_compact,
)
from claude_server.model import Message, Usage

from .compaction_scripted import MODEL, long_conversation

TOOLS = [{"name": "Read", "description": "Reads a file.", "input_schema": {"type": "object"}}]


def test_without_usage_the_whole_request_is_estimated() -> None:
    messages = long_conversation(turns=3)
    tokens = context_tokens(messages, None, system="You help.", tools=TOOLS)
    assert tokens == estimate_context(messages, system="You help.", tools=TOOLS)
    assert tokens > estimate_context(messages)  # system and tools count


def test_usage_figure_plus_estimate_of_what_was_appended() -> None:
    messages = long_conversation(turns=3)
    usage = Usage(
        input_tokens=10, cache_creation_input_tokens=2_000, cache_read_input_tokens=50_000
    )
    mark = UsageMark(usage, message_count=len(messages) - 2)
    assert mark.prompt_tokens == 52_010
    appended = messages[-2:]
    assert context_tokens(messages, mark) == 52_010 + estimate_context(appended)
    # Nothing appended: the API's figure alone.
    assert context_tokens(messages, UsageMark(usage, len(messages))) == 52_010


def test_a_mark_that_does_not_fit_falls_back_to_the_estimate() -> None:
    messages = long_conversation(turns=2)
    stale = UsageMark(Usage(input_tokens=99_999), message_count=len(messages) + 5)
    assert context_tokens(messages, stale) == estimate_context(messages)
    empty = UsageMark(Usage(), message_count=3)
    assert context_tokens(messages, empty) == estimate_context(messages)


def test_context_windows() -> None:
    assert context_window(MODEL) == 200_000
    assert context_window("claude-sonnet-4-5-20250929") == 200_000
    assert context_window("claude-opus-4-6") == 1_000_000
    assert context_window("gateway/some-model") == DEFAULT_CONTEXT_WINDOW == 200_000


def test_threshold_fraction_and_reserve() -> None:
    assert compaction_threshold(MODEL) == 160_000
    assert not should_compact(159_999, MODEL)
    assert should_compact(160_000, MODEL)
    # Near the top of the window the reserve governs: min(190K, 200K - 32K).
    assert compaction_threshold(MODEL, threshold=0.95) == 168_000
    assert should_compact(100_000, MODEL, threshold=0.5)
    assert not should_compact(100_000, MODEL, threshold=0.6)
    assert compaction_threshold("claude-opus-4-6") == 800_000
    assert compaction_threshold(MODEL, threshold=1.0, reserve=0) == 200_000
    with pytest.raises(ValueError, match="threshold"):
        compaction_threshold(MODEL, threshold=0)
    with pytest.raises(ValueError, match="reserve"):
        compaction_threshold(MODEL, reserve=-1)


def test_estimate_counts_images_by_size_not_bytes() -> None:
    text_only = [Message.user_text("look")]
    assert estimate_context(text_only) < 50
