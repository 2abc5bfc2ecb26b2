"""The summary request: its instructions and the transcript it is asked to summarise.

The older messages are sent as a plain-text transcript inside one user message, not as the
original messages: the request then needs no tool definitions (the API rejects ``tool_use``
blocks in a request without them), it cannot break the role or pairing rules, and it can be cut
to fit the window even when the conversation itself no longer does. Tool results and tool
inputs are shortened in the transcript (the summary needs what happened, not every byte of a
file); thinking is left out (it is the model's scratch work) and media become placeholders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from claude_server.model import (
    ContentBlock,
    DocumentBlock,
    ImageBlock,
    Message,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)

__all__ = [
    "SUMMARY_SYSTEM",
    "extract_summary",
    "render_transcript",
    "summary_prompt",
]

SUMMARY_SYSTEM: Final = (
    "You write precise, factual summaries of coding sessions between a user and an AI coding "
    "assistant. Your summary replaces the conversation it describes: the assistant will carry "
    "on from the summary alone, so keep every fact it needs to continue and leave out the rest."
)

_PROMPT_HEAD: Final = """\
Below is the transcript of the earlier part of a coding session between a user and an AI coding \
assistant that works in the user's project through tools. That part is about to be removed from \
the conversation to free context, and your summary will take its place.

<transcript>
"""

_PROMPT_TAIL: Final = """\
</transcript>

Summarise the transcript in Markdown, with these sections:

1. **User's goals**: everything the user asked for, in order, including changes of direction. \
Quote requirements and constraints the user stated exactly.
2. **Work done**: what was done and found, in order, and where things stand now.
3. **Files and code**: every file read, created or changed, why it matters, and the code needed \
to continue (signatures, key snippets, what was changed).
4. **Errors and fixes**: problems met, how they were solved, and what the user corrected.
5. **Open tasks**: what remains to be done, as the user asked for it.
6. **Next step**: the very next action, in line with the user's most recent request; quote the \
latest exchange where it pins down the task.

Be specific: names, paths, commands, numbers. Do not invent anything that is not in the \
transcript. Do not call tools. Put the whole summary inside <summary></summary> tags and write \
nothing outside them."""

TOOL_INPUT_CHARS: Final = 600
TOOL_RESULT_CHARS: Final = 1_500
_SUMMARY_TAG: Final = re.compile(r"<summary>(.*?)(?:</summary>|\Z)", re.DOTALL)


def summary_prompt(transcript: str, instructions: str | None) -> str:
    """The user message of the summary request."""
    text = _PROMPT_HEAD + transcript.rstrip("\n") + "\n" + _PROMPT_TAIL
    if instructions and instructions.strip():
        text += (
            "\n\nAdditional instructions for this summary (follow them where they conflict "
            f"with the above):\n<instructions>\n{instructions.strip()}\n</instructions>"
        )
    return text


def extract_summary(text: str) -> str:
    """The summary in a response: what the ``<summary>`` tags hold, else the whole text."""
    match = _SUMMARY_TAG.search(text)
    body = match.group(1) if match else text
    return body.strip()


def _clip(text: str, limit: int, what: str) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n[... {len(text) - limit:,} more characters of this {what} ...]"


def _result_text(block: ToolResultBlock) -> str:
    if isinstance(block.content, str):
        return block.content
    parts: list[str] = []
    for part in block.content:
        kind = part.get("type")
        if kind == "text" and isinstance(part.get("text"), str):
            parts.append(part["text"])
        else:
            parts.append(f"[{kind}]")
    return "\n".join(parts)


def _render_block(block: ContentBlock, names: dict[str, str]) -> str | None:
    if isinstance(block, TextBlock):
        return block.text
    if isinstance(block, ToolUseBlock | ServerToolUseBlock):
        names[block.id] = block.name
        data = json.dumps(block.input, ensure_ascii=False)
        return f"[tool call {block.name}: {_clip(data, TOOL_INPUT_CHARS, 'input')}]"
    if isinstance(block, ToolResultBlock):
        name = names.get(block.tool_use_id, "tool")
        label = f"{name} error" if block.is_error else name
        return f"[{label} result]\n{_clip(_result_text(block), TOOL_RESULT_CHARS, 'result')}"
    if isinstance(block, ThinkingBlock | RedactedThinkingBlock):
        return None
    if isinstance(block, ImageBlock):
        return "[image]"
    if isinstance(block, DocumentBlock):
        title = getattr(block, "title", None)
        return f"[document: {title}]" if isinstance(title, str) else "[document]"
    kind: Any = getattr(block, "type", "block")
    return f"[{kind} block]"


def render_transcript(messages: Sequence[Message], max_chars: int) -> str:
    """``messages`` as readable text of at most about ``max_chars`` characters.

    A transcript longer than that keeps its first fifth and its end, with a note in between:
    the start holds the original goals, the end the current state.
    """
    names: dict[str, str] = {}
    chunks: list[str] = []
    for message in messages:
        rendered = [r for b in message.content if (r := _render_block(b, names)) is not None]
        if rendered:
            speaker = "User" if message.role == "user" else "Assistant"
            chunks.append(f"### {speaker}\n" + "\n".join(rendered))
    text = "\n\n".join(chunks)
    if len(text) <= max_chars:
        return text
    head = max_chars // 5
    tail = max_chars - head
    removed = len(text) - head - tail
    note = f"\n\n[... {removed:,} characters of the transcript omitted to fit ...]\n\n"
    return text[:head] + note + text[-tail:]
