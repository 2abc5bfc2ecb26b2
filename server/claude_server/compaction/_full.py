"""Full compaction: older messages give way to a summary written by the model.

The new conversation (the *tail rule*):

- the older messages ``messages[:keep_from]`` are replaced by ONE user message, the summary
  message: the summary (marked as a summary of the earlier conversation), the session memory
  and CLAUDE.md re-inserted, then the user's latest request;
- the tail ``messages[keep_from:]`` is kept exactly as it was.

Normally the tail starts at the latest user request (the last user message that is not only
tool results) and holds everything after it: the request's own blocks then follow the summary
in the same user message (two user messages in a row are merged, as the session store merges
them when it reads a compaction record back), and every ``tool_use`` in the tail has its result
in the tail. The result is a valid conversation: it starts with a user message, roles
alternate, tool calls are paired (:func:`~claude_server.compaction.check_conversation`).

When that tail cannot be kept (the request is the first message, so there is nothing before it
to summarise; the request message also carries tool results, whose calls would be summarised
away; or the current turn alone exceeds ``keep_tail_tokens``), the cut moves into the current
turn: the tail starts at one of its assistant messages (preferring one that opens with thinking
when the turn uses thinking, as the API expects of a continued tool loop), the latest request's
blocks are copied verbatim (tool results aside) into the summary message, and the summary covers
the turn's earlier steps. The tail then opens with an assistant message, so roles still
alternate and its tool calls are still answered inside it.

Either way ``messages == join(summary_message, original[keep_from:])``, which is what the session
store rebuilds from a compaction record ``(summary_message, replaces=keep_from)``: a resumed
session resumes compacted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from claude_server.compaction._conversation import is_user_request
from claude_server.compaction._markers import (
    CLAUDE_MD_HEADER,
    LATEST_REQUEST_HEADER,
    SUMMARY_HEADER,
    is_compaction_text,
)
from claude_server.compaction._memory import SessionMemory
from claude_server.compaction._prompt import (
    SUMMARY_SYSTEM,
    extract_summary,
    render_transcript,
    summary_prompt,
)
from claude_server.compaction._tokens import context_window, estimate_context
from claude_server.errors import CommandError, ProviderError
from claude_server.model import (
    AssistantMessage,
    ContentBlock,
    Message,
    MessageCompleted,
    ModelRequest,
    Provider,
    RedactedThinkingBlock,
    StreamRetrying,
    TextBlock,
    ThinkingBlock,
    ThinkingConfig,
    ToolResultBlock,
    Usage,
)
from claude_server.provider import model_info

__all__ = [
    "DEFAULT_MAX_SUMMARY_TOKENS",
    "CompactionResult",
    "Cut",
    "NothingToCompactError",
    "Trigger",
    "full_compact",
    "join_summary",
    "plan_cut",
]

Trigger = Literal["auto", "manual"]

DEFAULT_MAX_SUMMARY_TOKENS: Final = 12_000
"""Output room for the summary (kept within the model's output limit)."""

_PROMPT_RESERVE: Final = 8_000
"""Tokens kept free in the summary request for its instructions and estimate error."""

_TRANSCRIPT_CHARS_PER_TOKEN: Final = 3
"""Below the estimate's four: code and non-English text take more tokens per character."""


class NothingToCompactError(CommandError):
    """The conversation has nothing before the latest request that could be summarised."""


@dataclass(frozen=True, slots=True)
class Cut:
    """Where a full compaction cuts: ``messages[:keep_from]`` are summarised.

    ``request`` is the index of the latest user request; ``keep_from == request`` when the tail
    starts with it, ``keep_from > request`` when the cut falls inside the current turn.
    """

    keep_from: int
    request: int

    @property
    def inside_turn(self) -> bool:
        """Whether the request itself is among the summarised messages."""
        return self.keep_from > self.request


@dataclass(frozen=True, slots=True)
class CompactionResult:
    """What a compaction produced.

    ``messages`` is the new conversation. For a full compaction, ``summary_message`` stands for
    the first ``replaces`` messages of the conversation given (the compaction record to store),
    ``summary`` is the model's text and ``usage`` what the summary request consumed. For a micro
    compaction ``replaces`` is 0 and ``saved_chars`` tells what was cut. Token figures are the
    context size before and after (after: an estimate).
    """

    messages: list[Message]
    stage: Literal["micro", "full"]
    trigger: Trigger
    tokens_before: int
    tokens_after: int
    summary: str = ""
    summary_message: Message | None = None
    replaces: int = 0
    memory: SessionMemory | None = None
    saved_chars: int = 0
    usage: Usage | None = None


def _starts_with_thinking(message: Message) -> bool:
    return bool(message.content) and isinstance(
        message.content[0], ThinkingBlock | RedactedThinkingBlock
    )


def plan_cut(messages: Sequence[Message], keep_tail_tokens: int) -> Cut | None:
    """Where to cut ``messages`` (see the module docstring), or ``None`` if nothing can go."""
    requests = [i for i, m in enumerate(messages) if is_user_request(m)]
    if not requests:
        return None
    request = requests[-1]
    sizes = [estimate_context([m]) for m in messages]
    suffix = [0] * (len(messages) + 1)
    for index in range(len(messages) - 1, -1, -1):
        suffix[index] = suffix[index + 1] + sizes[index]
    mixed = any(isinstance(b, ToolResultBlock) for b in messages[request].content)
    if request > 0 and not mixed and suffix[request] <= keep_tail_tokens:
        return Cut(request, request)
    # Inside the turn. What is summarised must hold something besides the request itself, and
    # the tail keeps at least the last assistant message, so a finished turn stays finished.
    first = request + 1 if request > 0 else request + 2
    candidates = [i for i in range(first, len(messages)) if messages[i].role == "assistant"]
    if any(_starts_with_thinking(messages[i]) for i in candidates):
        candidates = [i for i in candidates if _starts_with_thinking(messages[i])]
    fitting = [i for i in candidates if suffix[i] <= keep_tail_tokens]
    if fitting:
        return Cut(fitting[0], request)
    if candidates:
        return Cut(candidates[-1], request)
    if request > 0 and request == len(messages) - 1:
        # The request is pending (nothing answered it yet): keep it whole if it can stand
        # alone, else summarise through it and let the model answer the summary message.
        return Cut(request, request) if not mixed else Cut(len(messages), request)
    return None


def join_summary(summary_message: Message, tail: Sequence[Message]) -> list[Message]:
    """``[summary_message, *tail]``, a leading user message of the tail merged into the summary.

    The same merge the session store applies when it reads a compaction record back.
    """
    if tail and tail[0].role == summary_message.role:
        merged = Message(
            role=summary_message.role, content=[*summary_message.content, *tail[0].content]
        )
        return [merged, *tail[1:]]
    return [summary_message, *tail]


def _summary_message(
    summary: str,
    memory: SessionMemory | None,
    claude_md: str | None,
    request: Message,
    cut: Cut,
    tail_length: int,
) -> Message:
    blocks: list[ContentBlock] = [
        TextBlock(
            text=f"{SUMMARY_HEADER}\nThis session continues an earlier conversation that was "
            "compacted to free context. The summary below stands for the messages it replaced. "
            "Rely on it, and read files again rather than guess at details it leaves out.\n\n"
            f"<summary>\n{summary}\n</summary>"
        )
    ]
    if memory is not None and not memory.is_empty:
        blocks.append(TextBlock(text=memory.render()))
    if claude_md and claude_md.strip():
        blocks.append(TextBlock(text=f"{CLAUDE_MD_HEADER}\n\n{claude_md.strip()}"))
    if not cut.inside_turn:
        blocks.append(TextBlock(text=f"{LATEST_REQUEST_HEADER} follows."))
        return Message(role="user", content=blocks)
    after = "the latest steps follow." if tail_length else "continue from where it stands."
    blocks.append(
        TextBlock(
            text=f"{LATEST_REQUEST_HEADER} Work on it had started: the summary above covers "
            f"the progress so far; {after}"
        )
    )
    # Tool results would lose their calls; an earlier summary is in the transcript already.
    blocks.extend(
        b.model_copy(deep=True)
        for b in request.content
        if not isinstance(b, ToolResultBlock)
        and not (isinstance(b, TextBlock) and is_compaction_text(b.text))
    )
    return Message(role="user", content=blocks)


async def _complete(
    provider: Provider, request: ModelRequest, on_retry: Callable[[StreamRetrying], None] | None
) -> AssistantMessage:
    final: AssistantMessage | None = None
    stream = provider.stream(request)
    try:
        async for event in stream:
            if isinstance(event, MessageCompleted):
                final = event.message
            elif isinstance(event, StreamRetrying) and on_retry is not None:
                on_retry(event)
    finally:
        # Close the HTTP response now, not when the generator is collected.
        aclose = getattr(stream, "aclose", None)
        if aclose is not None:
            await aclose()
    if final is None:
        raise ProviderError("the summary request ended without a complete response")
    return final


async def full_compact(
    messages: Sequence[Message],
    provider: Provider,
    *,
    model: str,
    instructions: str | None = None,
    memory: SessionMemory | None = None,
    claude_md: str | None = None,
    max_summary_tokens: int = DEFAULT_MAX_SUMMARY_TOKENS,
    keep_tail_tokens: int | None = None,
    trigger: Trigger = "manual",
    on_retry: Callable[[StreamRetrying], None] | None = None,
) -> CompactionResult:
    """Summarise the older part of ``messages`` with one request to ``provider``.

    ``instructions`` steer the summary (``/compact focus on the parser``); ``memory`` and
    ``claude_md`` are re-inserted after the summary; ``keep_tail_tokens`` bounds the kept tail
    (default: a quarter of the model's window). Token figures are local estimates of the
    messages alone. Raises :class:`NothingToCompactError` when nothing precedes the latest
    request, and provider errors as they come (the conversation is then left as it was).
    """
    window = context_window(model)
    cut = plan_cut(messages, window // 4 if keep_tail_tokens is None else keep_tail_tokens)
    if cut is None:
        raise NothingToCompactError("There is nothing to compact yet.")
    info = model_info(model)
    max_tokens = min(max_summary_tokens, info.max_output) if info else max_summary_tokens
    budget = max(20_000, (window - max_tokens - _PROMPT_RESERVE) * _TRANSCRIPT_CHARS_PER_TOKEN)
    transcript = render_transcript(messages[: cut.keep_from], budget)
    request = ModelRequest(
        model=model,
        messages=[Message.user_text(summary_prompt(transcript, instructions))],
        max_tokens=max_tokens,
        system=SUMMARY_SYSTEM,
        # A one-off prompt: a cache write would cost more and never be read.
        cache=False,
        thinking=ThinkingConfig.off(),
    )
    response = await _complete(provider, request, on_retry)
    if response.stop_reason == "refusal":
        raise ProviderError("the model declined to summarise the conversation")
    summary = extract_summary(response.text())
    if not summary:
        raise ProviderError("the summary request returned no text")
    tail = list(messages[cut.keep_from :])
    summary_message = _summary_message(
        summary, memory, claude_md, messages[cut.request], cut, len(tail)
    )
    new = join_summary(summary_message, tail)
    return CompactionResult(
        messages=new,
        stage="full",
        trigger=trigger,
        tokens_before=estimate_context(messages),
        tokens_after=estimate_context(new),
        summary=summary,
        summary_message=summary_message,
        replaces=cut.keep_from,
        memory=memory,
        usage=response.usage,
    )
