"""Interactive choices in the terminal: a list picker, and the AskUserQuestion flow.

A :class:`Picker` is a prompt_toolkit container with its own keys (Up/Down or digits to move,
Enter to choose, Space to tick in multi-select, Esc to dismiss). Options may ask for text after
being chosen (a reason to give the model, an "Other" answer). The result arrives on a future, so
the app can also withdraw the picker when another client answered first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from prompt_toolkit.buffer import Buffer
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import ConditionalContainer, Container, HSplit, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl

from claude_cli._widgets import AnsiControl, AnsiSource


@dataclass(frozen=True, slots=True)
class Option:
    """One choice."""

    label: str
    description: str = ""
    value: Any = None
    text_prompt: str | None = None
    """When set, choosing this option asks for a line of text with this prompt."""


@dataclass(frozen=True, slots=True)
class PickResult:
    """What the user chose: ``None`` index when dismissed (Esc)."""

    index: int | None
    indexes: tuple[int, ...] = ()
    text: str | None = None

    @property
    def cancelled(self) -> bool:
        """The picker was dismissed."""
        return self.index is None and not self.indexes


@dataclass(eq=False)
class Picker:
    """A list of options shown in place of the input box until one is chosen."""

    header: AnsiSource
    options: list[Option]
    multi: bool = False
    hint: str = ""
    index: int = 0
    checked: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.future: asyncio.Future[PickResult] = asyncio.get_running_loop().create_future()
        self.text_mode: int | None = None
        """Index of the option whose text is being typed."""
        self.text_buffer = Buffer(multiline=False)
        self.header_control = AnsiControl(self.header)
        self.list_control = FormattedTextControl(
            self._list_fragments, focusable=True, key_bindings=self._list_bindings()
        )
        self.list_window = Window(self.list_control, dont_extend_height=True)
        self.text_control = BufferControl(self.text_buffer, key_bindings=self._text_bindings())
        self.text_window = Window(
            self.text_control,
            height=1,
            get_line_prefix=lambda line, wrap: [("class:prompt", "  > ")],
        )
        in_text = Condition(lambda: self.text_mode is not None)
        self.container: Container = HSplit(
            [
                Window(height=1, char="─", style="class:picker.rule"),
                Window(self.header_control, dont_extend_height=True),
                self.list_window,
                ConditionalContainer(
                    HSplit(
                        [Window(FormattedTextControl(self._text_label), height=1), self.text_window]
                    ),
                    filter=in_text,
                ),
                Window(FormattedTextControl(self._hint_fragments), height=1),
            ]
        )

    @property
    def focus_target(self) -> Window:
        """The window that should have the keyboard focus."""
        return self.text_window if self.text_mode is not None else self.list_window

    # -- rendering ----------------------------------------------------------------------------

    def _list_fragments(self) -> StyleAndTextTuples:
        out: StyleAndTextTuples = []
        for i, option in enumerate(self.options):
            selected = i == self.index
            if i:
                out.append(("", "\n"))
            pointer = "❯ " if selected else "  "
            box = ("[x] " if i in self.checked else "[ ] ") if self.multi else ""
            style = "class:picker.selected" if selected else ""
            out.append((style, f"{pointer}{i + 1}. {box}{option.label}"))
            if option.description:
                out.append(("class:picker.description", f"  {option.description}"))
        return out

    def _text_label(self) -> StyleAndTextTuples:
        if self.text_mode is None:
            return []
        prompt = self.options[self.text_mode].text_prompt or ""
        return [("class:picker.description", f"  {prompt}")]

    def _hint_fragments(self) -> StyleAndTextTuples:
        if self.text_mode is not None:
            return [("class:hint", "  enter to send · esc to go back")]
        keys = (
            "↑/↓ to move · space to tick · enter to confirm"
            if self.multi
            else ("↑/↓ or 1-9 to move · enter to choose")
        )
        extra = f" · {self.hint}" if self.hint else ""
        return [("class:hint", f"  {keys} · esc to cancel{extra}")]

    # -- keys ---------------------------------------------------------------------------------

    def _finish(self, result: PickResult) -> None:
        if not self.future.done():
            self.future.set_result(result)

    def choose(self, index: int) -> None:
        """Choose option ``index`` (asking for its text first when it wants some)."""
        option = self.options[index]
        if option.text_prompt is not None:
            self.index = index
            self.text_mode = index
            self.text_buffer.reset()
            from prompt_toolkit.application.current import get_app

            get_app().layout.focus(self.text_window)
            return
        if self.multi:
            picked = tuple(sorted(self.checked or {index}))
            self._finish(PickResult(index=picked[0], indexes=picked))
        else:
            self._finish(PickResult(index=index, indexes=(index,)))

    def cancel(self) -> None:
        """Dismiss without a choice."""
        self._finish(PickResult(index=None))

    def _list_bindings(self) -> KeyBindings:
        kb = KeyBindings()

        @kb.add("up")
        @kb.add("k")
        @kb.add("s-tab")
        def _up(event: KeyPressEvent) -> None:
            self.index = (self.index - 1) % len(self.options)

        @kb.add("down")
        @kb.add("j")
        @kb.add("tab")
        def _down(event: KeyPressEvent) -> None:
            self.index = (self.index + 1) % len(self.options)

        @kb.add("enter")
        def _enter(event: KeyPressEvent) -> None:
            self.choose(self.index)

        @kb.add("space")
        def _tick(event: KeyPressEvent) -> None:
            if self.multi:
                self.checked ^= {self.index}

        @kb.add("escape", eager=True)
        @kb.add("c-c")
        def _cancel(event: KeyPressEvent) -> None:
            self.cancel()

        for digit in range(1, 10):

            @kb.add(str(digit))
            def _digit(event: KeyPressEvent, number: int = digit) -> None:
                if number <= len(self.options):
                    self.index = number - 1
                    if self.multi:
                        self.checked ^= {self.index}
                    else:
                        self.choose(self.index)

        return kb

    def _text_bindings(self) -> KeyBindings:
        kb = KeyBindings()

        @kb.add("enter")
        def _send(event: KeyPressEvent) -> None:
            assert self.text_mode is not None
            text = self.text_buffer.text.strip()
            index = self.text_mode
            indexes = tuple(sorted(self.checked | {index})) if self.multi else (index,)
            self._finish(PickResult(index=index, indexes=indexes, text=text))

        @kb.add("escape", eager=True)
        @kb.add("c-c")
        def _back(event: KeyPressEvent) -> None:
            self.text_mode = None
            event.app.layout.focus(self.list_window)

        return kb


ShowPicker = Callable[[Picker], Awaitable[PickResult]]
"""Shows a picker in place of the input box and waits for its result."""


async def ask_questions(
    questions: list[dict[str, Any]],
    show: ShowPicker,
    render_header: Callable[[str, str], AnsiSource],
) -> dict[str, Any]:
    """Run the AskUserQuestion flow: one picker per question; returns the ``askUser`` result."""
    answers: dict[str, str | list[str]] = {}
    for question in questions:
        text = str(question.get("question", ""))
        raw_options = [o for o in question.get("options") or [] if isinstance(o, dict)]
        options = [
            Option(str(o.get("label", "")), str(o.get("description", ""))) for o in raw_options
        ]
        options.append(Option("Other", "type your own answer", text_prompt="Your answer:"))
        multi = bool(question.get("multiSelect"))
        picker = Picker(render_header(str(question.get("header", "")), text), options, multi=multi)
        result = await show(picker)
        if result.cancelled:
            return {"outcome": "cancelled"}
        chosen = [options[i].label for i in result.indexes if options[i].text_prompt is None]
        if result.text:
            chosen.append(result.text)
        answers[text] = chosen if multi else (chosen[0] if chosen else "")
    return {"outcome": "answered", "answers": answers}


async def run_picker(picker: Picker, input: Any = None, output: Any = None) -> PickResult:
    """Show ``picker`` on its own (before the main screen exists, e.g. ``--resume``)."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.layout import Layout

    app: Application[None] = Application(
        layout=Layout(picker.container, focused_element=picker.list_window),
        full_screen=False,
        erase_when_done=True,
        input=input,
        output=output,
    )
    picker.future.add_done_callback(lambda _f: app.exit() if app.is_running else None)
    await app.run_async()
    return picker.future.result() if picker.future.done() else PickResult(index=None)
