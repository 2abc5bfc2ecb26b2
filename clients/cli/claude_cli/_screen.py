"""The terminal screen: scrollback above, a live region, the input box (or a picker), a status line.

Finished output is printed once into the terminal's normal scrollback, above the application,
and never redrawn. Only the bottom part (the live region with the answer still streaming, the
input box and the status line) is redrawn, at most every ``refresh_interval`` seconds, wrapped in
synchronized-output escapes so terminals that support them show no intermediate frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable

from prompt_toolkit.application import Application
from prompt_toolkit.application.run_in_terminal import in_terminal
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.layout import (
    ConditionalContainer,
    DynamicContainer,
    HSplit,
    Layout,
    VSplit,
    Window,
    WindowAlign,
)
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from claude_cli._input import InputBox
from claude_cli._pickers import Picker, PickResult
from claude_cli._widgets import AnsiControl, AnsiSource

SYNC_BEGIN = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"
REFRESH_INTERVAL = 0.05
"""Seconds between redraws of the live region at most (20 per second)."""
FLASH_SECONDS = 4.0

STYLE = Style.from_dict(
    {
        "frame.border": "#888888",
        "prompt": "bold",
        "placeholder": "#888888 italic",
        "menu": "",
        "menu.selected": "bold #d787ff",
        "menu.meta": "#888888",
        "picker.rule": "#d787ff",
        "picker.selected": "bold #d787ff",
        "picker.description": "#888888",
        "hint": "#888888",
        "status": "#888888",
        "status.mode": "bold #d787ff",
        "status.flash": "#ffaf00",
        "search-toolbar": "",
    }
)


class Screen:
    """Owns the prompt_toolkit application and everything drawn or printed."""

    def __init__(
        self,
        box: InputBox,
        live_source: AnsiSource,
        status_left: Callable[[], StyleAndTextTuples],
        status_right: Callable[[], StyleAndTextTuples],
        *,
        key_bindings: KeyBindings | None = None,
        input: Input | None = None,
        output: Output | None = None,
        refresh_interval: float = REFRESH_INTERVAL,
    ) -> None:
        self.box = box
        self.refresh_interval = refresh_interval
        self.dialog: Picker | None = None
        self._flash: tuple[str, float] | None = None
        self._pending: list[str] = []
        self._scheduled: asyncio.TimerHandle | None = None
        self._last_refresh = 0.0
        self._flushing: asyncio.Task[None] | None = None
        self._dialog_lock = asyncio.Lock()
        self._started = asyncio.Event()
        self.on_refresh: Callable[[], None] | None = None
        """Called at each bounded refresh, before printing (to collect finished output)."""
        self.live = AnsiControl(live_source, max_lines=self.live_rows)
        has_live = Condition(lambda: bool(self.live.lines(self._columns())))
        body = HSplit(
            [
                ConditionalContainer(Window(self.live, dont_extend_height=True), filter=has_live),
                DynamicContainer(lambda: self.dialog.container if self.dialog else box.container),
                VSplit(
                    [
                        Window(FormattedTextControl(self._status_left(status_left)), height=1),
                        Window(
                            FormattedTextControl(status_right),
                            height=1,
                            align=WindowAlign.RIGHT,
                        ),
                    ],
                    height=1,
                ),
            ]
        )
        self.app: Application[int] = Application(
            layout=Layout(body, focused_element=box.window),
            key_bindings=merge_key_bindings([box.key_bindings, key_bindings or KeyBindings()]),
            style=STYLE,
            full_screen=False,
            mouse_support=False,
            erase_when_done=False,
            min_redraw_interval=refresh_interval,
            max_render_postpone_time=refresh_interval * 2,
            input=input,
            output=output,
            include_default_pygments_style=False,
        )
        # Esc alone must not wait half a second for a possible Alt-combination.
        self.app.ttimeoutlen = 0.1
        self.app.timeoutlen = 0.5

    # -- geometry -------------------------------------------------------------------------------

    def _columns(self) -> int:
        try:
            return self.app.output.get_size().columns
        except Exception:  # noqa: BLE001 - no terminal (tests): a sane default
            return 80

    def _rows(self) -> int:
        try:
            return self.app.output.get_size().rows
        except Exception:  # noqa: BLE001
            return 24

    def live_rows(self) -> int:
        """Rows the live region may use."""
        # Leave room for the input box (borders + its lines), the status line and the menu.
        input_lines = min(self.box.buffer.document.line_count, 10)
        return max(3, self._rows() - input_lines - 5)

    def width(self) -> int:
        """Columns available for printing."""
        return self._columns()

    # -- status line ----------------------------------------------------------------------------

    def _status_left(
        self, inner: Callable[[], StyleAndTextTuples]
    ) -> Callable[[], StyleAndTextTuples]:
        def fragments() -> StyleAndTextTuples:
            if self._flash is not None:
                text, until = self._flash
                if time.monotonic() < until:
                    return [("class:status.flash", f"  {text}")]
                self._flash = None
            return inner()

        return fragments

    def flash(self, text: str, seconds: float = FLASH_SECONDS) -> None:
        """Show ``text`` in the status line for a few seconds."""
        self._flash = (text, time.monotonic() + seconds)
        self.app.invalidate()
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().call_later(seconds + 0.05, self.app.invalidate)

    # -- running --------------------------------------------------------------------------------

    async def run(self, pre_run: Callable[[], None] | None = None) -> int | None:
        """Run until :meth:`exit`."""

        def started() -> None:
            self._started.set()
            if pre_run is not None:
                pre_run()

        return await self.app.run_async(pre_run=started)

    def exit(self, code: int = 0) -> None:
        """Leave the application (after printing what is pending)."""
        future = self.app.future
        if future is not None and not future.done():
            self.app.exit(result=code)

    @property
    def running(self) -> bool:
        """Whether the application is on screen."""
        return self.app.is_running

    # -- output ---------------------------------------------------------------------------------

    def print_ansi(self, text: str) -> None:
        """Print ``text`` (with escapes) into the scrollback, above the live region."""
        if not text:
            return
        if not self.app.is_running:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        self._pending.append(text)
        self.request_refresh()

    def request_refresh(self) -> None:
        """Redraw soon, but not more often than every ``refresh_interval`` seconds."""
        if self._scheduled is not None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, self._last_refresh + self.refresh_interval - loop.time())
        self._scheduled = loop.call_later(delay, self._refresh)

    def _refresh(self) -> None:
        self._scheduled = None
        self._last_refresh = asyncio.get_running_loop().time()
        if self.on_refresh is not None:
            self.on_refresh()
        self.live.invalidate()
        if self._pending and (self._flushing is None or self._flushing.done()):
            self._flushing = asyncio.ensure_future(self._flush())
        else:
            self.app.invalidate()

    async def _flush(self) -> None:
        while self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            if not self.app.is_running:
                sys.stdout.write(text)
                sys.stdout.flush()
                continue
            output = self.app.output
            output.write_raw(SYNC_BEGIN)
            async with in_terminal():
                output.write_raw(text)
                output.flush()
            output.write_raw(SYNC_END)
            output.flush()

    async def drain(self) -> None:
        """Print everything pending now (before exiting)."""
        if self.on_refresh is not None:
            self.on_refresh()
        if self._flushing is not None and not self._flushing.done():
            await self._flushing
        if self._pending:
            await self._flush()

    # -- dialogs --------------------------------------------------------------------------------

    async def show_picker(self, picker: Picker) -> PickResult:
        """Show ``picker`` instead of the input box until it has a result (one at a time)."""
        async with self._dialog_lock:
            await self._started.wait()
            self.dialog = picker
            self.app.layout.focus(picker.focus_target)
            self.request_refresh()
            try:
                return await picker.future
            finally:
                self.dialog = None
                with contextlib.suppress(ValueError):
                    self.app.layout.focus(self.box.window)
                self.request_refresh()
