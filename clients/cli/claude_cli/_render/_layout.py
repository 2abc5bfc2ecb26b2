"""Indented blocks with a marker in the first column, without padding lines to full width.

Rich tables pad every cell to the console width; trailing blanks then wrap badly when the terminal
is narrowed and make captured screens noisy. This renderable indents its body and drops them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.segment import Segment


def strip_line(line: list[Segment]) -> list[Segment]:
    """``line`` without trailing blanks (keeping styled blanks such as a background)."""
    from rich.segment import Segment

    out = list(line)
    while out:
        last = out[-1]
        if last.control:
            break
        text = last.text.rstrip(" ")
        if text == last.text:
            break
        if last.style is not None and last.style.bgcolor is not None:
            break
        if text:
            out[-1] = Segment(text, last.style)
            break
        out.pop()
    return out


class Prefixed:
    """``body`` indented by ``width`` columns; ``marker`` fills the indent of the first line."""

    def __init__(
        self, marker: str, body: RenderableType, marker_style: str = "", width: int = 2
    ) -> None:
        self.marker = marker
        self.body = body
        self.marker_style = marker_style
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        inner = options.update_width(max(1, options.max_width - self.width))
        lines = console.render_lines(self.body, inner, pad=False)
        marker_style = console.get_style(self.marker_style) if self.marker_style else None
        first = self.marker.ljust(self.width)[: self.width]
        blank = " " * self.width
        for index, line in enumerate(lines):
            stripped = strip_line(line)
            if index == 0:
                yield Segment(first, marker_style)
            elif stripped:
                yield Segment(blank)
            yield from stripped
            yield Segment.line()


def result_block(lines: Sequence[RenderableType]) -> RenderableType:
    """Tool-result style lines: ``  ⎿  first`` and the rest aligned under it."""
    from rich.console import Group

    from claude_cli._render import _style as s

    return Prefixed(f"  {s.RESULT}", Group(*lines), s.DIM, width=5)
