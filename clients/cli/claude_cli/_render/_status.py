"""The spinner line shown while a turn runs, and the start-up banner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_cli._cost import format_seconds, format_tokens
from claude_cli._render import _style as s
from claude_cli._session_client import SessionView, ThoughtEntry, ToolEntry

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from claude_cli._background import BackgroundTask


def activity(view: SessionView, waiting: bool = False) -> str:
    """What the session is doing, in a few words."""
    if waiting:
        return "Waiting for permission…"
    running = [t for t in view.tools.values() if not t.done and t.status == "in_progress"]
    if running:
        return f"Running {running[-1].name}…"
    task = view.current_task()
    if task is not None and task.active_form:
        return f"{task.active_form}…"
    last = view.entries[-1] if view.entries else None
    if isinstance(last, ThoughtEntry) and not last.done:
        return "Thinking…"
    if isinstance(last, ToolEntry) and not last.done:
        return "Waiting…"
    return "Responding…" if view.turn_chars else "Thinking…"


def spinner_line(view: SessionView, now: float, waiting: bool = False) -> Text:
    """``⠹ Thinking… (12s · ↓ 340 tokens · ctrl+c to interrupt)``."""
    from rich.text import Text

    text = Text()
    text.append(f"{s.spinner_frame(now)} ", style=s.ACCENT)
    text.append(activity(view, waiting), style=s.ACCENT)
    details = [format_seconds(view.elapsed(now))]
    tokens = view.output_tokens()
    if tokens:
        details.append(f"↓ {format_tokens(tokens)} tokens")
    if view.plan:
        done = sum(1 for item in view.plan if item.status == "completed")
        details.append(f"{done}/{len(view.plan)} tasks")
    details.append("ctrl+c to interrupt")
    text.append(f" ({' · '.join(details)})", style=s.DIM)
    return text


def render_background_done(task: BackgroundTask) -> RenderableType:
    """A finished Ctrl+B task: its prompt, its answer (or error) and how long it took."""
    from rich.console import Group
    from rich.text import Text

    from claude_cli._render._blocks import render_text_piece, render_user
    from claude_cli._session_client import UserEntry

    head = Text()
    head.append(f"{s.BULLET} ", style=s.ERROR if task.error else s.OK)
    head.append(
        f"Background task #{task.number} {'failed' if task.error else 'finished'}", style="bold"
    )
    head.append(f" ({format_seconds(task.elapsed())})", style=s.DIM)
    parts: list[RenderableType] = [Text(""), head, render_user(UserEntry(text=task.prompt))]
    answer = task.view.last_answer if task.view is not None else ""
    if answer.strip():
        parts.append(render_text_piece(answer, True))
    if task.error:
        parts.append(Text(f"{s.FAILED} {task.error}", style=s.ERROR))
    return Group(*parts)
