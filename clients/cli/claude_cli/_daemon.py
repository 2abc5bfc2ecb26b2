"""Starting a private daemon over stdio and speaking to it."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import sys
from typing import Any

from claude_cli import __version__
from claude_cli._rpc import NotificationHandler, RpcClient


class StdioDaemon:
    """A ``claude-py-server --stdio`` child process, with an initialized client."""

    def __init__(self, process: asyncio.subprocess.Process, client: RpcClient) -> None:
        self.process = process
        self.client = client
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self._drain = asyncio.create_task(self._drain_stderr())

    @classmethod
    async def start(cls, on_notification: NotificationHandler) -> StdioDaemon:
        """Spawn the daemon and run the ``initialize`` handshake."""
        env = dict(os.environ)
        # The daemon's log file has everything; the user's terminal gets warnings only.
        env.setdefault("CLAUDE_PY_LOG", "warning")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "claude_server",
            "--stdio",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            limit=1 << 22,
        )
        assert process.stdin is not None and process.stdout is not None
        writer: Any = process.stdin
        client = RpcClient(process.stdout, writer, on_notification)
        daemon = cls(process, client)
        await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "claude-py", "version": __version__},
                "capabilities": {"experimental": {"claudePy": {}}},
            },
        )
        await client.notify("initialized", {})
        return daemon

    @property
    def stderr_tail(self) -> list[str]:
        """The daemon's last lines on stderr, for error reports."""
        return list(self._stderr_tail)

    async def stop(self) -> None:
        """Ask the daemon to shut down, then make sure it is gone."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.request("shutdown"), 5)
            await self.client.notify("exit")
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        await self.client.close()
        self._drain.cancel()

    async def _drain_stderr(self) -> None:
        # Read stderr continuously: a child blocked on a full pipe would hang the session.
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self._stderr_tail.append(line.decode(errors="replace").rstrip())
