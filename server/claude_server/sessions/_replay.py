"""Conversations without events: a replay made from messages, and a conversation made valid.

Sessions imported from Claude Code have messages but no events; :func:`synthesize_events` gives
them a replay a client can render. :func:`repair_conversation` makes a conversation acceptable
to the Messages API again after a crash or an import (every tool call answered, roles
alternating), without touching what was said.
"""

from __future__ import annotations

from typing import Any, Literal

from claude_server.model import (
    AgentTextEvent,
    AgentThoughtEvent,
    ContentBlock,
    Message,
    SessionEvent,
    TextBlock,
    TextDisplay,
    ThinkingBlock,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolResultBlock,
    ToolUseBlock,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UserMessageEvent,
)

INTERRUPTED_RESULT = "The tool call was interrupted before it finished."
"""The result given to a tool call that never got one (the session stopped mid-call)."""

DISPLAY_LIMIT = 4000
"""How much of a tool result a synthesized replay shows."""

_READ_TOOLS = frozenset({"Read", "Glob", "Grep", "LS", "WebFetch", "WebSearch", "NotebookRead"})
_EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})
_EXEC_TOOLS = frozenset({"Bash", "BashOutput", "KillShell", "KillBash"})
_TITLE_KEYS = ("file_path", "path", "command", "pattern", "url", "query", "description")


def tool_kind(name: str) -> Literal["read", "edit", "execute", "other"]:
    """The rough kind of a tool by its (Claude Code) name."""
    if name in _READ_TOOLS:
        return "read"
    if name in _EDIT_TOOLS:
        return "edit"
    if name in _EXEC_TOOLS:
        return "execute"
    return "other"


def tool_title(name: str, tool_input: dict[str, Any]) -> str:
    """A one-line title for a tool call: its name and its main argument."""
    for key in _TITLE_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value.strip():
            first = value.strip().splitlines()[0]
            return f"{name} {first[:80]}"
    return name


def result_text(content: str | list[dict[str, Any]]) -> str:
    """The text of a tool result's content (blocks other than text are named, not shown)."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content:
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            parts.append(block["text"])
        else:
            parts.append(f"[{block.get('type', 'block')}]")
    return "\n".join(parts)


def synthesize_events(messages: list[Message]) -> tuple[list[tuple[int, SessionEvent]], list[int]]:
    """A replay for a conversation that has no recorded events, and its event marks.

    Each user prompt opens a turn (``turn_started``, ``user_message``); assistant text and
    thinking become chunks; tool calls and their results become ``tool_call`` and
    ``tool_call_update``. Returns ``(events, marks)`` where ``marks[i]`` counts the events before
    ``messages[i]`` (see :attr:`LoadedSession.event_marks`).
    """
    events: list[SessionEvent] = []
    marks: list[int] = []
    turn = 0
    open_turn: str | None = None

    def close_turn() -> None:
        nonlocal open_turn
        if open_turn is not None:
            events.append(TurnCompletedEvent(open_turn, "end_turn", Usage()))
            open_turn = None

    for message in messages:
        prompt = message.text().strip() if message.role == "user" else ""
        if prompt and not any(isinstance(b, ToolResultBlock) for b in message.content):
            # The previous turn ends before this message, so a cut here keeps it whole.
            close_turn()
        marks.append(len(events))
        for block in message.content:
            events.extend(_block_events(block, message.role))
        if prompt:
            close_turn()
            turn += 1
            open_turn = f"replay-{turn}"
            events.append(TurnStartedEvent(open_turn))
            events.append(UserMessageEvent(prompt))
    close_turn()
    return [(seq, event) for seq, event in enumerate(events, start=1)], marks


def _block_events(block: ContentBlock, role: str) -> list[SessionEvent]:
    if isinstance(block, TextBlock):
        # A user's text is reported once per message, as its prompt.
        return [AgentTextEvent(block.text)] if role == "assistant" and block.text else []
    if isinstance(block, ThinkingBlock):
        return [AgentThoughtEvent(block.thinking)] if block.thinking else []
    if isinstance(block, ToolUseBlock):
        return [
            ToolCallEvent(
                tool_call_id=block.id,
                tool_name=block.name,
                title=tool_title(block.name, block.input),
                kind=tool_kind(block.name),
                input=block.input,
            )
        ]
    if isinstance(block, ToolResultBlock):
        text = result_text(block.content)
        if len(text) > DISPLAY_LIMIT:
            text = text[:DISPLAY_LIMIT] + f"\n… ({len(text) - DISPLAY_LIMIT} more characters)"
        return [
            ToolCallUpdateEvent(
                tool_call_id=block.tool_use_id,
                status="failed" if block.is_error else "completed",
                content=(TextDisplay(text),) if text else (),
            )
        ]
    return []


def repair_conversation(messages: list[Message]) -> list[Message]:
    """A copy of ``messages`` the API accepts: what a crash or an import may have broken.

    - blank text blocks (which the API rejects) are dropped, then empty messages, and
      neighbours with the same role are merged;
    - a tool call without a result gets an error result (:data:`INTERRUPTED_RESULT`);
    - a tool result whose call is not in the message before it is dropped;
    - tool results come first in their user message, as the API requires.
    """
    cleaned = [
        [b for b in m.content if not (isinstance(b, TextBlock) and not b.text.strip())]
        for m in messages
    ]
    merged = _merge(
        [Message(role=m.role, content=c) for m, c in zip(messages, cleaned, strict=True) if c]
    )
    repaired: list[Message] = []
    for index, message in enumerate(merged):
        if message.role == "assistant":
            repaired.append(message)
            calls = [b.id for b in message.content if isinstance(b, ToolUseBlock)]
            following = merged[index + 1] if index + 1 < len(merged) else None
            if calls and (following is None or following.role != "user"):
                repaired.append(Message(role="user", content=[_interrupted(c) for c in calls]))
            continue
        previous = repaired[-1] if repaired and repaired[-1].role == "assistant" else None
        calls = [b.id for b in previous.content if isinstance(b, ToolUseBlock)] if previous else []
        results = {
            b.tool_use_id: b
            for b in message.content
            if isinstance(b, ToolResultBlock) and b.tool_use_id in calls
        }
        others = [b for b in message.content if not isinstance(b, ToolResultBlock)]
        content: list[ContentBlock] = [results.get(c) or _interrupted(c) for c in calls]
        content.extend(others)
        if content:
            repaired.append(Message(role="user", content=content))
    return _merge(repaired)


def _interrupted(tool_use_id: str) -> ToolResultBlock:
    return ToolResultBlock(tool_use_id=tool_use_id, content=INTERRUPTED_RESULT, is_error=True)


def _merge(messages: list[Message]) -> list[Message]:
    out: list[Message] = []
    for message in messages:
        if out and out[-1].role == message.role:
            out[-1] = Message(role=message.role, content=[*out[-1].content, *message.content])
        else:
            out.append(Message(role=message.role, content=list(message.content)))
    return out
