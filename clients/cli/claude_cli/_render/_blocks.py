"""Renderables for the transcript entries other than tool calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_cli._cost import cost_usd, format_cost, format_seconds, format_tokens
from claude_cli._render import _style as s
from claude_cli._render._layout import Prefixed, result_block
from claude_cli._render._markdown import markdown, tail
from claude_cli._session_client import (
    NoticeEntry,
    PlanEntry,
    PlanItem,
    ThoughtEntry,
    TurnEntry,
    UserEntry,
)

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

THOUGHT_LINES = 4
"""Lines of finished thinking shown; the rest behind ctrl+o."""

_STOP_NOTES = {
    "max_tokens": "stopped: the answer hit the output token limit",
    "max_turns": "stopped: the turn made too many model calls",
    "refusal": "the model declined to answer",
    "model_context_window_exceeded": "stopped: the conversation no longer fits the context window",
    "pause_turn": "paused by the API",
}


def prefixed(marker: str, body: RenderableType, marker_style: str = "") -> RenderableType:
    """``body`` indented two columns, with ``marker`` in the first column of its first line."""
    return Prefixed(marker, body, marker_style)


USER_LINES = 12
"""A prompt longer than this shows its first lines only (a long paste does not fill the screen)."""


def render_user(entry: UserEntry) -> RenderableType:
    """The user's prompt, dimmed, as Claude Code shows it."""
    from rich.text import Text

    lines = entry.text.rstrip("\n").split("\n")
    if len(lines) > USER_LINES:
        shown = USER_LINES // 2
        lines = [*lines[:shown], f"… +{len(lines) - shown} lines"]
    return prefixed(">", Text("\n".join(lines), style=s.USER), s.USER)


def render_text_piece(text: str, first: bool) -> RenderableType:
    """A finished stretch of the answer as Markdown; the first one carries the bullet."""
    return prefixed(s.BULLET if first else "", markdown(text))


def render_live_text(text: str, first: bool, max_lines: int) -> RenderableType:
    """The part of the answer still streaming: only its last lines are rendered."""
    return render_text_piece(tail(text, max_lines), first)


def render_thought(entry: ThoughtEntry, *, full: bool = False) -> tuple[RenderableType, bool]:
    """Finished thinking: a dimmed summary (first lines) unless ``full``."""
    from rich.console import Group
    from rich.text import Text

    seconds = entry.seconds
    head = (
        f"{s.THINKING} Thought for {format_seconds(seconds)}"
        if seconds
        else f"{s.THINKING} Thinking"
    )
    lines = entry.text.strip().splitlines()
    shown = lines if full else lines[:THOUGHT_LINES]
    body = Text("\n".join(shown), style="dim italic")
    parts: list[RenderableType] = [Text(head, style=s.DIM)]
    if shown:
        parts.append(prefixed("", body))
    collapsed = len(shown) < len(lines)
    if collapsed:
        parts.append(
            prefixed("", Text(f"… +{len(lines) - len(shown)} lines ({s.EXPAND_HINT})", style=s.DIM))
        )
    return Group(*parts), collapsed


def render_live_thought(entry: ThoughtEntry, max_lines: int) -> RenderableType:
    """Thinking while it streams: its last lines, dimmed."""
    from rich.console import Group
    from rich.text import Text

    lines = entry.text.strip().splitlines()[-max_lines:]
    return Group(
        Text(f"{s.THINKING} Thinking…", style=s.DIM),
        prefixed("", Text("\n".join(lines), style="dim italic")),
    )


def plan_lines(items: list[PlanItem]) -> Text:
    """The task list with check boxes; the task in progress in bold."""
    from rich.text import Text

    text = Text()
    for i, item in enumerate(items):
        if i:
            text.append("\n")
        if item.status == "completed":
            text.append(f"☒ {item.content}", style="dim strike")
        elif item.status == "in_progress":
            text.append(f"◼ {item.content}", style="bold")
        else:
            text.append(f"☐ {item.content}")
    return text


def render_plan(entry: PlanEntry) -> RenderableType:
    """The task list with its progress."""
    from rich.console import Group
    from rich.text import Text

    done = sum(1 for item in entry.items if item.status == "completed")
    head = Text()
    head.append(f"{s.BULLET} ", style=s.OK)
    head.append("Update Todos", style=s.TOOL_NAME)
    head.append(f" ({done}/{len(entry.items)} done)", style=s.DIM)
    if not entry.items:
        return head
    return Group(head, result_block([plan_lines(entry.items)]))


def render_notice(entry: NoticeEntry) -> RenderableType:
    """A one-line notice: errors red, retries yellow, the rest dimmed."""
    from rich.text import Text

    if entry.level == "error":
        return Text(f"{s.FAILED} {entry.text}", style=s.ERROR)
    if entry.level == "retry":
        return Text(f"{s.WARNING} {entry.text}", style=s.WARN)
    return Text(f"  {s.RESULT}  {entry.text}", style=s.DIM)


def usage_summary(entry: TurnEntry) -> str:
    """``4.2s · ↑ 1.2k ↓ 85 tokens · $0.0043``."""
    parts = []
    if entry.seconds is not None:
        parts.append(format_seconds(entry.seconds))
    usage = entry.usage
    if usage.all_input or usage.output_tokens:
        parts.append(
            f"↑ {format_tokens(usage.all_input)} ↓ {format_tokens(usage.output_tokens)} tokens"
        )
        cost = cost_usd(entry.model, usage)
        if cost is not None:
            parts.append(format_cost(cost))
    return " · ".join(parts)


def render_turn_end(entry: TurnEntry) -> RenderableType | None:
    """The line after a turn: interruptions, odd stop reasons, usage and cost."""
    from rich.text import Text

    if entry.stop_reason == "error":
        return None  # the error itself was shown; a usage line would only add noise
    summary = usage_summary(entry)
    if entry.stop_reason == "cancelled":
        text = Text(f"  {s.RESULT}  ", style=s.DIM)
        text.append("Interrupted by user", style=s.ERROR)
        if summary:
            text.append(f" · {summary}", style=s.DIM)
        return text
    note = _STOP_NOTES.get(entry.stop_reason)
    if note is not None:
        text = Text(f"  {s.RESULT}  ", style=s.DIM)
        text.append(note, style=s.WARN)
        if summary:
            text.append(f" · {summary}", style=s.DIM)
        return text
    if not summary:
        return None
    return Text(f"  {summary}", style=s.DIM)
