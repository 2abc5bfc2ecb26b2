"""Which parts of a session go to the scrollback, and what the live region shows.

Entries are printed once, in order, when they are finished; the answer text is printed paragraph
by paragraph while it streams. Everything not printed yet (the paragraph being written, tool calls
still running, the spinner) is the live region, which the screen redraws at a bounded rate.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from claude_cli._render._blocks import (
    render_live_text,
    render_live_thought,
    render_notice,
    render_plan,
    render_text_piece,
    render_thought,
    render_turn_end,
    render_user,
)
from claude_cli._render._markdown import stable_length
from claude_cli._render._status import spinner_line
from claude_cli._render._tools import render_running_tool, render_tool
from claude_cli._session_client import (
    Entry,
    NoticeEntry,
    PlanEntry,
    SessionView,
    TextEntry,
    ThoughtEntry,
    ToolEntry,
    TurnEntry,
    UserEntry,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

LIVE_TEXT_LINES = 40
"""Most lines of a streaming paragraph rendered per frame (the region shows fewer anyway)."""


def _blank() -> RenderableType:
    from rich.text import Text

    return Text("")


def _nested(entry: ToolEntry, renderable: RenderableType) -> RenderableType:
    """A sub-agent's tool call, indented under the Task call that started it."""
    if entry.parent_id is None:
        return renderable
    from claude_cli._render._layout import Prefixed

    return Prefixed("", renderable, width=4)


class Transcript:
    """Tracks what of a :class:`SessionView` has been printed and renders the rest."""

    def __init__(self, view: SessionView, *, spinner: bool = True) -> None:
        self.view = view
        self.spinner = spinner
        self.printed = 0
        """Entries fully printed."""
        self._committed = 0
        """Characters of the head text entry already printed."""
        self._committed_any = False
        self.collapsed: list[Entry] = []
        """Printed entries shown shortened, newest last (ctrl+o prints them in full)."""
        self.waiting: set[str] = set()
        """Tool calls with an open permission question (shown as waiting)."""

    # -- scrollback --------------------------------------------------------------------------

    def take_finished(self) -> list[RenderableType]:
        """Renderables not printed yet that will not change any more; marks them printed."""
        out: list[RenderableType] = []
        entries = self.view.entries
        while self.printed < len(entries):
            entry = entries[self.printed]
            if isinstance(entry, TextEntry):
                out.extend(self._text_pieces(entry))
                if not entry.done:
                    break
            elif not entry.done:
                break
            else:
                out.extend(self.render_done(entry))
            self.printed += 1
            self._committed = 0
            self._committed_any = False
        return out

    def _text_pieces(self, entry: TextEntry) -> list[RenderableType]:
        end = len(entry.text) if entry.done else stable_length(entry.text)
        if end <= self._committed:
            return []
        piece = entry.text[self._committed : end]
        self._committed = end
        if not piece.strip():
            return []
        first = not self._committed_any
        self._committed_any = True
        return [_blank(), render_text_piece(piece, first)]

    def render_done(
        self, entry: Entry, *, full: bool = False, record: bool = True
    ) -> list[RenderableType]:
        """A finished entry as printed in the scrollback (``full``: nothing collapsed).

        ``record`` remembers a shortened entry for :meth:`expand_last` (not for live previews).
        """
        cwd = self.view.cwd
        if isinstance(entry, UserEntry):
            return [_blank(), render_user(entry)]
        if isinstance(entry, TextEntry):
            return [_blank(), render_text_piece(entry.text, True)] if entry.text.strip() else []
        if isinstance(entry, ThoughtEntry):
            if not entry.text.strip():
                return []
            renderable, collapsed = render_thought(entry, full=full)
            self._note_collapsed(entry, collapsed and record and not full)
            return [_blank(), renderable]
        if isinstance(entry, ToolEntry):
            if entry.name == "TodoWrite" and entry.status == "completed":
                return []  # the task list that follows shows it better
            block = render_tool(entry, cwd, full=full)
            self._note_collapsed(entry, block.collapsed and record and not full)
            return [_blank(), _nested(entry, block.renderable)]
        if isinstance(entry, PlanEntry):
            return [_blank(), render_plan(entry)]
        if isinstance(entry, NoticeEntry):
            return (
                [render_notice(entry)]
                if entry.level == "info"
                else [_blank(), render_notice(entry)]
            )
        if isinstance(entry, TurnEntry):
            line = render_turn_end(entry)
            return [line] if line is not None else []
        return []

    def _note_collapsed(self, entry: Entry, collapsed: bool) -> None:
        if collapsed:
            self.collapsed.append(entry)
            del self.collapsed[:-20]

    def expand_last(self) -> list[RenderableType]:
        """The most recent shortened entry in full (and forget it), or nothing."""
        if not self.collapsed:
            return []
        return self.render_done(self.collapsed.pop(), full=True)

    # -- live region ----------------------------------------------------------------------------

    def live(
        self, now: float | None = None, max_lines: int = LIVE_TEXT_LINES
    ) -> list[RenderableType]:
        """Renderables for everything not printed yet, plus the spinner while a turn runs."""
        now = time.monotonic() if now is None else now
        out: list[RenderableType] = []
        entries = self.view.entries
        for index in range(self.printed, len(entries)):
            entry = entries[index]
            if isinstance(entry, TextEntry):
                start = self._committed if index == self.printed else 0
                first = not (index == self.printed and self._committed_any)
                rest = entry.text[start:]
                if rest.strip():
                    out += [_blank(), render_live_text(rest, first, max_lines)]
            elif isinstance(entry, ThoughtEntry) and not entry.done:
                out += [_blank(), render_live_thought(entry, 3)]
            elif isinstance(entry, ToolEntry) and not entry.done:
                waiting = entry.tool_call_id in self.waiting
                running = render_running_tool(entry, self.view.cwd, now, waiting)
                out += [_blank(), _nested(entry, running)]
            else:
                out += self.render_done(entry, record=False)
        if self.spinner and self.view.busy:
            out += [_blank(), spinner_line(self.view, now, bool(self.waiting))]
        return out
