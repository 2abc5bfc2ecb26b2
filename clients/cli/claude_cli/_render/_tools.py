"""A tool call as a compact block: status, ``Name(argument)``, and a short result.

● Bash(npm test)
  ⎿  3 passed
     … +12 lines (ctrl+o to expand)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claude_cli._render import _style as s
from claude_cli._render._diff import diff_lines, diff_stats, render_diff
from claude_cli._render._layout import result_block
from claude_cli._session_client import ToolEntry

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

OUTPUT_LINES = 5
"""Lines of command output shown (the tail); the rest behind ctrl+o."""
DIFF_LINES = 16
TEXT_LINES = 3


def short_path(path: str, cwd: str) -> str:
    """``path`` relative to ``cwd`` when it is inside it."""
    if cwd and path.startswith(cwd.rstrip("/") + "/"):
        return os.path.relpath(path, cwd)
    return path


def _one_line(value: Any, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tool_label(name: str, tool_input: dict[str, Any], title: str, cwd: str) -> tuple[str, str]:
    """``(name, argument)`` as shown in ``Name(argument)``."""
    get = tool_input.get
    if name == "Bash" and get("command"):
        return name, _one_line(get("command"))
    if name in ("Read", "Write", "Edit", "MultiEdit", "NotebookEdit") and get("file_path"):
        return name, short_path(str(get("file_path")), cwd)
    if name in ("Glob", "Grep") and get("pattern"):
        where = f" in {short_path(str(get('path')), cwd)}" if get("path") else ""
        return name, _one_line(f"{get('pattern')}{where}")
    if name == "WebFetch" and get("url"):
        return name, _one_line(get("url"))
    if name == "WebSearch" and get("query"):
        return name, _one_line(get("query"))
    if name == "Task" and get("description"):
        return name, _one_line(get("description"))
    if name == "TodoWrite":
        return "Update Todos", ""
    if name == "AskUserQuestion":
        return "Question", ""
    if name == "ExitPlanMode":
        return "Plan", "ready for review"
    argument = title.removeprefix(name).lstrip(":( ").rstrip(")") if title else ""
    return name or title or "Tool", _one_line(argument) if argument else ""


def _header(entry: ToolEntry, cwd: str, glyph: str, glyph_style: str) -> Text:
    from rich.text import Text

    name, argument = tool_label(entry.name, entry.input, entry.title, cwd)
    text = Text()
    text.append(glyph + " ", style=glyph_style)
    text.append(name, style=s.TOOL_NAME)
    if argument:
        text.append(f"({argument})")
    return text


@dataclass(slots=True)
class ToolBlock:
    """The rendered block and whether part of it was left out (so ctrl+o can show it)."""

    renderable: RenderableType
    collapsed: bool


def _output_tail(output: str, limit: int | None) -> tuple[list[Text], bool]:
    from rich.text import Text

    lines = output.rstrip("\n").splitlines()
    if limit is None or len(lines) <= limit:
        return [Text(line, style=s.DIM) for line in lines], False
    hidden = len(lines) - limit
    shown = [Text(f"… +{hidden} lines ({s.EXPAND_HINT})", style=s.DIM)]
    return shown + [Text(line, style=s.DIM) for line in lines[-limit:]], True


def _content_lines(entry: ToolEntry, cwd: str, full: bool) -> tuple[list[RenderableType], bool]:
    """What the call produced, shortened unless ``full``."""
    from rich.text import Text

    out: list[RenderableType] = []
    collapsed = False
    for item in entry.content:
        kind = item.get("type")
        if kind == "diff":
            old, new = str(item.get("oldText") or ""), str(item.get("newText") or "")
            lines = diff_lines(old, new)
            added, removed = diff_stats(lines)
            path = short_path(str(item.get("path", "")), cwd)
            if not old:
                out.append(Text(f"Wrote {added} lines to {path}"))
            else:
                out.append(
                    Text(
                        f"Updated {path} with {added} addition{'s' * (added != 1)} "
                        f"and {removed} removal{'s' * (removed != 1)}"
                    )
                )
            text, hidden = render_diff(lines, None if full else DIFF_LINES)
            out.append(text)
            if hidden:
                out.append(Text(f"… +{hidden} lines ({s.EXPAND_HINT})", style=s.DIM))
                collapsed = True
        elif kind == "terminal":
            output = str(item.get("output") or "")
            lines_, cut = _output_tail(output, None if full else OUTPUT_LINES)
            out.extend(lines_ or [Text("(No output)", style=s.DIM)])
            collapsed |= cut
            code = item.get("exitCode")
            if code not in (None, 0):
                out.append(Text(f"exit code {code}", style=s.ERROR))
        elif kind == "text":
            text_value = str(item.get("text") or "")
            if entry.status == "failed":
                first = text_value.strip().splitlines()[:1] or ["failed"]
                out.append(Text(first[0], style=s.ERROR))
                rest = text_value.strip().splitlines()[1:]
                if rest and full:
                    out.extend(Text(line, style=s.DIM) for line in rest)
                elif rest:
                    collapsed = True
            else:
                rows = text_value.rstrip("\n").splitlines()
                limit = None if full else TEXT_LINES
                shown = rows if limit is None else rows[:limit]
                out.extend(Text(row, style=s.DIM) for row in shown)
                if len(shown) < len(rows):
                    out.append(
                        Text(f"… +{len(rows) - len(shown)} lines ({s.EXPAND_HINT})", style=s.DIM)
                    )
                    collapsed = True
    return out, collapsed


def _elsewhere(outcome: str) -> Text:
    from rich.text import Text

    word = {"allowed": "Allowed", "rejected": "Denied"}.get(outcome, "Withdrawn")
    return Text(f"{word} in another client", style=s.DIM)


def render_tool(entry: ToolEntry, cwd: str, *, full: bool = False) -> ToolBlock:
    """A finished tool call."""
    from rich.console import Group
    from rich.text import Text

    failed = entry.status == "failed"
    if entry.interrupted or failed:
        glyph, style = s.FAILED, s.ERROR
    else:
        glyph, style = s.BULLET, s.OK
    lines, collapsed = _content_lines(entry, cwd, full)
    if entry.permission_elsewhere and entry.permission:
        lines.insert(0, _elsewhere(entry.permission))
    if entry.interrupted:
        lines.insert(0, Text("Interrupted", style=s.ERROR))
    elif entry.permission == "rejected" and not lines:
        lines.append(Text("Denied", style=s.ERROR))
    parts: list[RenderableType] = [_header(entry, cwd, glyph, style)]
    if lines:
        parts.append(result_block(lines))
    return ToolBlock(Group(*parts), collapsed)


def render_running_tool(entry: ToolEntry, cwd: str, now: float, waiting: bool) -> RenderableType:
    """A tool call still pending or running, for the live region."""
    from rich.console import Group
    from rich.text import Text

    if entry.status == "pending":
        glyph, style = s.PENDING, s.DIM
    else:
        glyph, style = s.spinner_frame(now), s.RUNNING
    parts: list[RenderableType] = [_header(entry, cwd, glyph, style)]
    lines: list[RenderableType] = []
    if entry.permission_elsewhere and entry.permission:
        lines.append(_elsewhere(entry.permission))
    if waiting:
        lines.append(Text("Waiting for permission…", style=s.WARN))
    if entry.progress:
        lines.append(Text(" ".join(entry.progress.split()), style=s.DIM))
    for item in entry.content:
        if item.get("type") == "terminal":
            tail_lines, _ = _output_tail(str(item.get("output") or ""), OUTPUT_LINES)
            lines.extend(tail_lines[-OUTPUT_LINES:])
    if lines:
        parts.append(result_block(lines))
    return Group(*parts)
