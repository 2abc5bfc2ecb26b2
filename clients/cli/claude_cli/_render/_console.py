"""Turning rich renderables into ANSI text at a given width."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


def no_color_requested() -> bool:
    """Whether the user asked for no colour (https://no-color.org: any non-empty value)."""
    return bool(os.environ.get("NO_COLOR"))


def detect_color_system() -> str | None:
    """The colour system of the user's terminal (rich's names); None when colour is off.

    The same rules as rich, without importing it: start-up does not need rich yet.
    """
    if no_color_requested():
        return None
    colorterm = os.environ.get("COLORTERM", "").lower()
    if colorterm in ("truecolor", "24bit"):
        return "truecolor"
    term = os.environ.get("TERM", "").lower()
    if term in ("dumb", "unknown"):
        return None
    if "256" in term or term.startswith("tmux"):
        return "256"
    return "standard"


THEME = {
    # Inline code and headings without rich's painted backgrounds and centring.
    "markdown.code": "bold cyan",
    "markdown.code_block": "cyan",
    "markdown.h1": "bold underline",
    "markdown.h2": "bold",
    "markdown.h3": "bold",
    "markdown.h4": "bold italic",
    "markdown.block_quote": "italic bright_black",
    "markdown.hr": "bright_black",
    "markdown.link": "blue",
    "markdown.link_url": "blue underline",
}


class AnsiRenderer:
    """Renders renderables to a string with escape codes, reusing one rich console."""

    def __init__(self, color_system: str | None = None, *, no_color: bool | None = None) -> None:
        self.color_system = color_system
        self.no_color = no_color_requested() if no_color is None else no_color
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        """The rich console, created (and rich imported) on first use."""
        if self._console is None:
            self._console = self._make_console()
        return self._console

    def _make_console(self) -> Console:
        from rich.console import Console
        from rich.theme import Theme

        color_system = self.color_system
        return Console(
            file=io.StringIO(),
            force_terminal=color_system is not None,
            no_color=self.no_color,
            highlight=False,
            emoji=False,
            width=80,
            legacy_windows=False,
            soft_wrap=False,
            color_system=color_system,  # type: ignore[arg-type]
            theme=Theme(THEME),
        )

    def to_ansi(self, renderables: Iterable[RenderableType], width: int) -> str:
        """The renderables one after another, as text ending with a newline (or empty)."""
        items = list(renderables)
        if not items:
            return ""  # nothing to draw: no need to load rich
        self.console.width = max(20, width)
        with self.console.capture() as capture:
            for renderable in items:
                self.console.print(renderable)
        return capture.get()
