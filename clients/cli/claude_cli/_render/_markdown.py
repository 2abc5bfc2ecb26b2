"""Streaming Markdown: where a growing text can be cut, and the visible tail of the rest.

Printing finished paragraphs to the scrollback as soon as they are complete keeps the live region
small, so each redraw re-renders only the paragraph still being written.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from rich.console import RenderableType

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
CODE_THEME = "ansi_dark"
"""Pygments theme for code blocks: the terminal's own palette, no painted background."""


def _fence_open(line: str, fence: str | None) -> tuple[str | None, bool]:
    """Track code fences: returns the open fence after ``line`` and whether it toggled."""
    match = _FENCE.match(line)
    if match is None:
        return fence, False
    marker = match.group(1)
    if fence is None:
        return marker, True
    if marker[0] == fence[0] and len(marker) >= len(fence) and not match.group(2).strip():
        return None, True
    return fence, False


def stable_length(text: str) -> int:
    """Length of the longest prefix of ``text`` made of finished blocks.

    A block is finished when a blank line outside a code fence follows it; the prefix ends just
    after that blank line. Returns 0 when nothing is finished yet.
    """
    fence: str | None = None
    offset = 0
    stable = 0
    for line in text.splitlines(keepends=True):
        offset += len(line)
        if not line.endswith("\n"):
            break  # the last line is still being written
        fence, _ = _fence_open(line, fence)
        if fence is None and not line.strip() and offset > 0:
            stable = offset
    return stable


def tail(text: str, max_lines: int) -> str:
    """The last ``max_lines`` lines of ``text``, re-opening a code fence the cut fell inside."""
    lines = text.split("\n")
    if len(lines) <= max_lines:
        return text
    cut = len(lines) - max_lines
    fence: str | None = None
    opener = ""
    for line in lines[:cut]:
        fence, toggled = _fence_open(line, fence)
        if toggled and fence is not None:
            opener = line.strip()
    kept = "\n".join(lines[cut:])
    return f"{opener}\n{kept}" if fence is not None else kept


def markdown(text: str) -> RenderableType:
    """A Markdown renderable (rich.markdown is imported on first use: ~0.05 s)."""
    renderable: RenderableType = _markdown_class()(
        text.strip("\n"), code_theme=CODE_THEME, hyperlinks=False
    )
    return renderable


@cache
def _markdown_class() -> Any:
    """rich's Markdown with terminal-friendly headings and code blocks (built on first use)."""
    from rich.markdown import CodeBlock, Heading, Markdown, MarkdownElement
    from rich.syntax import Syntax

    class _Heading(Heading):
        # rich centres level-1 headings in a box; in a transcript they read better flush left.
        def __rich_console__(self, console: Any, options: Any) -> Any:
            text = self.text.copy()
            text.justify = "left"
            yield text

    class _CodeBlock(CodeBlock):
        # No padding rows around code: the transcript stays compact and copy-paste friendly.
        def __rich_console__(self, console: Any, options: Any) -> Any:
            code = str(self.text).rstrip()
            yield Syntax(code, self.lexer_name, theme=self.theme, word_wrap=True, padding=0)

    class _Markdown(Markdown):
        elements: ClassVar[dict[str, type[MarkdownElement]]] = {
            **Markdown.elements,
            "heading_open": _Heading,
            "fence": _CodeBlock,
            "code_block": _CodeBlock,
        }

    return _Markdown
