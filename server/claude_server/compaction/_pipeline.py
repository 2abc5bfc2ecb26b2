"""The compaction pipeline: auto trigger, micro, session memory, full.

``compact(trigger="auto")`` is meant to be called after every turn: it measures the context
(:func:`~claude_server.compaction.context_tokens`) and does nothing below the threshold. Above
it, micro compaction runs first; when that brings the context back under the threshold the
pipeline stops there (no model call, no lost messages). Otherwise, and always for
``trigger="manual"`` (``/compact``), the PreCompact callback runs, the session memory is
extracted from the whole conversation (merged into the previous one) and a full compaction
summarises the older messages.

Token figures in the result are on the API's scale: the local estimate of the new conversation
is multiplied by the ratio between the measured size and the local estimate of the old one,
because local estimates are consistently off by a model-dependent factor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from claude_server.compaction._full import (
    DEFAULT_MAX_SUMMARY_TOKENS,
    CompactionResult,
    Trigger,
    full_compact,
    plan_cut,
)
from claude_server.compaction._memory import SessionMemory, extract_memory
from claude_server.compaction._micro import (
    DEFAULT_HEAD_CHARS,
    DEFAULT_KEEP_RECENT_TURNS,
    DEFAULT_MAX_RESULT_CHARS,
    micro_compact,
)
from claude_server.compaction._tokens import (
    DEFAULT_RESERVE_TOKENS,
    DEFAULT_THRESHOLD,
    UsageMark,
    context_tokens,
    context_window,
    estimate_context,
    should_compact,
)
from claude_server.model import Message, Provider, StreamRetrying

__all__ = ["CompactionSettings", "PreCompactHook", "compact"]

PreCompactHook = Callable[[Trigger, str | None], Awaitable[str | None]]
"""Runs before a full compaction with the trigger and the user's instructions.

It returns extra instructions for the summary (or ``None``); raising cancels the compaction
(the exception propagates and the conversation is left as it was).
"""


@dataclass(frozen=True, slots=True)
class CompactionSettings:
    """The pipeline's knobs; the defaults suit every current model."""

    threshold: float = DEFAULT_THRESHOLD
    """Auto compaction starts at this fraction of the context window."""
    reserve_tokens: int = DEFAULT_RESERVE_TOKENS
    """... or when fewer tokens than this are left, whichever comes first."""
    keep_recent_turns: int = DEFAULT_KEEP_RECENT_TURNS
    """Micro compaction leaves the last turns alone (at least 1, so the tail stays intact)."""
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS
    head_chars: int = DEFAULT_HEAD_CHARS
    max_summary_tokens: int = DEFAULT_MAX_SUMMARY_TOKENS
    keep_tail_tokens: int | None = None
    """Largest tail a full compaction keeps; default a quarter of the window."""

    def __post_init__(self) -> None:
        if self.keep_recent_turns < 1:
            raise ValueError("keep_recent_turns must be at least 1")


_DEFAULT_SETTINGS: Final = CompactionSettings()


def _scaled(local: int, scale: float) -> int:
    return max(1, round(local * scale))


async def compact(
    messages: Sequence[Message],
    provider: Provider,
    *,
    model: str,
    trigger: Trigger = "auto",
    instructions: str | None = None,
    claude_md: str | None = None,
    previous_memory: SessionMemory | None = None,
    pre_compact: PreCompactHook | None = None,
    last_usage: UsageMark | None = None,
    system: str | list[dict[str, Any]] | None = None,
    tools: Sequence[dict[str, Any]] = (),
    settings: CompactionSettings = _DEFAULT_SETTINGS,
    on_retry: Callable[[StreamRetrying], None] | None = None,
) -> CompactionResult | None:
    """Run the pipeline on ``messages``; ``None`` when nothing was (or could be) compacted.

    ``last_usage``, ``system`` and ``tools`` measure the context as the next request would be;
    ``claude_md`` is re-inserted after a summary (leave it out when CLAUDE.md travels in the
    system prompt). A micro-only result has ``stage == "micro"`` and ``replaces == 0``.
    """
    tokens_before = context_tokens(messages, last_usage, system=system, tools=tools)
    local_before = estimate_context(messages, system=system, tools=tools)
    scale = tokens_before / local_before
    over = should_compact(
        tokens_before, model, threshold=settings.threshold, reserve=settings.reserve_tokens
    )
    if trigger == "auto" and not over:
        return None
    micro: CompactionResult | None = None
    if trigger == "auto":
        shortened, saved = micro_compact(
            messages,
            keep_recent_turns=settings.keep_recent_turns,
            max_result_chars=settings.max_result_chars,
            head_chars=settings.head_chars,
        )
        if saved:
            after = _scaled(estimate_context(shortened, system=system, tools=tools), scale)
            micro = CompactionResult(
                messages=shortened,
                stage="micro",
                trigger=trigger,
                tokens_before=tokens_before,
                tokens_after=after,
                saved_chars=saved,
            )
            if not should_compact(
                after, model, threshold=settings.threshold, reserve=settings.reserve_tokens
            ):
                return micro
    window = context_window(model)
    tail_tokens = window // 4 if settings.keep_tail_tokens is None else settings.keep_tail_tokens
    if plan_cut(messages, tail_tokens) is None:
        return micro  # too little history to summarise; micro's gain (if any) still counts
    extra = await pre_compact(trigger, instructions) if pre_compact is not None else None
    combined = "\n\n".join(t.strip() for t in (instructions, extra) if t and t.strip()) or None
    memory = extract_memory(messages)
    if previous_memory is not None:
        memory = previous_memory.merge(memory)
    # The original messages, not micro's: the kept tail must be what the session store holds.
    result = await full_compact(
        messages,
        provider,
        model=model,
        instructions=combined,
        memory=memory,
        claude_md=claude_md,
        max_summary_tokens=settings.max_summary_tokens,
        keep_tail_tokens=tail_tokens,
        trigger=trigger,
        on_retry=on_retry,
    )
    after = _scaled(estimate_context(result.messages, system=system, tools=tools), scale)
    return replace(result, tokens_before=tokens_before, tokens_after=after)
