"""prompt_toolkit pieces that show rich output: a control rendering ANSI text at its width."""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.formatted_text import ANSI, StyleAndTextTuples, to_formatted_text
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.key_binding import KeyBindingsBase
from prompt_toolkit.layout.controls import GetLinePrefixCallable, UIContent, UIControl

AnsiSource = Callable[[int], str]
"""Renders content for a width (columns) as text with ANSI escapes."""


class AnsiControl(UIControl):
    """Shows what ``source(width)`` returns; caches by width until :meth:`invalidate`.

    ``max_lines`` (a callable, evaluated per render) keeps only the last lines, so a tall live
    region shows its bottom, where the news is.
    """

    def __init__(
        self,
        source: AnsiSource,
        *,
        max_lines: Callable[[], int] | None = None,
        focusable: bool = False,
        key_bindings: KeyBindingsBase | None = None,
    ) -> None:
        self.source = source
        self.max_lines = max_lines
        self._focusable = focusable
        self._key_bindings = key_bindings
        self._cache: tuple[int, list[StyleAndTextTuples]] | None = None

    def invalidate(self) -> None:
        """Drop the cached rendering (the content changed)."""
        self._cache = None

    def lines(self, width: int) -> list[StyleAndTextTuples]:
        """The rendered lines for ``width``."""
        if self._cache is not None and self._cache[0] == width:
            return self._cache[1]
        text = self.source(width)
        if text.endswith("\n"):
            text = text[:-1]
        lines = (
            [_merge(line) for line in split_lines(to_formatted_text(ANSI(text)))] if text else []
        )
        if self.max_lines is not None:
            limit = max(1, self.max_lines())
            lines = lines[-limit:]
        self._cache = (width, lines)
        return lines

    def preferred_height(
        self,
        width: int,
        max_available_height: int,
        wrap_lines: bool,
        get_line_prefix: GetLinePrefixCallable | None,
    ) -> int | None:
        """As tall as the content."""
        return len(self.lines(width))

    def create_content(self, width: int, height: int) -> UIContent:
        """The lines for this width."""
        lines = self.lines(width)
        return UIContent(get_line=lambda i: lines[i], line_count=len(lines))

    def is_focusable(self) -> bool:
        """Focusable only when it carries key bindings (pickers)."""
        return self._focusable

    def get_key_bindings(self) -> KeyBindingsBase | None:
        """The bindings active while this control has the focus."""
        return self._key_bindings


def _merge(fragments: StyleAndTextTuples) -> StyleAndTextTuples:
    """Join neighbouring fragments of one style (the ANSI parser emits one per character)."""
    out: StyleAndTextTuples = []
    for fragment in fragments:
        if out and out[-1][0] == fragment[0] and len(fragment) == 2 and len(out[-1]) == 2:
            out[-1] = (fragment[0], out[-1][1] + fragment[1])
        else:
            out.append(fragment)
    return out
