"""File changes as coloured, numbered diff lines."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from claude_cli._render import _style as s

if TYPE_CHECKING:
    from rich.text import Text


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a diff: ``kind`` is ``" "``, ``"-"``, ``"+"`` or ``"…"`` (a skipped stretch)."""

    kind: Literal[" ", "-", "+", "…"]
    number: int | None
    text: str


def diff_lines(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """The changed lines of ``old`` -> ``new`` with ``context`` lines around each change."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffLine] = []
    groups = difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context)
    for index, group in enumerate(groups):
        if index:
            out.append(DiffLine("…", None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(DiffLine(" ", j1 + k + 1, a[i1 + k]) for k in range(i2 - i1))
                continue
            if tag in ("replace", "delete"):
                out.extend(DiffLine("-", i1 + k + 1, a[i1 + k]) for k in range(i2 - i1))
            if tag in ("replace", "insert"):
                out.extend(DiffLine("+", j1 + k + 1, b[j1 + k]) for k in range(j2 - j1))
    return out


def diff_stats(lines: list[DiffLine]) -> tuple[int, int]:
    """(added, removed) line counts."""
    added = sum(1 for line in lines if line.kind == "+")
    removed = sum(1 for line in lines if line.kind == "-")
    return added, removed


def render_diff(lines: list[DiffLine], max_lines: int | None = None) -> tuple[Text, int]:
    """The lines as styled text; returns it and how many lines were left out."""
    from rich.text import Text

    shown = lines if max_lines is None else lines[:max_lines]
    width = max((len(str(line.number)) for line in shown if line.number), default=1)
    text = Text()
    for i, line in enumerate(shown):
        if i:
            text.append("\n")
        if line.kind == "…":
            text.append(" " * width + " …", style=s.DIM)
            continue
        number = str(line.number).rjust(width)
        style = {"-": s.REMOVED, "+": s.ADDED}.get(line.kind, s.DIM)
        text.append(f"{number} {line.kind} ", style=style if line.kind != " " else s.DIM)
        text.append(line.text, style=style if line.kind != " " else "")
    return text, len(lines) - len(shown)
