"""Run the real ``claude-py`` in a tmux pane and read its screen."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "claude_cli"]
EXIT_MARK = "[claude-py exited "
_EXIT = re.compile(r"\[claude-py exited (\d+)\]")


class Pane:
    """One tmux server (its own socket) with one pane running a command."""

    def __init__(self, width: int = 100, height: int = 30) -> None:
        self.socket = f"cpt-{uuid.uuid4().hex[:10]}"
        self.width = width
        self.height = height
        self.started = False

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=check,
        )

    def start(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        """Run ``claude-py ARGS`` in a new pane; after it exits the pane shows its status."""
        inner = shlex.join([*CLI, *args])
        # Keep the pane after exit, with the exit code on screen, so tests can read both.
        script = f'{inner}; echo "{EXIT_MARK}$?]"; sleep 600'
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"env -i {exports} sh -c {shlex.quote(script)}"
        if not self.started:
            self._tmux(
                "new-session",
                "-d",
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                "-c",
                str(cwd),
                command,
            )
            self.started = True
        else:
            self._tmux("respawn-pane", "-k", "-c", str(cwd), command)

    def keys(self, *keys: str) -> None:
        """Send tmux key names (``Enter``, ``C-c``, ``Escape``...)."""
        self._tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        """Type ``text`` literally."""
        self._tmux("send-keys", "-l", text)

    def paste(self, text: str) -> None:
        """Paste ``text`` as a terminal does (bracketed, when the program asked for it)."""
        name = f"p{uuid.uuid4().hex[:8]}"
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "load-buffer", "-b", name, "-"],
            input=text,
            text=True,
            timeout=20,
            check=True,
        )
        self._tmux("paste-buffer", "-p", "-d", "-b", name)

    def screen(self, escapes: bool = False) -> str:
        """The visible screen (with ``escapes``: colours and attributes as escape codes)."""
        args = ["capture-pane", "-p"] + (["-e"] if escapes else [])
        return self._tmux(*args).stdout

    def history(self) -> str:
        """The whole scrollback and the screen, oldest line first."""
        return self._tmux("capture-pane", "-p", "-S", "-").stdout

    def wait_for(
        self, what: str | Callable[[str], bool], timeout: float = 30.0, escapes: bool = False
    ) -> str:
        """Poll the screen until it contains ``what`` (or the predicate holds); the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(escapes)
            ok = what(screen) if callable(what) else what in screen
            if ok:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what!r}; the screen was:\n{screen}")

    def exit_code(self, timeout: float = 20.0) -> int:
        """Wait for the client to exit; its exit status."""
        screen = self.wait_for(EXIT_MARK, timeout)
        match = _EXIT.search(screen)
        assert match is not None
        return int(match.group(1))

    def kill(self) -> None:
        """Stop the tmux server (and the pane's processes)."""
        if self.started:
            self._tmux("kill-server", check=False)


def cli_env(home: Path, base_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``claude-py`` under test: its own data dir, the fake API."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "tmux-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "CLAUDE_PY_HOME": str(home),
        "CLAUDE_PY_LOG": "debug",
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": "sk-test",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    if os.environ.get("VIRTUAL_ENV"):
        env["VIRTUAL_ENV"] = os.environ["VIRTUAL_ENV"]
    env.update(extra)
    return env


def daemon_pid(home: Path) -> int | None:
    """The pid of the daemon listening under ``home`` (asks it with daemon/status)."""
    code = (
        "import asyncio,json,sys\n"
        "from claude_cli._rpc import RpcClient\n"
        "async def m():\n"
        "    r,w=await asyncio.open_unix_connection(sys.argv[1])\n"
        "    c=RpcClient(r,w)\n"
        "    await c.request('initialize',{'capabilities':{}})\n"
        "    s=await c.request('daemon/status')\n"
        "    print(s['pid'])\n"
        "    await c.close()\n"
        "asyncio.run(m())\n"
    )
    sock = home / "run" / "daemon.sock"
    if not sock.exists():
        return None
    done = subprocess.run(
        [sys.executable, "-c", code, str(sock)], capture_output=True, text=True, timeout=20
    )
    try:
        return int(done.stdout.strip())
    except ValueError:
        return None


def status(home: Path) -> dict[str, Any]:
    """``daemon/status`` of the daemon under ``home``."""
    code = (
        "import asyncio,json,sys\n"
        "from claude_cli._rpc import RpcClient\n"
        "async def m():\n"
        "    r,w=await asyncio.open_unix_connection(sys.argv[1])\n"
        "    c=RpcClient(r,w)\n"
        "    i=await c.request('initialize',{'capabilities':{}})\n"
        "    s=await c.request('daemon/status')\n"
        "    s['methods']=i['capabilities']['experimental']['claudePy']['methods']\n"
        "    print(json.dumps(s))\n"
        "    await c.close()\n"
        "asyncio.run(m())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(home / "run" / "daemon.sock")],
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def stop_daemon(home: Path, sig: int = signal.SIGTERM) -> None:
    """Stop the daemon started under ``home`` (by its pid), waiting until it is gone."""
    pid = daemon_pid(home)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def pane(width: int = 100, height: int = 30) -> Iterator[Pane]:
    """A pane that is always cleaned up."""
    p = Pane(width, height)
    try:
        yield p
    finally:
        p.kill()
