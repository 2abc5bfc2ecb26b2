"""The input box: a bordered multi-line buffer with history, completion, stash and vi mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from prompt_toolkit.application.current import get_app
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import Completer
from prompt_toolkit.document import Document
from prompt_toolkit.enums import EditingMode
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.key_binding.vi_state import InputMode
from prompt_toolkit.layout import (
    Container,
    Dimension,
    HSplit,
    VSplit,
    Window,
)
from prompt_toolkit.layout.controls import BufferControl
from prompt_toolkit.layout.processors import (
    HighlightIncrementalSearchProcessor,
    Processor,
    Transformation,
    TransformationInput,
)
from prompt_toolkit.widgets import SearchToolbar

from claude_cli._input._keys import box_bindings, install_shift_enter_sequences
from claude_cli._input._menu import completion_menu

PLACEHOLDER = 'Try "explain this project" · / for commands · @ to mention files'
MAX_INPUT_ROWS = 10
PASTE_LINES = 10
"""A paste of more lines than this goes into the box as a marker, not as text."""


class InputActions(Protocol):
    """What the input box asks of the application."""

    def submit(self, text: str) -> None:
        """The user pressed Enter on ``text`` (not empty)."""

    def interrupt(self) -> None:
        """Ctrl+C."""

    def escape(self) -> None:
        """Esc with no completion menu open (emacs mode)."""

    def exit(self) -> None:
        """Ctrl+D on an empty prompt."""

    def background(self, text: str) -> bool:
        """Ctrl+B: run ``text`` as a background task; True when it was taken."""

    def paste_image(self) -> str | None:
        """Ctrl+V: the marker to insert for a pasted image, or None (a message was shown)."""

    def cycle_mode(self) -> None:
        """Shift+Tab: next permission mode."""

    def expand(self) -> None:
        """Ctrl+O: show the last shortened output in full."""


class _Placeholder(Processor):
    """Shows a dim hint in the empty buffer."""

    def __init__(self, text: Callable[[], str]) -> None:
        self.text = text

    def apply_transformation(self, ti: TransformationInput) -> Transformation:
        if ti.document.text or ti.lineno != 0:
            return Transformation(ti.fragments)
        return Transformation([*ti.fragments, ("class:placeholder", self.text())])


def _rule(left: str, right: str) -> VSplit:
    border = "class:frame.border"
    return VSplit(
        [
            Window(width=1, height=1, char=left, style=border),
            Window(height=1, char="─", style=border),
            Window(width=1, height=1, char=right, style=border),
        ],
        height=1,
    )


class InputBox:
    """The prompt buffer, its bordered window, completion menu and key bindings."""

    def __init__(
        self,
        actions: InputActions,
        *,
        history: History | None = None,
        completer: Completer | None = None,
        placeholder: Callable[[], str] = lambda: PLACEHOLDER,
    ) -> None:
        install_shift_enter_sequences()
        self.actions = actions
        self.stash: str | None = None
        self.pastes: dict[str, str] = {}
        self.images: dict[int, tuple[bytes, str]] = {}
        """Pasted images by marker number: ``[Image #N]`` -> (data, media type)."""
        self.buffer = Buffer(
            name="prompt",
            multiline=True,
            history=history or InMemoryHistory(),
            completer=completer,
            complete_while_typing=True,
        )
        self.search = SearchToolbar(ignore_case=True)
        self.control = BufferControl(
            self.buffer,
            search_buffer_control=self.search.control,
            input_processors=[_Placeholder(placeholder), HighlightIncrementalSearchProcessor()],
            # Ctrl+R shows the match as the query is typed, not only after a second Ctrl+R.
            preview_search=True,
            focus_on_click=True,
        )
        self.window = Window(
            self.control,
            height=Dimension(min=1, max=MAX_INPUT_ROWS),
            wrap_lines=True,
            dont_extend_height=True,
            get_line_prefix=lambda line, wrap: [
                ("class:prompt", "> " if line == 0 and not wrap else "  ")
            ],
        )
        self.menu = completion_menu(self.buffer)
        self.key_bindings = box_bindings(self)
        border = "class:frame.border"
        body = VSplit(
            [
                Window(width=1, char="│", style=border),
                Window(width=1, char=" "),
                self.window,
                Window(width=1, char=" "),
                Window(width=1, char="│", style=border),
            ]
        )
        self.container: Container = HSplit(
            [
                _rule("╭", "╮"),
                body,
                _rule("╰", "╯"),
                self.search,
                self.menu,
            ]
        )

    # -- state ---------------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The text being edited."""
        return self.buffer.text

    def set_text(self, text: str) -> None:
        """Replace the text, cursor at the end."""
        self.buffer.document = Document(text, len(text))

    def clear(self) -> None:
        """Empty the buffer (keeps the stash)."""
        self.buffer.reset()

    def toggle_stash(self) -> str:
        """Ctrl+S: put the text aside, or bring back what was put aside; says what happened.

        With text in the box and a stash already held, the two change places: a second
        Ctrl+S never drops what was put aside first.
        """
        if self.buffer.text:
            held, self.stash = self.stash, self.buffer.text
            if held is not None:
                self.set_text(held)
                return "swapped"
            self.buffer.reset()
            return "stashed"
        if self.stash is not None:
            self.set_text(self.stash)
            self.stash = None
            return "restored"
        return "empty"

    def submit(self) -> None:
        """Hand the text to the application, remember it in history, clear the box."""
        text = self.buffer.text
        if not text.strip():
            return
        self.buffer.append_to_history()
        self.buffer.reset()
        get_app().vi_state.input_mode = InputMode.INSERT  # the next prompt starts typed
        # Markers are kept (not forgotten on send) so a prompt recalled from history expands too.
        self.actions.submit(self.expand_pastes(text))

    def paste(self, text: str) -> str:
        """What a paste puts in the box: the text, or for a long one a ``[Pasted text #N +L
        lines]`` marker that stands for it until the prompt is sent (as in Claude Code)."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.count("\n") + (not text.endswith("\n"))
        if lines <= PASTE_LINES:
            return text
        number = len(self.pastes) + 1
        marker = f"[Pasted text #{number} +{lines} lines]"
        self.pastes[marker] = text
        return marker

    def expand_pastes(self, text: str) -> str:
        """``text`` with each paste marker replaced by the text it stands for."""
        for marker, pasted in self.pastes.items():
            text = text.replace(marker, pasted)
        return text

    def add_image(self, data: bytes, media_type: str) -> str:
        """Keep a pasted image; returns its ``[Image #N]`` marker."""
        number = len(self.images) + 1
        self.images[number] = (data, media_type)
        return f"[Image #{number}]"

    def take_images(self, text: str) -> list[tuple[bytes, str]]:
        """The images whose markers are in ``text`` (in marker order); forgets all of them."""
        found = [self.images[n] for n in sorted(self.images) if f"[Image #{n}]" in text]
        self.images.clear()
        return found

    @staticmethod
    def vi_mode() -> bool:
        """Whether the running application edits in vi mode."""
        return get_app().editing_mode == EditingMode.VI

    @staticmethod
    def vi_state() -> str | None:
        """``INSERT``, ``NORMAL``, ``VISUAL`` or ``REPLACE`` in vi mode, else None."""
        app = get_app()
        if app.editing_mode != EditingMode.VI:
            return None
        if app.vi_state.input_mode == InputMode.NAVIGATION:
            return "VISUAL" if app.current_buffer.selection_state is not None else "NORMAL"
        if app.vi_state.input_mode in (InputMode.REPLACE, InputMode.REPLACE_SINGLE):
            return "REPLACE"
        return "INSERT"

    @staticmethod
    def toggle_vi() -> bool:
        """Switch between emacs and vi editing; returns True when vi is now on."""
        app = get_app()
        vi = app.editing_mode != EditingMode.VI
        app.editing_mode = EditingMode.VI if vi else EditingMode.EMACS
        # Typing goes on where it was: vi mode starts in insert mode, as in Claude Code.
        app.vi_state.input_mode = InputMode.INSERT
        return vi
