"""A session as a Markdown transcript people can read and share."""

from __future__ import annotations

import json
import re

from claude_server.model import (
    Message,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from claude_server.sessions._fs import iso
from claude_server.sessions._replay import result_text, tool_title
from claude_server.sessions._types import LoadedSession

RESULT_LINES = 40
RESULT_CHARS = 4000
_TICKS = re.compile(r"`{3,}")


def fence(text: str, lang: str = "") -> str:
    """``text`` in a code fence longer than any run of backticks inside it."""
    longest = max((len(m.group(0)) for m in _TICKS.finditer(text)), default=2)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip(chr(10))}\n{ticks}"


def _shorten_result(text: str) -> str:
    lines = text.splitlines()
    cut = "\n".join(lines[:RESULT_LINES])
    if len(cut) > RESULT_CHARS:
        cut = cut[:RESULT_CHARS]
    hidden = len(text) - len(cut)
    if hidden > 0:
        cut += f"\n… ({len(lines) - min(len(lines), RESULT_LINES)} more lines, {hidden} chars)"
    return cut


def render_markdown(session: LoadedSession) -> str:
    """The conversation of ``session`` in Markdown.

    User prompts and assistant answers as sections; each tool call shows its input and, right
    under it, its result (cut to :data:`RESULT_LINES` lines); thinking is folded in a
    ``<details>`` element.
    """
    meta = session.meta
    out: list[str] = [f"# {session.title}", ""]
    out.append(f"- Session: `{meta.session_id}`")
    out.append(f"- Project: `{meta.cwd}`")
    if session.model:
        out.append(f"- Model: `{session.model}`")
    out.append(f"- Started: {iso(meta.created_at)}")
    if meta.forked_from and isinstance(meta.forked_from.get("sessionId"), str):
        out.append(f"- Forked from: `{meta.forked_from['sessionId']}`")
    if session.source == "claude-code":
        out.append("- Source: a Claude Code transcript")
    out.append("")
    if session.compactions:
        out += ["> Earlier messages were compacted; the first message below summarizes them.", ""]
    results = {
        block.tool_use_id: block
        for message in session.messages
        if message.role == "user"
        for block in message.content
        if isinstance(block, ToolResultBlock)
    }
    shown: set[str] = set()
    for message in session.messages:
        if message.role == "assistant":
            out += _assistant(message, results, shown)
        else:
            out += _user(message, shown)
    return "\n".join(out).rstrip("\n") + "\n"


def _assistant(message: Message, results: dict[str, ToolResultBlock], shown: set[str]) -> list[str]:
    out = ["## Assistant", ""]
    for block in message.content:
        if isinstance(block, TextBlock):
            if block.text.strip():
                out += [block.text.strip(), ""]
        elif isinstance(block, ThinkingBlock):
            if block.thinking.strip():
                out += ["<details><summary>Thinking</summary>", "", block.thinking.strip()]
                out += ["", "</details>", ""]
        elif isinstance(block, RedactedThinkingBlock):
            out += ["*(redacted thinking)*", ""]
        elif isinstance(block, ToolUseBlock | ServerToolUseBlock):
            server = " (run by the API)" if isinstance(block, ServerToolUseBlock) else ""
            out += [f"**Tool: {tool_title(block.name, block.input)}**{server}", ""]
            if block.input:
                out += [fence(json.dumps(block.input, indent=2, ensure_ascii=False), "json"), ""]
            result = results.get(block.id)
            if result is not None:
                shown.add(block.id)
                out += _result(result)
        else:
            out += [f"*[{block.type}]*", ""]
    return out


def _result(block: ToolResultBlock) -> list[str]:
    label = "Error" if block.is_error else "Result"
    text = result_text(block.content)
    if not text.strip():
        return [f"{label}: *(empty)*", ""]
    return [f"{label}:", "", fence(_shorten_result(text)), ""]


def _user(message: Message, shown: set[str]) -> list[str]:
    body: list[str] = []
    for block in message.content:
        if isinstance(block, TextBlock):
            if block.text.strip():
                body += [block.text.strip(), ""]
        elif isinstance(block, ToolResultBlock):
            if block.tool_use_id not in shown:
                body += [f"Tool result for `{block.tool_use_id}`:", ""]
                body += _result(block)
        else:
            body += [f"*[{block.type}]*", ""]
    return ["## User", "", *body] if body else []
