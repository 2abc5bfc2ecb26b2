"""Drive prompt_toolkit applications from tests: pipe input, dummy output."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.layout import Layout
from prompt_toolkit.output import DummyOutput

UP = "\x1b[A"
DOWN = "\x1b[B"
ENTER = "\r"
ALT_ENTER = "\x1b\r"
TAB = "\t"
ESC = "\x1b"
CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_S = "\x13"
CTRL_V = "\x16"
CTRL_B = "\x02"
CTRL_R = "\x12"
SHIFT_TAB = "\x1b[Z"


@dataclass
class RecordingActions:
    """InputActions that record what the box asked for."""

    submitted: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    image: Callable[[], str | None] = lambda: None
    take_background: bool = True

    def submit(self, text: str) -> None:
        self.submitted.append(text)

    def interrupt(self) -> None:
        self.calls.append("interrupt")

    def escape(self) -> None:
        self.calls.append("escape")

    def exit(self) -> None:
        self.calls.append("exit")

    def background(self, text: str) -> bool:
        self.calls.append(f"background:{text}")
        return self.take_background

    def paste_image(self) -> str | None:
        self.calls.append("paste_image")
        return self.image()

    def cycle_mode(self) -> None:
        self.calls.append("cycle_mode")

    def expand(self) -> None:
        self.calls.append("expand")


async def settle(condition: Callable[[], bool] | None = None, timeout: float = 5.0) -> None:
    """Let the app process input; with a condition, wait until it holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await asyncio.sleep(0.02)
        if condition is None:
            # Enough rounds for key processing (and escape timeouts) to finish.
            await asyncio.sleep(0.15)
            return
        if condition():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")


@contextlib.asynccontextmanager
async def running_app(
    container: Any, focused: Any, key_bindings: KeyBindings | None = None
) -> AsyncIterator[tuple[Application[Any], PipeInput]]:
    """Run an Application around ``container`` with pipe input until the block ends."""
    with create_pipe_input() as pipe:
        app: Application[Any] = Application(
            layout=Layout(container, focused_element=focused),
            key_bindings=key_bindings,
            input=pipe,
            output=DummyOutput(),
        )
        app.ttimeoutlen = 0.05
        task = asyncio.create_task(app.run_async())
        await asyncio.sleep(0.05)
        try:
            yield app, pipe
        finally:
            if app.is_running:
                app.exit()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 5)
