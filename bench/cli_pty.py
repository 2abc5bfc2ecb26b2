"""Run ``claude-py`` on a pseudo-terminal for the client benchmarks (a helper, not a benchmark).

The pty answers prompt_toolkit's cursor-position requests like a terminal would, so the client
renders exactly as it does for a user.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

CLI = [sys.executable, "-m", "claude_cli"]
CPR_REQUEST = b"\x1b[6n"


class PtyClient:
    """One ``claude-py`` process on a pty of ``rows`` x ``cols``."""

    def __init__(
        self, args: list[str], env: dict[str, str], cwd: Path, rows: int = 30, cols: int = 100
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [*CLI, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def _pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            raise EOFError("claude-py closed its terminal")
        self.output += chunk
        for _ in range(chunk.count(CPR_REQUEST)):
            os.write(self.master, b"\x1b[1;1R")

    def wait_for(self, needle: bytes, timeout: float = 60.0) -> float:
        """Read output until ``needle`` appears; seconds since the process started."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output:
            if time.perf_counter() > deadline:
                raise TimeoutError(
                    f"{needle!r} did not appear; output tail: {self.output[-400:]!r}"
                )
            self._pump(0.05)
        return time.perf_counter() - self.started

    def drain(self, seconds: float) -> None:
        """Keep reading for a while (so the client never blocks on a full pty)."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            try:
                self._pump(0.02)
            except EOFError:
                return

    def send(self, data: bytes) -> None:
        """Type bytes."""
        os.write(self.master, data)

    def cpu_seconds(self) -> float:
        """User + system CPU time the client used so far (Linux)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        """End the client (Ctrl+D, then harder) and release the pty."""
        if self.process.poll() is None:
            try:
                self.send(b"\x04")
                deadline = time.perf_counter() + 5
                while self.process.poll() is None and time.perf_counter() < deadline:
                    self.drain(0.05)
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        os.close(self.master)


def client_env(home: Path, base_url: str) -> dict[str, str]:
    """An environment for a client (and the daemon it finds) under ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "CLAUDE_PY_"))}
    env.update(
        CLAUDE_PY_HOME=str(home),
        ANTHROPIC_BASE_URL=base_url,
        ANTHROPIC_API_KEY="sk-bench",
        CLAUDE_PY_LOG="warning",
        TERM="xterm-256color",
        HOME=str(home),
    )
    return env


def stop_daemon(home: Path) -> None:
    """Stop the daemon a client started under ``home`` (asks its pid, then SIGTERM)."""
    import asyncio
    import contextlib
    import signal

    from claude_cli._rpc import RpcClient

    async def pid() -> int:
        reader, writer = await asyncio.open_unix_connection(str(home / "run" / "daemon.sock"))
        client = RpcClient(reader, writer)
        await client.request("initialize", {"capabilities": {}})
        status = await client.request("daemon/status")
        await client.close()
        return int(status["pid"])

    with contextlib.suppress(OSError):
        os.kill(asyncio.run(pid()), signal.SIGTERM)
