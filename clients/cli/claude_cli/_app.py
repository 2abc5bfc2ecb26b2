"""The interactive terminal client: wires the pieces together and runs the screen.

The pieces live in their own modules: the daemon link (``_connect``), the sessions followed
(``_registry``, ``_sessions``), output (``_output``, ``_render``), the input box (``_input``),
prompts and cancelling (``_turns``), the daemon's questions (``_questions``), losing the daemon
(``_recovery``), slash commands (``_commands``) and background tasks (``_background``). This
module routes the daemon's messages to them and implements what the keys and commands ask for.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_cli._connect import DaemonLink, DaemonStartError, Spawner
from claude_cli._output import Output
from claude_cli._paths import history_file, socket_path
from claude_cli._questions import Questions
from claude_cli._recovery import Recovery
from claude_cli._registry import SessionRegistry
from claude_cli._render import AnsiRenderer, detect_color_system
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._session_client import SessionView
from claude_cli._sessions import SessionInfo
from claude_cli._startup import (
    StartupError,
    auth_source,
    banner,
    import_later,
    import_ui,
    open_session,
    session_details,
    session_label,
)
from claude_cli._turns import Turns

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output as PtOutput

    from claude_cli._background import BackgroundTask, BackgroundTasks
    from claude_cli._commands import CommandRunner
    from claude_cli._input import CommandInfo, InputBox
    from claude_cli._pickers import Picker, PickResult
    from claude_cli._screen import Screen

MODES = ("default", "acceptEdits", "plan")
"""Shift+Tab cycles through these (and bypassPermissions when the session started in it)."""
DOUBLE_PRESS_SECONDS = 2.0
TICK_SECONDS = 0.1

_MODE_BADGES = {
    "default": ("class:status", "⏵ default mode"),
    "acceptEdits": ("class:status.mode", "⏵⏵ accept edits on"),
    "plan": ("class:status.mode", "⏸ plan mode on"),
    "bypassPermissions": ("class:status.mode", "⏵⏵ bypass permissions on"),
}


@dataclass(frozen=True, slots=True)
class AppOptions:
    """What the command line asked for."""

    cwd: str
    model: str | None = None
    mode: str | None = None
    continue_last: bool = False
    resume: str | None = None
    """A session id to resume."""
    resume_pick: bool = False
    """``--resume`` without an id: choose from a list."""
    prompt: str | None = None
    """A first prompt to send once the screen is up."""
    socket: Path | None = None


class InteractiveApp:
    """One run of the interactive client (implements the input box's and commands' hooks)."""

    def __init__(
        self,
        options: AppOptions,
        *,
        input: Input | None = None,
        output: PtOutput | None = None,
        spawner: Spawner | None = None,
        color_system: str | bool | None = True,
    ) -> None:
        self.options = options
        self.cwd = options.cwd
        self._pt_input = input
        self._pt_output = output
        self._color_system = color_system
        self.spawner = spawner or Spawner()
        self.spawner.on_spawn = self._announce_spawn
        self.sessions = SessionRegistry(options.cwd)
        self.link = DaemonLink(
            options.socket or socket_path(),
            self._on_notification,
            self._on_request,
            on_lost=self._on_lost,
            spawner=self.spawner,
        )
        self.out: Output | None = None
        self.screen: Screen | None = None
        self.box: InputBox | None = None
        self.turns: Turns | None = None
        self.questions: Questions | None = None
        self.recovery: Recovery | None = None
        self.commands: CommandRunner | None = None
        self.bg_tasks: BackgroundTasks | None = None
        self.daemon_commands: list[CommandInfo] = []
        self.exit_code = 0
        self._last_interrupt = 0.0
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def view(self) -> SessionView:
        """The foreground session."""
        return self.sessions.view

    # -- running --------------------------------------------------------------------------------

    async def run(self, early: socket.socket | None = None) -> int:
        """Connect, open the session, run the screen until the user leaves; the exit code.

        ``early`` is a socket on which ``initialize`` was sent at process start.
        """
        # The UI libraries load in a thread while this one waits for the daemon: the handshake
        # and the imports overlap, which is most of the launch-to-prompt time.
        preload = asyncio.ensure_future(asyncio.to_thread(import_ui))
        try:
            await self.link.connect(early=early)
        except (DaemonStartError, OSError) as exc:
            _error(f"could not reach the daemon: {exc}")
            return 1
        await preload
        await self._settle_trust()
        try:
            resumed = await open_session(
                self.link,
                self.sessions,
                model=self.options.model,
                mode=self.options.mode,
                continue_last=self.options.continue_last,
                resume=self.options.resume,
                pick=self._pick_session if self.options.resume_pick else None,
            )
        except (StartupError, RpcError, ConnectionLost) as exc:
            _error(getattr(exc, "message", None) or str(exc))
            await self.link.close()
            return 1
        auth = await auth_source(self.link)
        self._build(auth, resumed)
        assert self.screen is not None
        ticker = asyncio.ensure_future(self._tick())
        try:
            await self.screen.run(pre_run=self._on_started)
            await self.screen.drain()
        finally:
            ticker.cancel()
            await self._shutdown()
        return self.exit_code

    def _color(self) -> str | None:
        if self._color_system is True:
            return detect_color_system()
        return self._color_system or None

    def _build(self, auth: str, resumed: bool) -> None:
        from claude_cli._background import BackgroundTasks
        from claude_cli._commands import CLIENT_COMMANDS, CommandRunner, merge_commands
        from claude_cli._input import InputBox, PromptCompleter
        from claude_cli._input._history import open_history
        from claude_cli._screen import Screen

        out = self.out = Output(self.sessions, AnsiRenderer(self._color()))
        completer = PromptCompleter(
            lambda: merge_commands(CLIENT_COMMANDS, self.daemon_commands),
            self._search_files if self.link.features.has("files/search") else None,
        )
        box = self.box = InputBox(
            self, history=open_history(history_file(self.cwd)), completer=completer
        )
        self.screen = out.screen = Screen(
            box,
            out.live_ansi,
            self._status_left,
            self._status_right,
            input=self._pt_input,
            output=self._pt_output,
        )
        self.screen.on_refresh = out.print_finished
        self.turns = Turns(self.link, self.sessions, out, box.take_images)
        self.questions = Questions(self.sessions, out, self.screen.show_picker, self._origin)
        self.recovery = Recovery(self.link, self.sessions, out, on_fatal=self._fatal)
        self.commands = CommandRunner(self)
        self.bg_tasks = BackgroundTasks(
            self.link, self.sessions.register, out.refresh, self._background_done
        )
        # Printed before the screen starts: straight to the terminal, in order.
        color = out.renderer.color_system is not None
        sys.stdout.write(banner(self.link, self.sessions, auth, resumed, out.width(), color))
        out.print_finished()
        self._spawn(self._load_commands())

    def _on_started(self) -> None:
        if self.options.prompt:
            self.submit(self.options.prompt)
        # rich and its Markdown renderer load now, in a thread, not when the first answer streams.
        self._spawn(asyncio.to_thread(import_later))

    async def _tick(self) -> None:
        # Spinners and elapsed times move while something runs.
        while True:
            await asyncio.sleep(TICK_SECONDS)
            background = self.bg_tasks.running() if self.bg_tasks is not None else []
            if (self.view.busy or background) and self.out is not None:
                self.out.refresh()

    async def _settle_trust(self) -> None:
        from claude_cli._pickers import run_picker
        from claude_cli._trust_dialog import settle_trust

        async def show(picker: Picker) -> PickResult:
            return await run_picker(picker, self._pt_input, self._pt_output)

        await settle_trust(self.link, self.cwd, AnsiRenderer(self._color()), show)

    async def _pick_session(self, found: list[SessionInfo]) -> str | None:
        from rich.text import Text

        from claude_cli._pickers import Option, Picker, run_picker

        renderer = AnsiRenderer(self._color())
        options = [
            Option(session_label(s, self.cwd), session_details(s), value=s.session_id)
            for s in found
        ]
        title = Text("Resume a session", style="bold")
        picker = Picker(lambda width: renderer.to_ansi([title], width), options)
        result = await run_picker(picker, self._pt_input, self._pt_output)
        if result.cancelled or result.index is None:
            return None
        chosen: str = options[result.index].value
        return chosen

    async def _load_commands(self) -> None:
        from claude_cli._commands import commands_from_wire

        if not self.link.features.has("commands/list"):
            return
        with contextlib.suppress(RpcError, ConnectionLost):
            params = {"sessionId": self.view.session_id, "cwd": self.cwd}
            self.daemon_commands = commands_from_wire(
                await self.link.request("commands/list", params)
            )

    async def _search_files(self, query: str) -> list[str]:
        from claude_cli._input._complete import file_paths

        result = await self.link.request("files/search", {"cwd": self.cwd, "query": query})
        return file_paths(result)

    async def _shutdown(self) -> None:
        if self.recovery is not None:
            self.recovery.closing = True
        if self.turns is not None:
            await self.turns.shutdown()
        for task in list(self._tasks):
            task.cancel()
        await self.link.close()
        if self.view.session_id:
            sys.stdout.write(
                f"\nResume this session with: claude-py --resume {self.view.session_id}\n"
            )
            sys.stdout.flush()

    def _announce_spawn(self) -> None:
        if self.screen is not None and self.screen.running:
            # Never write to the terminal behind the screen's back: it would shift its drawing.
            self.flash("Starting the claude-py daemon…")
            return
        sys.stderr.write("Starting the claude-py daemon…\n")
        sys.stderr.flush()

    def _fatal(self) -> None:
        self.exit_code = 1
        self.quit()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the daemon's messages ------------------------------------------------------------------

    def _on_notification(self, method: str, params: Any) -> None:
        if method != "session/update" or not isinstance(params, dict):
            return
        view = self.sessions.get(str(params.get("sessionId", "")))
        update = params.get("update")
        if view is None or not isinstance(update, dict):
            return
        seq = params.get("seq")
        outcome = view.apply(seq if isinstance(seq, int) else None, update)
        if outcome == "gap" and self.recovery is not None:
            self._spawn(self.recovery.reattach(view))
        elif outcome == "applied":
            if self.questions is not None:
                self.questions.on_update(view, update)
            if self.turns is not None:
                self.turns.on_update(view, update)
        if self.out is not None:
            self.out.refresh()

    async def _on_request(self, method: str, params: Any) -> Any:
        if self.questions is None:
            raise RpcError(-32603, "the client is still starting")
        return await self.questions.on_request(method, params)

    def _on_lost(self) -> None:
        if self.recovery is not None:
            self.recovery.on_lost()

    def _origin(self, session_id: str) -> str:
        if self.bg_tasks is not None:
            for task in self.bg_tasks.tasks:
                if task.view is not None and task.view.session_id == session_id:
                    return f"background task #{task.number}"
        return ""

    # -- status line ----------------------------------------------------------------------------

    def _status_left(self) -> StyleAndTextTuples:
        style, badge = _MODE_BADGES.get(self.view.mode, ("class:status", self.view.mode))
        out: StyleAndTextTuples = [("class:status", "  "), (style, badge)]
        out.append(("class:status", " (shift+tab to cycle)"))
        extras = []
        if self.box is not None and self.box.stash is not None:
            extras.append("stashed (ctrl+s)")
        if self.box is not None and self.screen is not None and self.screen.running:
            with contextlib.suppress(Exception):
                if state := self.box.vi_state():
                    extras.append(f"-- {state} --")
        if self.turns is not None and self.turns.queue:
            extras.append(f"{len(self.turns.queue)} queued")
        if self.bg_tasks is not None and (running := self.bg_tasks.status()):
            extras.append(running)
        if not self.link.connected:
            extras.append("reconnecting…")
        if extras:
            out.append(("class:status", " · " + " · ".join(extras)))
        return out

    def _status_right(self) -> StyleAndTextTuples:
        from claude_cli._git import git_branch

        parts = [self.view.model]
        if branch := git_branch(self.cwd):
            parts.append(f"⎇ {branch}")
        return [("class:status", " · ".join(p for p in parts if p) + "  ")]

    # -- InputActions ---------------------------------------------------------------------------

    def submit(self, text: str) -> None:
        """Enter: a slash command, or a prompt (queued while a turn runs)."""
        from claude_cli._commands import parse_command

        command = parse_command(text)
        if command is not None and self.commands is not None:
            self._spawn(self.commands.run(*command))
        elif self.turns is not None:
            self.turns.submit(text)

    def interrupt(self) -> None:
        """Ctrl+C: cancel the turn; else clear the prompt; twice on an empty prompt exits."""
        if self.turns is not None and self.turns.interrupt():
            self.flash("Interrupting…")
            return
        if self.box is not None and self.box.text:
            self.box.clear()
            return
        now = time.monotonic()
        if now - self._last_interrupt < DOUBLE_PRESS_SECONDS:
            self.quit()
            return
        self._last_interrupt = now
        self.flash("Press ctrl+c again to exit")

    def escape(self) -> None:
        """Esc: interrupt a running turn (as in Claude Code)."""
        if self.view.busy:
            self.interrupt()

    def exit(self) -> None:
        """Ctrl+D on an empty prompt."""
        self.quit()

    def background(self, text: str) -> bool:
        """Ctrl+B: run ``text`` in a background session."""
        if self.bg_tasks is None or not self.link.connected:
            self.flash("Not connected to the daemon")
            return False
        task = self.bg_tasks.start(text, self.cwd, self.view.model or None, self.view.mode)
        self.flash(f"Started background task #{task.number}")
        return True

    def _background_done(self, task: BackgroundTask) -> None:
        from claude_cli._render._status import render_background_done

        if self.out is not None:
            self.out.print_finished()
            self.out.print([render_background_done(task)])

    def paste_image(self) -> str | None:
        """Ctrl+V: an image from the clipboard, as a marker in the prompt."""
        from claude_cli._input._clipboard import read_image

        image = read_image()
        if image.data is None or self.box is None:
            self.flash(f"No image pasted: {image.error}")
            return None
        return self.box.add_image(image.data, image.media_type)

    def cycle_mode(self) -> None:
        """Shift+Tab: the next permission mode."""
        modes = list(MODES)
        if self.options.mode == "bypassPermissions":
            modes.append("bypassPermissions")
        current = self.view.mode if self.view.mode in modes else "default"
        self._spawn(self._set_mode(modes[(modes.index(current) + 1) % len(modes)]))

    async def _set_mode(self, mode: str) -> None:
        try:
            params = {"sessionId": self.view.session_id, "mode": mode}
            await self.link.request("session/setMode", params)
        except (RpcError, ConnectionLost) as exc:
            self.flash(f"Mode unchanged: {getattr(exc, 'message', exc)}")

    def expand(self) -> None:
        """Ctrl+O: the last shortened output in full."""
        renderables = self.sessions.transcript.expand_last()
        if not renderables:
            self.flash("Nothing to expand")
        elif self.out is not None:
            self.out.print(renderables)

    # -- CommandHost ----------------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        """The foreground session's id."""
        return self.view.session_id

    def notice(self, text: str, level: str = "info") -> None:
        """A one-line notice in the transcript."""
        if self.out is not None:
            self.out.notice(text, level)

    def print_markdown(self, text: str) -> None:
        """Command output."""
        if self.out is not None:
            self.out.print_markdown(text)

    def flash(self, text: str) -> None:
        """A short message in the status line."""
        if self.out is not None:
            self.out.flash(text)

    def quit(self) -> None:
        """Leave the application."""
        if self.screen is not None:
            self.screen.exit(self.exit_code)

    def toggle_vi(self) -> bool:
        """/vim."""
        assert self.box is not None
        return self.box.toggle_vi()

    def copy_last(self) -> str:
        """/copy: the last answer to the clipboard."""
        from claude_cli._input._clipboard import osc52, write_text

        text = self.view.last_answer
        if not text.strip():
            return "Nothing to copy yet"
        error = write_text(text)
        if error is None:
            return f"Copied the last response ({len(text)} characters)"
        if self.screen is not None and self.screen.running:
            # No clipboard tool: ask the terminal itself (OSC 52; works over ssh too).
            self.screen.app.output.write_raw(osc52(text))
            return f"Copied the last response through the terminal (OSC 52); {error}"
        return error

    async def pick_model(self) -> str | None:
        """/model: choose among the model families."""
        from rich.text import Text

        from claude_cli._commands import MODEL_CHOICES
        from claude_cli._pickers import Option, Picker

        assert self.out is not None and self.screen is not None
        options = [Option(alias, text, value=alias) for alias, text in MODEL_CHOICES]
        header = self.out.header_source(
            Text(f"Select a model (now: {self.view.model})", style="bold")
        )
        result = await self.show_picker(Picker(header, options))
        if result.cancelled or result.index is None:
            return None
        chosen: str = options[result.index].value
        return chosen

    async def show_picker(self, picker: Picker) -> PickResult:
        """Show a picker in place of the input box."""
        assert self.screen is not None
        return await self.screen.show_picker(picker)

    def command_names(self) -> list[CommandInfo]:
        """Every slash command offered."""
        from claude_cli._commands import CLIENT_COMMANDS, merge_commands

        return merge_commands(CLIENT_COMMANDS, self.daemon_commands)


def _error(message: str) -> None:
    sys.stderr.write("claude-py: error: " + " ".join(message.split()) + "\n")
    sys.stderr.flush()


def main_interactive(options: AppOptions, early: socket.socket | None = None) -> int:
    """Synchronous entry for the CLI; ``early`` already carries our ``initialize``."""
    try:
        return asyncio.run(InteractiveApp(options).run(early))
    except KeyboardInterrupt:
        return 130
