"""Micro compaction: shorten what old turns carry, without losing the conversation's shape.

Old tool results are the bulk of a long session's context (whole files, long command output)
and the model rarely needs them again in full once it has acted on them. Each one longer than
``max_result_chars`` keeps its head (cut at a line break when one is near) and gets a note
saying how much was removed; images and base64 documents in old turns give way to a short
note. Every block keeps its place, so ``tool_use``/``tool_result`` pairing and roles are exactly
as before.

The last ``keep_recent_turns`` turns are never touched (a turn starts at a user request, see
:func:`~claude_server.compaction.is_user_request`): the model is still working with them.

The function is pure and idempotent (a shortened result is below the limit), so the engine need
not record it: applying it again to the stored conversation gives the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from claude_server.compaction._conversation import request_indices
from claude_server.model import (
    ContentBlock,
    DocumentBlock,
    ImageBlock,
    Message,
    TextBlock,
    ToolResultBlock,
)

__all__ = [
    "DEFAULT_HEAD_CHARS",
    "DEFAULT_KEEP_RECENT_TURNS",
    "DEFAULT_MAX_RESULT_CHARS",
    "MEDIA_CHARS",
    "micro_compact",
    "removed_note",
]

DEFAULT_KEEP_RECENT_TURNS: Final = 3
DEFAULT_MAX_RESULT_CHARS: Final = 4_000
DEFAULT_HEAD_CHARS: Final = 1_000

MEDIA_CHARS: Final = 6_400
"""What removing one image or document counts for in ``saved_chars``.

The local estimate counts an image as 1,600 tokens, four characters each; counting the base64
bytes instead would overstate the saving many times over.
"""

IMAGE_NOTE: Final = "[an image was removed here to save context]"
DOCUMENT_NOTE: Final = "[a document was removed here to save context]"


_NOTE = re.compile(
    r"\[\.\.\. [\d,]+ characters of this tool result were removed to save context \.\.\.\]\Z"
)


def removed_note(count: int) -> str:
    """The note that replaces ``count`` removed characters of a tool result."""
    return f"[... {count:,} characters of this tool result were removed to save context ...]"


def micro_compact(
    messages: Sequence[Message],
    *,
    keep_recent_turns: int = DEFAULT_KEEP_RECENT_TURNS,
    max_result_chars: int = DEFAULT_MAX_RESULT_CHARS,
    head_chars: int = DEFAULT_HEAD_CHARS,
) -> tuple[list[Message], int]:
    """``messages`` with old oversized tool results shortened and old media dropped.

    Returns the new list (unchanged messages are the same objects; changed ones are copies, the
    input is never modified) and how many characters were saved (media count
    :data:`MEDIA_CHARS` each). With fewer than ``keep_recent_turns`` turns nothing changes.
    """
    if keep_recent_turns < 0:
        raise ValueError(f"keep_recent_turns must be >= 0, got {keep_recent_turns}")
    if head_chars < 0 or max_result_chars < head_chars:
        raise ValueError("need 0 <= head_chars <= max_result_chars")
    turns = request_indices(messages)
    if keep_recent_turns == 0:
        protected = len(messages)
    elif len(turns) > keep_recent_turns:
        protected = turns[-keep_recent_turns]
    else:
        protected = 0
    out = list(messages)
    saved = 0
    for index in range(protected):
        message = messages[index]
        if message.role != "user":
            continue  # tool results and attached media live in user messages
        blocks: list[ContentBlock] = []
        changed = False
        for block in message.content:
            new_block, gain = _shrink(block, max_result_chars, head_chars)
            blocks.append(new_block)
            if gain:
                changed = True
                saved += gain
        if changed:
            out[index] = message.model_copy(update={"content": blocks})
    return out, saved


def _shrink(block: ContentBlock, limit: int, head: int) -> tuple[ContentBlock, int]:
    if isinstance(block, ImageBlock):
        return TextBlock(text=IMAGE_NOTE), MEDIA_CHARS
    if isinstance(block, DocumentBlock) and block.source.get("type") == "base64":
        return TextBlock(text=DOCUMENT_NOTE), MEDIA_CHARS
    if not isinstance(block, ToolResultBlock):
        return block, 0
    if isinstance(block.content, str):
        # A result shortened before is left alone, whatever its length: idempotence.
        if len(block.content) <= limit or _NOTE.search(block.content):
            return block, 0
        kept = _head(block.content, head)
        removed = len(block.content) - len(kept)
        text = f"{kept}\n{removed_note(removed)}" if kept else removed_note(removed)
        return block.model_copy(update={"content": text}), removed
    content, saved = _shrink_parts(block.content, limit, head)
    if not saved:
        return block, 0
    return block.model_copy(update={"content": content}), saved


def _shrink_parts(
    parts: list[dict[str, Any]], limit: int, head: int
) -> tuple[list[dict[str, Any]], int]:
    """A result's list content, shortened: text over ``limit`` in all keeps ``head`` of it."""
    total = sum(len(p["text"]) for p in parts if _is_text(p))
    shortened = bool(parts) and _is_text(parts[-1]) and bool(_NOTE.search(parts[-1]["text"]))
    cut = total > limit and not shortened
    budget = head
    removed = 0
    saved = 0
    out: list[dict[str, Any]] = []
    for part in parts:
        kind = part.get("type")
        if kind == "image" or (kind == "document" and _is_base64(part)):
            out.append({"type": "text", "text": IMAGE_NOTE if kind == "image" else DOCUMENT_NOTE})
            saved += MEDIA_CHARS
        elif cut and _is_text(part):
            text: str = part["text"]
            kept = _head(text, budget) if budget > 0 else ""
            # Once a block is cut, later ones go whole: a few stray characters help nobody.
            budget = budget - len(kept) if len(kept) == len(text) else 0
            removed += len(text) - len(kept)
            if kept:
                out.append({**part, "text": kept})
        else:
            out.append(part)
    if removed:
        out.append({"type": "text", "text": removed_note(removed)})
    return out, saved + removed


def _is_text(part: dict[str, Any]) -> bool:
    return part.get("type") == "text" and isinstance(part.get("text"), str)


def _is_base64(part: dict[str, Any]) -> bool:
    source = part.get("source")
    return isinstance(source, dict) and source.get("type") == "base64"


def _head(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, ending at a line break if one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind("\n")
    # Whole lines read better; but not at the price of losing more than half the head.
    return head[:cut] if cut >= limit // 2 else head
