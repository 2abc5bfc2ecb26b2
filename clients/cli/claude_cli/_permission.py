"""Permission questions: what the tool will do, the choices, and the answer for the daemon."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from claude_cli._pickers import Option, PickResult
from claude_cli._render import _style as s
from claude_cli._render._diff import diff_lines, render_diff
from claude_cli._render._tools import short_path

if TYPE_CHECKING:
    from rich.console import RenderableType

PREVIEW_LINES = 20
DENY_PROMPT = "Tell Claude what to do instead (enter to send, empty to just deny):"

_TITLES = {
    "Bash": "Bash command",
    "Edit": "Edit file",
    "MultiEdit": "Edit file",
    "Write": "Write file",
    "Read": "Read file",
    "NotebookEdit": "Edit notebook",
    "WebFetch": "Fetch web page",
    "WebSearch": "Web search",
    "Glob": "Find files",
    "Grep": "Search files",
    "Task": "Start a sub-agent",
    "ExitPlanMode": "Leave plan mode",
}


def _preview(name: str, tool_input: dict[str, Any], cwd: str) -> list[RenderableType]:
    from rich.text import Text

    get = tool_input.get
    if name == "Bash":
        out: list[RenderableType] = [Text(str(get("command", "")), style="bold")]
        if get("description"):
            out.append(Text(str(get("description")), style=s.DIM))
        return out
    if name in ("Edit", "MultiEdit", "Write", "NotebookEdit"):
        path = short_path(str(get("file_path") or get("notebook_path") or ""), cwd)
        out = [Text(path, style="bold")]
        edits: list[tuple[str, str]] = []
        if name == "Write":
            edits.append(("", str(get("content", ""))))
        elif name == "MultiEdit":
            edits.extend(
                (str(e.get("old_string", "")), str(e.get("new_string", "")))
                for e in get("edits") or []
                if isinstance(e, dict)
            )
        else:
            edits.append((str(get("old_string", "")), str(get("new_string", ""))))
        for old, new in edits:
            text, hidden = render_diff(diff_lines(old, new), PREVIEW_LINES)
            out.append(text)
            if hidden:
                out.append(Text(f"… +{hidden} lines", style=s.DIM))
        return out
    if name == "ExitPlanMode" and get("plan"):
        from claude_cli._render._markdown import markdown

        return [markdown(str(get("plan")))]
    lines: list[RenderableType] = []
    for key, value in tool_input.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        shown = " ".join(shown.split())
        lines.append(Text(f"{key}: {shown[:200]}", style=s.DIM))
    return lines


def permission_header(params: dict[str, Any], cwd: str, origin: str = "") -> RenderableType:
    """The question: the tool, what it will do, and why the daemon asks."""
    from rich.console import Group
    from rich.text import Text

    call = params.get("toolCall") or {}
    name = str(call.get("toolName", ""))
    title = Text(_TITLES.get(name, f"Tool use: {name or call.get('title', '?')}"), style="bold")
    if origin:
        title.append(f"  ({origin})", style=s.DIM)
    parts: list[RenderableType] = [title]
    parts.extend(_preview(name, dict(call.get("input") or {}), cwd))
    if params.get("reason"):
        parts.append(Text(str(params["reason"]), style=s.DIM))
    parts.append(Text("Do you want to proceed?"))
    return Group(*parts)


def permission_options(params: dict[str, Any]) -> list[Option]:
    """The daemon's options as choices, in its order, with Claude Code's wording."""
    out = []
    for raw in params.get("options") or []:
        if not isinstance(raw, dict):
            continue
        kind, option_id = str(raw.get("kind", "")), str(raw.get("optionId", ""))
        name = str(raw.get("name", ""))
        if kind == "allow_once":
            out.append(Option("Yes", value=option_id))
        elif kind == "allow_always":
            specific = name and name.lower() not in ("always allow", "allow always")
            label = (
                f"Yes, and don't ask again: {name}"
                if specific
                else ("Yes, and don't ask again for this in this project")
            )
            out.append(Option(label, value=option_id))
        elif kind == "reject_once":
            out.append(
                Option(
                    "No, and tell Claude what to do differently",
                    value=option_id,
                    text_prompt=DENY_PROMPT,
                )
            )
        elif kind == "reject_always":
            out.append(Option("No, and don't ask again", value=option_id))
        else:
            out.append(Option(name or option_id, value=option_id))
    return out


def permission_answer(options: list[Option], result: PickResult) -> dict[str, Any]:
    """The ``session/requestPermission`` result for what was picked.

    Esc counts as "no": the first reject option is chosen (without words for the model).
    """
    if result.cancelled:
        reject = next((o for o in options if o.text_prompt is not None), None)
        if reject is None:
            return {"outcome": {"outcome": "cancelled"}}
        return {"outcome": {"outcome": "selected", "optionId": reject.value}}
    assert result.index is not None
    outcome: dict[str, Any] = {"outcome": "selected", "optionId": options[result.index].value}
    if result.text:
        outcome["message"] = result.text
    return {"outcome": outcome}
