"""Where the interactive client's output goes: the scrollback, notices, the status line."""

from __future__ import annotations

import shutil
import sys
from typing import TYPE_CHECKING

from claude_cli._registry import SessionRegistry
from claude_cli._render import AnsiRenderer
from claude_cli._session_client import NoticeEntry, NoticeLevel

if TYPE_CHECKING:
    from rich.console import RenderableType

    from claude_cli._screen import Screen
    from claude_cli._widgets import AnsiSource


class Output:
    """Prints renderables (through the screen once it runs, else straight to stdout)."""

    def __init__(self, sessions: SessionRegistry, renderer: AnsiRenderer) -> None:
        self.sessions = sessions
        self.renderer = renderer
        self.screen: Screen | None = None

    def width(self) -> int:
        """Columns to render for."""
        if self.screen is not None:
            return self.screen.width()
        return shutil.get_terminal_size((80, 24)).columns

    def print(self, renderables: list[RenderableType]) -> None:
        """Print into the scrollback, after everything printed so far."""
        if not renderables:
            return
        text = self.renderer.to_ansi(renderables, self.width())
        if self.screen is not None:
            self.screen.print_ansi(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    def print_finished(self) -> None:
        """Print what the foreground session finished since the last call."""
        self.print(self.sessions.transcript.take_finished())

    def notice(self, text: str, level: str = "info") -> None:
        """A one-line notice, after what the session already printed."""
        from claude_cli._render._blocks import render_notice

        self.print_finished()
        kind: NoticeLevel = "error" if level == "error" else "retry" if level == "retry" else "info"
        self.print([render_notice(NoticeEntry(level=kind, text=text))])

    def print_markdown(self, text: str) -> None:
        """Command output, as Markdown."""
        from rich.text import Text

        from claude_cli._render._blocks import render_text_piece

        self.print_finished()
        self.print([Text(""), render_text_piece(text, True)])

    def flash(self, text: str) -> None:
        """A short message in the status line."""
        if self.screen is not None:
            self.screen.flash(text)

    def refresh(self) -> None:
        """Redraw soon (at the screen's bounded rate)."""
        if self.screen is not None:
            self.screen.request_refresh()

    def live_ansi(self, width: int) -> str:
        """The live region: what the foreground session has not finished yet."""
        rows = self.screen.live_rows() if self.screen is not None else 20
        return self.renderer.to_ansi(self.sessions.transcript.live(max_lines=rows), width)

    def header_source(self, renderable: RenderableType) -> AnsiSource:
        """A picker header: ``renderable`` indented, rendered at the picker's width."""
        from claude_cli._render._layout import Prefixed

        indented = Prefixed("", renderable)

        def source(width: int) -> str:
            return self.renderer.to_ansi([indented], width)

        return source
