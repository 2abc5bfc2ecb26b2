"""``Bash``, ``BashOutput`` and ``KillShell``: shell commands, in the foreground or background.

Every call runs a fresh ``bash -c`` in its own process group. The working directory persists
across calls of a session: an ``EXIT`` trap writes ``pwd -P`` to a temporary file that the next
call starts from. Nothing else persists (exported variables, functions), so one command's
environment never leaks into the next.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from claude_server.auth import without_credentials
from claude_server.errors import ClaudePyError
from claude_server.model import (
    PermissionLevel,
    TerminalDisplay,
    ToolContext,
    ToolError,
    ToolResult,
)
from claude_server.tools._common import BaseTool, ToolInput, one_line, truncate_middle
from claude_server.tools._process import kill_process_group

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
OUTPUT_HEAD_BYTES = 15_000
OUTPUT_TAIL_BYTES = 15_000
"""A command's output is kept as its first and last bytes; the middle of a flood is dropped."""
BACKGROUND_BUFFER_CHARS = 1_000_000
"""Unread output a background shell keeps; older output is dropped past this."""
DRAIN_SECONDS = 0.5
"""How long to keep reading after the shell exits, when its background children hold the pipe."""
PROGRESS_INTERVAL = 0.25
_STATE_KEY = "bash"

# $1 is the file that receives the final working directory, $2 the command. eval keeps a
# command that does not parse (an open quote, an unterminated heredoc) from swallowing the
# trap, and `exit N` inside the command still runs it.
_SCRIPT = (
    "__claude_py_cwd_file=$1; __claude_py_command=$2; shift 2; "
    "trap 'pwd -P >| \"$__claude_py_cwd_file\" 2>/dev/null' EXIT; "
    'eval "$__claude_py_command"'
)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


# ---------------------------------------------------------------------------------------------
# Inputs


class BashInput(ToolInput):
    """Input of ``Bash``."""

    command: str = Field(description="The shell command to run (bash syntax).")
    timeout: int | None = Field(
        default=None,
        ge=1,
        le=MAX_TIMEOUT_MS,
        description=(
            f"Timeout in milliseconds (default {DEFAULT_TIMEOUT_MS}, at most {MAX_TIMEOUT_MS})."
        ),
    )
    description: str | None = Field(
        default=None,
        description="A short description of what the command does, in 5-10 words, for the user.",
    )
    run_in_background: bool = Field(
        default=False,
        description=(
            "Run the command in the background and return at once with a shell id; read its "
            "output later with BashOutput and stop it with KillShell."
        ),
    )


class BashOutputInput(ToolInput):
    """Input of ``BashOutput``."""

    bash_id: str = Field(description="The id of the background shell to read from.")
    filter: str | None = Field(
        default=None,
        description=(
            "Optional regular expression: only new output lines matching it are returned "
            "(the others are discarded)."
        ),
    )


class KillShellInput(ToolInput):
    """Input of ``KillShell``."""

    shell_id: str = Field(description="The id of the background shell to stop.")


# ---------------------------------------------------------------------------------------------
# Session state


ShellStatus = Literal["running", "completed", "failed", "killed"]


@dataclass(slots=True)
class BackgroundShell:
    """A command started with ``run_in_background``."""

    id: str
    command: str
    proc: asyncio.subprocess.Process
    transport: asyncio.ReadTransport | None = None
    status: ShellStatus = "running"
    exit_code: int | None = None
    unread: list[str] = field(default_factory=list)
    unread_chars: int = 0
    dropped_chars: int = 0
    watcher: asyncio.Task[None] | None = None

    def append(self, text: str) -> None:
        """Keep new output until it is read, dropping the oldest past the buffer's size."""
        if not text:
            return
        self.unread.append(text)
        self.unread_chars += len(text)
        while self.unread_chars > BACKGROUND_BUFFER_CHARS and len(self.unread) > 1:
            old = self.unread.pop(0)
            self.unread_chars -= len(old)
            self.dropped_chars += len(old)

    def take(self) -> tuple[str, int]:
        """The unread output and how many characters were dropped since the last read."""
        text, dropped = "".join(self.unread), self.dropped_chars
        self.unread.clear()
        self.unread_chars = self.dropped_chars = 0
        return text, dropped


@dataclass(slots=True)
class BashState:
    """What ``Bash`` keeps per session."""

    cwd: Path | None = None
    shells: dict[str, BackgroundShell] = field(default_factory=dict)
    next_shell: int = 1
    wrap: CommandWrapper | None = None
    """Turns the bash command line into the one to run (the sandbox), or None to run as is."""
    extra_env: dict[str, str] = field(default_factory=dict)
    """Variables the settings' ``env`` adds to every command's environment."""


CommandWrapper = Callable[[list[str], Path, list[str]], list[str]]
"""``(argv, cwd, files) -> argv``: e.g. the same command under bubblewrap, where ``files``
must stay writable for the command (the file through which Bash reports its directory)."""


def set_command_wrapper(state: dict[str, Any], wrap: CommandWrapper | None) -> None:
    """Run the session's Bash commands through ``wrap`` from now on (``None``: directly)."""
    bash_state(state).wrap = wrap


def set_command_env(state: dict[str, Any], env: dict[str, str]) -> None:
    """Add ``env`` (the settings' ``env``) to the environment of the session's commands."""
    bash_state(state).extra_env = dict(env)


def bash_state(state: dict[str, Any]) -> BashState:
    """The session's Bash state, created on first use."""
    current = state.get(_STATE_KEY)
    if not isinstance(current, BashState):
        current = BashState()
        state[_STATE_KEY] = current
    return current


async def close_bash_state(state: dict[str, Any]) -> None:
    """Kill the session's background shells (the session is closing)."""
    current = state.get(_STATE_KEY)
    if not isinstance(current, BashState):
        return
    for shell in list(current.shells.values()):
        await _stop_shell(shell, "killed")


def _working_dir(state: BashState, ctx: ToolContext) -> tuple[Path, str]:
    """Where the next command starts, and a note when the remembered directory is gone."""
    if state.cwd is None:
        return ctx.cwd, ""
    if state.cwd.is_dir():
        return state.cwd, ""
    gone, state.cwd = state.cwd, None
    return ctx.cwd, f"(The working directory {gone} no longer exists; reset to {ctx.cwd}.)"


# ---------------------------------------------------------------------------------------------
# Spawning and reading


class _Pipe(asyncio.Protocol):
    """Delivers what a child writes to its stdout/stderr pipe; ``closed`` resolves at EOF."""

    def __init__(self, on_data: Callable[[bytes], None], loop: asyncio.AbstractEventLoop) -> None:
        self._on_data = on_data
        self.closed: asyncio.Future[None] = loop.create_future()

    def data_received(self, data: bytes) -> None:
        self._on_data(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    # The daemon's credentials stay out, unless the settings' ``env`` passes one on purpose.
    env = without_credentials(os.environ)
    env.update(extra)
    # No command may wait for an editor, a pager or a terminal prompt: nobody can answer it.
    env.update(
        {
            "CLAUDE_PY": "1",
            "CLAUDECODE": "1",
            "GIT_EDITOR": "true",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    return env


async def _spawn(
    command: str,
    cwd: Path,
    cwd_file: str,
    on_data: Callable[[bytes], None],
    wrap: CommandWrapper | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[asyncio.subprocess.Process, asyncio.ReadTransport, _Pipe]:
    bash = shutil.which("bash")
    if bash is None:
        raise ToolError("bash is not installed on this machine, so commands cannot be run.")
    # Our own pipe rather than PIPE: its transport can be closed when background children of
    # the command keep the write end open after the shell itself has exited.
    argv = [bash, "-c", _SCRIPT, "bash", cwd_file, command]
    if wrap is not None:
        try:
            argv = wrap(argv, cwd, [] if cwd_file == os.devnull else [cwd_file])
        except ClaudePyError as exc:
            raise ToolError(f"The sandbox cannot run this command: {exc.message}") from None
    read_fd, write_fd = os.pipe()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=write_fd,
            stderr=write_fd,
            cwd=cwd,
            env=_child_env(extra_env or {}),
            start_new_session=True,
        )
    except OSError as exc:
        os.close(read_fd)
        raise ToolError(f"Could not start bash in {cwd}: {exc}") from exc
    finally:
        os.close(write_fd)
    loop = asyncio.get_running_loop()
    pipe = _Pipe(on_data, loop)
    try:
        transport, _ = await loop.connect_read_pipe(
            lambda: pipe, os.fdopen(read_fd, "rb", buffering=0)
        )
    except BaseException:
        await kill_process_group(proc)
        raise
    return proc, transport, pipe


class _Capture:
    """A command's output, bounded: the first and last bytes, and a count of the rest."""

    def __init__(self) -> None:
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        self.total += len(data)
        room = OUTPUT_HEAD_BYTES - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if data:
            self._tail += data
            if len(self._tail) > OUTPUT_TAIL_BYTES:
                del self._tail[: len(self._tail) - OUTPUT_TAIL_BYTES]

    def text(self) -> str:
        if self.total <= OUTPUT_HEAD_BYTES + OUTPUT_TAIL_BYTES:
            return bytes(self._head + self._tail).decode("utf-8", "replace")
        # Cut on character boundaries: hold back a partial sequence at the end of the head,
        # skip continuation bytes at the start of the tail.
        head = codecs.getincrementaldecoder("utf-8")("replace").decode(bytes(self._head))
        tail = bytes(self._tail).lstrip(bytes(range(0x80, 0xC0))).decode("utf-8", "replace")
        omitted = self.total - len(self._head) - len(self._tail)
        return (
            f"{head}\n\n... [{omitted} bytes of output omitted; to see everything, redirect the "
            f"output to a file and read parts of it, or filter it with grep/head/tail] ...\n\n"
            f"{tail}"
        )


class _Progress:
    """Forwards complete output lines to ``ctx.progress``, at most every PROGRESS_INTERVAL."""

    def __init__(self, ctx: ToolContext) -> None:
        self._ctx = ctx
        self._pending = ""
        self._last = 0.0

    def feed(self, text: str) -> None:
        # Only a sample reaches clients while output floods; the result has it all.
        self._pending = (self._pending + text)[-8192:]
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL and "\n" in self._pending:
            complete, _, self._pending = self._pending.rpartition("\n")
            self._emit(complete, now)

    def flush(self) -> None:
        if self._pending.strip():
            self._emit(self._pending, time.monotonic())
        self._pending = ""

    def _emit(self, text: str, now: float) -> None:
        self._last = now
        if text.strip():
            self._ctx.progress(text[-2000:])


def _exit_code(returncode: int | None) -> int | None:
    if returncode is None:
        return None
    # Like a shell reports it: killed by signal N is 128 + N.
    return 128 - returncode if returncode < 0 else returncode


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code - 128).name
    except ValueError:
        return f"signal {code - 128}"


def _format_ms(ms: int) -> str:
    return f"{ms / 1000:g} s" if ms < 60_000 else f"{ms / 60_000:g} min"


# ---------------------------------------------------------------------------------------------
# Tools


class BashTool(BaseTool[BashInput]):
    """Runs a shell command; the working directory persists across calls of a session."""

    name = "Bash"
    aliases: ClassVar[tuple[str, ...]] = ("bash",)
    input_model: ClassVar[type[BaseModel]] = BashInput
    permission = PermissionLevel.EXECUTE
    description = f"""\
Runs a command with bash and returns its combined stdout and stderr, and its exit code when it \
is not zero.

- Each call starts a fresh shell in the directory where the previous call ended: `cd` persists \
between calls, but exported variables, aliases and functions do not.
- Commands get no input (stdin is empty) and no terminal: never run anything interactive \
(editors, pagers, `git rebase -i`, prompts); pass flags such as `--yes` or `-y` instead.
- Quote paths that contain spaces. Prefer absolute paths over `cd` where you can.
- Prefer the dedicated tools over shell equivalents: Read instead of cat/head/tail, Edit or \
Write instead of sed/echo redirection, Glob instead of find, Grep instead of grep/rg.
- Chain dependent commands with `&&`; run independent commands as separate calls.
- The timeout is {DEFAULT_TIMEOUT_MS // 1000} s by default and {MAX_TIMEOUT_MS // 60_000} \
minutes at most; when it expires, the command and every process it started are killed.
- Output is cut to its first and last ~{OUTPUT_HEAD_BYTES // 1000} KB when longer.
- For servers, watchers and other long runs, set run_in_background: you get a shell id at \
once; read new output with BashOutput and stop it with KillShell. Do not append `&` yourself.
- Git: never change git config, never push, force-push or rewrite history unless the user \
asks for it explicitly; do not commit unless asked.
"""

    def describe(self, tool_input: BashInput) -> str:
        return f"Bash: {one_line(tool_input.command)}"

    async def execute(self, tool_input: BashInput, ctx: ToolContext) -> ToolResult:
        state = bash_state(ctx.state)
        if tool_input.run_in_background:
            return await _start_background(tool_input.command, state, ctx)
        timeout_ms = tool_input.timeout or DEFAULT_TIMEOUT_MS
        cwd, note = _working_dir(state, ctx)
        capture = _Capture()
        progress = _Progress(ctx)
        decoder = codecs.getincrementaldecoder("utf-8")("replace")

        def on_data(data: bytes) -> None:
            capture.feed(data)
            progress.feed(decoder.decode(data))

        fd, cwd_file = tempfile.mkstemp(prefix="claude-py-cwd-")
        os.close(fd)
        timed_out = orphans = False
        try:
            proc, transport, pipe = await _spawn(
                tool_input.command, cwd, cwd_file, on_data, state.wrap, state.extra_env
            )
            try:
                try:
                    await asyncio.wait_for(proc.wait(), timeout_ms / 1000)
                except TimeoutError:
                    timed_out = True
                    await kill_process_group(proc)
                try:
                    await asyncio.wait_for(asyncio.shield(pipe.closed), DRAIN_SECONDS)
                except TimeoutError:
                    orphans = True
            except asyncio.CancelledError:
                # Whatever stage the call was in, nothing it started may outlive it.
                await kill_process_group(proc)
                raise
            finally:
                transport.close()
            new_cwd = Path(cwd_file).read_text(errors="replace").strip()
            if new_cwd and Path(new_cwd).is_dir():
                state.cwd = Path(new_cwd)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(cwd_file)
        progress.flush()

        exit_code = _exit_code(proc.returncode)
        output = capture.text().rstrip()
        notes: list[str] = []
        if timed_out:
            notes.append(
                f"Command timed out after {_format_ms(timeout_ms)}; it was killed with its "
                "whole process group. Use a longer timeout, or run_in_background for long runs."
            )
        elif exit_code is not None and proc.returncode is not None and proc.returncode < 0:
            notes.append(f"Exit code {exit_code} (killed by {_signal_name(exit_code)})")
        elif exit_code:
            notes.append(f"Exit code {exit_code}")
        if orphans:
            notes.append(
                "(Processes the command started in the background are still running; their "
                "further output is not captured. Use run_in_background to follow them.)"
            )
        if note:
            notes.append(note)
        model_output = _ANSI.sub("", output)
        text = "\n\n".join(part for part in [model_output, *notes] if part)
        return ToolResult(
            content=text or "(Command completed with no output)",
            is_error=timed_out or bool(exit_code),
            display=[TerminalDisplay(output=output, exit_code=exit_code)],
        )


async def _start_background(command: str, state: BashState, ctx: ToolContext) -> ToolResult:
    cwd, note = _working_dir(state, ctx)
    shell_id = f"bash_{state.next_shell}"
    state.next_shell += 1
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    holder: list[BackgroundShell] = []
    early: list[str] = []  # output that arrives before the shell object exists

    def on_data(data: bytes) -> None:
        text = decoder.decode(data)
        if holder:
            holder[0].append(text)
        else:
            early.append(text)

    # A background command's `cd` must not move the session, so its cwd goes nowhere.
    proc, transport, pipe = await _spawn(
        command, cwd, os.devnull, on_data, state.wrap, state.extra_env
    )
    shell = BackgroundShell(id=shell_id, command=command, proc=proc, transport=transport)
    for text in early:
        shell.append(text)
    holder.append(shell)
    state.shells[shell_id] = shell
    shell.watcher = asyncio.get_running_loop().create_task(_watch(shell, pipe))
    text = (
        f"Command running in the background with id {shell_id}. Read its output with "
        f"BashOutput (bash_id={shell_id!r}); stop it with KillShell (shell_id={shell_id!r})."
    )
    if note:
        text += f"\n\n{note}"
    return ToolResult(content=text, display=[TerminalDisplay(output="", exit_code=None)])


async def _watch(shell: BackgroundShell, pipe: _Pipe) -> None:
    """Follows a background shell until it exits, then records how it ended."""
    await shell.proc.wait()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(pipe.closed), DRAIN_SECONDS)
    if shell.transport is not None:
        shell.transport.close()
    if shell.status == "running":
        shell.exit_code = _exit_code(shell.proc.returncode)
        shell.status = "completed" if shell.exit_code == 0 else "failed"


async def _stop_shell(shell: BackgroundShell, status: ShellStatus) -> None:
    if shell.status == "running":
        shell.status = status
        await kill_process_group(shell.proc)
        shell.exit_code = _exit_code(shell.proc.returncode)
    if shell.watcher is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await shell.watcher
    if shell.transport is not None:
        shell.transport.close()


def _find_shell(state: BashState, shell_id: str) -> BackgroundShell:
    shell = state.shells.get(shell_id)
    if shell is None:
        known = ", ".join(state.shells) or "none"
        raise ToolError(
            f"No background shell with id {shell_id!r} (shells of this session: {known})."
        )
    return shell


def describe_shells(state: dict[str, Any]) -> list[str]:
    """One line per background shell of the session: id, status, command (``/bashes``)."""
    return [
        f"{shell.id}: {_status_line(shell)} - {shell.command}"
        for shell in bash_state(state).shells.values()
    ]


def _status_line(shell: BackgroundShell) -> str:
    if shell.status == "running":
        return "running"
    return f"{shell.status} (exit code {shell.exit_code})"


class BashOutputTool(BaseTool[BashOutputInput]):
    """Returns what a background shell printed since the last read, and its status."""

    name = "BashOutput"
    aliases: ClassVar[tuple[str, ...]] = ("bash_output",)
    input_model: ClassVar[type[BaseModel]] = BashOutputInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Reads the new output of a background shell started with Bash run_in_background: everything \
it printed since the previous read, plus whether it is still running and its exit code when it \
is done. With `filter` (a regular expression), only matching lines are returned; the others \
are discarded and will not be returned later either.
"""

    def describe(self, tool_input: BashOutputInput) -> str:
        return f"BashOutput {tool_input.bash_id}"

    async def execute(self, tool_input: BashOutputInput, ctx: ToolContext) -> ToolResult:
        shell = _find_shell(bash_state(ctx.state), tool_input.bash_id)
        pattern: re.Pattern[str] | None = None
        if tool_input.filter:
            try:
                pattern = re.compile(tool_input.filter)
            except re.error as exc:
                raise ToolError(f"Invalid filter regular expression: {exc}") from exc
        # Settle the status before taking output, so "completed" never hides a last chunk.
        finished = shell.status != "running"
        output, dropped = shell.take()
        if pattern is not None:
            output = "\n".join(line for line in output.splitlines() if pattern.search(line))
        output = output.rstrip()
        lines = [f"Shell {shell.id}: {_status_line(shell) if finished else 'running'}"]
        lines.append(f"Command: {one_line(shell.command, 200)}")
        if dropped:
            lines.append(f"[{dropped} older characters of output were dropped unread]")
        body = truncate_middle(_ANSI.sub("", output), OUTPUT_HEAD_BYTES + OUTPUT_TAIL_BYTES)
        lines.append("")
        lines.append(body if body else "(no new output)")
        return ToolResult(
            content="\n".join(lines),
            display=[TerminalDisplay(output=output, exit_code=shell.exit_code)],
        )


class KillShellTool(BaseTool[KillShellInput]):
    """Stops a background shell and every process it started."""

    name = "KillShell"
    aliases: ClassVar[tuple[str, ...]] = ("kill_shell",)
    input_model: ClassVar[type[BaseModel]] = KillShellInput
    permission = PermissionLevel.EXECUTE
    description = """\
Stops a background shell started with Bash run_in_background, killing every process it \
started. Its remaining output is discarded.
"""

    def describe(self, tool_input: KillShellInput) -> str:
        return f"KillShell {tool_input.shell_id}"

    async def execute(self, tool_input: KillShellInput, ctx: ToolContext) -> ToolResult:
        shell = _find_shell(bash_state(ctx.state), tool_input.shell_id)
        if shell.status != "running":
            raise ToolError(
                f"Shell {shell.id} is not running ({_status_line(shell)}); nothing to kill."
            )
        await _stop_shell(shell, "killed")
        return ToolResult(content=f"Killed shell {shell.id} ({one_line(shell.command)}).")
