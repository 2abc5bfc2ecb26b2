"""Key bindings of the input box.

Enter submits; Alt+Enter, Ctrl+J, Shift+Enter (where the terminal reports it) and a trailing
backslash before Enter add a line. Tab accepts a completion, Esc dismisses it, Up/Down move through
completions or history (prompt_toolkit's defaults), Ctrl+R searches history.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from prompt_toolkit.filters import Condition, emacs_mode, has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.search import SearchDirection, start_search

from claude_cli._input._complete import mention_query, slash_query

if TYPE_CHECKING:
    from claude_cli._input._box import InputBox

SHIFT_ENTER_SEQUENCES = (
    "\x1b[13;2u",  # kitty keyboard protocol / CSI u (foot, WezTerm, iTerm2 with CSI u)
    "\x1b[27;2;13~",  # xterm modifyOtherKeys
)


@cache
def install_shift_enter_sequences() -> None:
    """Teach prompt_toolkit's parser Shift+Enter: it arrives as Alt+Enter (add a line)."""
    from prompt_toolkit.input.ansi_escape_sequences import ANSI_SEQUENCES

    for sequence in SHIFT_ENTER_SEQUENCES:
        ANSI_SEQUENCES.setdefault(sequence, (Keys.Escape, Keys.ControlM))


def box_bindings(box: InputBox) -> KeyBindings:
    """The bindings, active while the input box has the focus."""
    kb = KeyBindings()
    focused = has_focus(box.buffer)
    buf = box.buffer

    @Condition
    def completing() -> bool:
        state = buf.complete_state
        return state is not None and bool(state.completions)

    def accept_completion(add_space: bool) -> str | None:
        state = buf.complete_state
        if state is None or not state.completions:
            return None
        completion = state.current_completion or state.completions[0]
        buf.apply_completion(completion)
        buf.complete_state = None
        if add_space and not completion.text.endswith("/"):
            buf.insert_text(" ", fire_event=False)
        return completion.text

    @kb.add("enter", filter=focused)
    def _enter(event: KeyPressEvent) -> None:
        before = buf.document.text_before_cursor
        state = buf.complete_state
        if completing() and state is not None:
            if slash_query(before) is not None:
                # Enter on a command runs it, as if it had been typed out.
                accept_completion(add_space=False)
                box.submit()
                return
            if state.current_completion is not None and mention_query(before) is not None:
                accept_completion(add_space=True)
                return
        if before.endswith("\\") and not buf.document.text_after_cursor.strip():
            buf.delete_before_cursor(1)
            buf.insert_text("\n")
            return
        box.submit()

    @kb.add("escape", "enter", filter=focused)
    @kb.add("c-j", filter=focused)
    def _newline(event: KeyPressEvent) -> None:
        buf.insert_text("\n")

    @kb.add("tab", filter=focused)
    def _tab(event: KeyPressEvent) -> None:
        if completing():
            accept_completion(add_space=True)
        else:
            buf.start_completion(select_first=False)

    @kb.add("escape", filter=focused & completing)
    def _dismiss(event: KeyPressEvent) -> None:
        buf.cancel_completion()
        buf.complete_state = None

    @kb.add("escape", filter=focused & ~completing & emacs_mode)
    def _escape(event: KeyPressEvent) -> None:
        box.actions.escape()

    @kb.add("c-r", filter=focused)
    def _search(event: KeyPressEvent) -> None:
        start_search(box.control, direction=SearchDirection.BACKWARD)

    @kb.add("c-s", filter=focused)
    def _stash(event: KeyPressEvent) -> None:
        box.toggle_stash()

    @kb.add(Keys.BracketedPaste, filter=focused)
    def _paste(event: KeyPressEvent) -> None:
        buf.insert_text(box.paste(event.data))

    @kb.add("c-v", filter=focused)
    def _paste_image(event: KeyPressEvent) -> None:
        marker = box.actions.paste_image()
        if marker:
            buf.insert_text(marker + " ")

    @kb.add("c-b", filter=focused)
    def _background(event: KeyPressEvent) -> None:
        text = buf.text
        if text.strip() and box.actions.background(text):
            buf.append_to_history()
            buf.reset()

    @kb.add("c-c", filter=focused)
    def _interrupt(event: KeyPressEvent) -> None:
        box.actions.interrupt()

    @kb.add("c-d", filter=focused)
    def _eof(event: KeyPressEvent) -> None:
        if buf.text:
            buf.delete()
        else:
            box.actions.exit()

    @kb.add("s-tab", filter=focused)
    def _mode(event: KeyPressEvent) -> None:
        box.actions.cycle_mode()

    @kb.add("c-o", filter=focused)
    def _expand(event: KeyPressEvent) -> None:
        box.actions.expand()

    return kb
