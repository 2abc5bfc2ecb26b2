"""Conversation compaction: keep a long session within the model's context window.

Four stages, as in the seed's compaction crate:

1. **auto**: after each turn the engine calls :func:`compact` with ``trigger="auto"``; it
   measures the context (the API's last usage figures plus a local estimate of what was
   appended since, :func:`context_tokens`) and acts only past the threshold
   (:func:`should_compact`: 80% of the model's window, or less than 32K tokens left).
2. **micro** (:func:`micro_compact`): old, oversized tool results keep their head and a note;
   old images and documents become notes. If that is enough, the pipeline stops.
3. **session memory** (:func:`extract_memory`): files touched, commands run, the task list, the
   user's requests, preferences and decisions, extracted mechanically before anything goes.
4. **full** (:func:`full_compact`): one summary request to the model; the older messages give way
   to one user message holding the summary, the memory and CLAUDE.md, followed by the latest
   user request verbatim and whatever followed it. PreCompact hooks run first.

``compact(trigger="manual")`` (``/compact [instructions]``) always goes to the full stage.
A full result carries ``summary_message`` and ``replaces``: the compaction record the session
store needs to rebuild exactly ``result.messages`` on resume. Micro compaction is deterministic
and idempotent, so it need not be recorded: apply it again to a resumed conversation.

The package is engine-independent: it imports only the model, provider and error packages.
"""

from claude_server.compaction._conversation import (
    check_conversation,
    is_user_request,
    request_indices,
)
from claude_server.compaction._full import (
    DEFAULT_MAX_SUMMARY_TOKENS,
    CompactionResult,
    Cut,
    NothingToCompactError,
    Trigger,
    full_compact,
    join_summary,
    plan_cut,
)
from claude_server.compaction._markers import is_compaction_text
from claude_server.compaction._memory import SessionMemory, extract_memory
from claude_server.compaction._micro import (
    DEFAULT_HEAD_CHARS,
    DEFAULT_KEEP_RECENT_TURNS,
    DEFAULT_MAX_RESULT_CHARS,
    micro_compact,
    removed_note,
)
from claude_server.compaction._pipeline import CompactionSettings, PreCompactHook, compact
from claude_server.compaction._prompt import SUMMARY_SYSTEM, render_transcript, summary_prompt
from claude_server.compaction._tokens import (
    DEFAULT_CONTEXT_WINDOW,
    DEFAULT_RESERVE_TOKENS,
    DEFAULT_THRESHOLD,
    UsageMark,
    compaction_threshold,
    context_tokens,
    context_window,
    estimate_context,
    should_compact,
)

__all__ = [
    "DEFAULT_CONTEXT_WINDOW",
    "DEFAULT_HEAD_CHARS",
    "DEFAULT_KEEP_RECENT_TURNS",
    "DEFAULT_MAX_RESULT_CHARS",
    "DEFAULT_MAX_SUMMARY_TOKENS",
    "DEFAULT_RESERVE_TOKENS",
    "DEFAULT_THRESHOLD",
    "SUMMARY_SYSTEM",
    "CompactionResult",
    "CompactionSettings",
    "Cut",
    "NothingToCompactError",
    "PreCompactHook",
    "SessionMemory",
    "Trigger",
    "UsageMark",
    "check_conversation",
    "compact",
    "compaction_threshold",
    "context_tokens",
    "context_window",
    "estimate_context",
    "extract_memory",
    "full_compact",
    "is_compaction_text",
    "is_user_request",
    "join_summary",
    "micro_compact",
    "plan_cut",
    "removed_note",
    "render_transcript",
    "request_indices",
    "should_compact",
    "summary_prompt",
]
