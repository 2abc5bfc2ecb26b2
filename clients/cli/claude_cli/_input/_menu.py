"""The completion dropdown under the input box: ``/name  description``, the selection marked."""

from __future__ import annotations

from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples, to_plain_text
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.layout import ConditionalContainer, Window
from prompt_toolkit.layout.controls import GetLinePrefixCallable, UIContent, UIControl

MENU_ROWS = 6


def menu_fragments(buffer: Buffer, width: int, rows: int = MENU_ROWS) -> StyleAndTextTuples:
    """The visible rows of the buffer's completions (a window around the selected one)."""
    state = buffer.complete_state
    if state is None or not state.completions:
        return []
    completions = state.completions
    index = state.complete_index
    top = 0 if index is None else max(0, min(index - rows // 2, len(completions) - rows))
    shown = completions[top : top + rows]
    names = [to_plain_text(c.display) for c in shown]
    name_width = min(max(len(n) for n in names) + 2, max(12, width // 2))
    out: StyleAndTextTuples = []
    for offset, (completion, name) in enumerate(zip(shown, names, strict=True)):
        selected = index is not None and top + offset == index
        meta = to_plain_text(completion.display_meta)
        room = max(0, width - 2 - name_width - 1)
        if len(meta) > room:
            meta = meta[: room - 1] + "…" if room > 1 else ""
        if offset:
            out.append(("", "\n"))
        out.append(
            (
                "class:menu.selected" if selected else "class:menu",
                ("❯ " if selected else "  ") + name[:name_width].ljust(name_width),
            )
        )
        out.append(("class:menu.meta", meta))
    hidden = len(completions) - len(shown)
    if hidden > 0:
        out.append(("class:menu.meta", f"\n  ({len(completions)} matches, ↑/↓ to scroll)"))
    return out


class MenuControl(UIControl):
    """Renders :func:`menu_fragments` at the window's width."""

    def __init__(self, buffer: Buffer) -> None:
        self.buffer = buffer

    def _lines(self, width: int) -> list[StyleAndTextTuples]:
        return list(split_lines(menu_fragments(self.buffer, width)))

    def preferred_height(
        self,
        width: int,
        max_available_height: int,
        wrap_lines: bool,
        get_line_prefix: GetLinePrefixCallable | None,
    ) -> int | None:
        """As many rows as there are lines to show."""
        return len(self._lines(width))

    def create_content(self, width: int, height: int) -> UIContent:
        """The menu's lines."""
        lines = self._lines(width)
        return UIContent(get_line=lambda i: lines[i], line_count=len(lines))

    def is_focusable(self) -> bool:
        """Never: keys stay with the input box."""
        return False


def completion_menu(buffer: Buffer) -> ConditionalContainer:
    """A window listing the completions, shown while there are any."""

    @Condition
    def has_menu() -> bool:
        state = buffer.complete_state
        return state is not None and bool(state.completions)

    window = Window(MenuControl(buffer), dont_extend_height=True, wrap_lines=False)
    return ConditionalContainer(window, filter=has_menu)
