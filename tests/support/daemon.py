"""Start a real ``claude-py-server`` process and connect clients to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_cli._rpc import RpcClient
from claude_server.config import TrustStore

SERVER_CMD = [sys.executable, "-m", "claude_server"]


def daemon_env(
    home: Path, base_url: str | None = None, api_key: str | None = "sk-ant-test"
) -> dict[str, str]:
    """An environment for a daemon under test: its own data dir, the fake API, a fake key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "CLAUDE_PY_"))}
    env.pop("MODEL", None)
    env["CLAUDE_PY_HOME"] = str(home)
    env["CLAUDE_PY_LOG"] = "debug"
    if base_url is not None:
        env["ANTHROPIC_BASE_URL"] = base_url
    if api_key is not None:
        env["ANTHROPIC_API_KEY"] = api_key
    return env


def trust_folder(home: Path, project: Path) -> None:
    """Trust ``project`` as ``claude-py trust`` would, for daemons whose data dir is ``home``."""
    TrustStore(home / TrustStore.FILE_NAME, home=Path.home()).trust(project)


@dataclass
class Updates:
    """Collects the ``session/update`` notifications one client receives."""

    items: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, method: str, params: Any) -> None:
        if method == "session/update":
            self.items.append(params)
            self.changed.set()

    def kinds(self) -> list[str]:
        return [u["update"]["kind"] for u in self.items]

    def seqs(self) -> list[int]:
        return [u["seq"] for u in self.items]

    def text(self) -> str:
        return "".join(
            u["update"]["text"] for u in self.items if u["update"]["kind"] == "agent_message_chunk"
        )

    async def wait_for(self, kind: str, timeout: float = 20) -> dict[str, Any]:
        async def _wait() -> dict[str, Any]:
            while True:
                for u in self.items:
                    if u["update"]["kind"] == kind:
                        return u
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(_wait(), timeout)


async def initialize(
    client: RpcClient, token: str | None = None, name: str = "test", answers: bool = False
) -> Any:
    caps = {"requestPermission": True, "askUser": True} if answers else {}
    params: dict[str, Any] = {
        "processId": os.getpid(),
        "clientInfo": {"name": name},
        "capabilities": {"experimental": {"claudePy": caps}},
    }
    if token is not None:
        params["initializationOptions"] = {"token": token}
    result = await client.request("initialize", params)
    await client.notify("initialized", {})
    return result


@dataclass
class StdioDaemon:
    process: asyncio.subprocess.Process
    client: RpcClient
    updates: Updates
    stderr: list[str]


@contextlib.asynccontextmanager
async def stdio_daemon(
    env: dict[str, str], init: bool = True, prefix: tuple[str, ...] = ()
) -> AsyncIterator[StdioDaemon]:
    """A daemon over stdio with one client (initialized unless ``init`` is False); ``prefix``
    runs it through another program (``setpriv`` to drop root, say)."""
    proc = await asyncio.create_subprocess_exec(
        *prefix,
        *SERVER_CMD,
        "--stdio",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    stderr: list[str] = []
    drain = asyncio.create_task(_drain(proc.stderr, stderr))
    updates = Updates()
    client = RpcClient(proc.stdout, proc.stdin, updates)
    try:
        if init:
            await asyncio.wait_for(initialize(client), 30)
        yield StdioDaemon(proc, client, updates, stderr)
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await client.close()
        drain.cancel()


async def _drain(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode(errors="replace").rstrip())


@dataclass
class SocketDaemon:
    process: asyncio.subprocess.Process
    address: str
    stderr: list[str]

    async def connect(
        self,
        init: bool = True,
        token: str | None = None,
        on_request: Any = None,
        name: str = "test",
    ) -> tuple[RpcClient, Updates]:
        kind, _, rest = self.address.partition(":")
        if kind == "unix":
            reader, writer = await asyncio.open_unix_connection(rest)
        else:
            host, _, port = rest.rpartition(":")
            reader, writer = await asyncio.open_connection(host, int(port))
        updates = Updates()
        client = RpcClient(reader, writer, updates, on_request=on_request)
        if init:
            await asyncio.wait_for(
                initialize(client, token=token, name=name, answers=on_request is not None), 30
            )
        return client, updates

    async def open_raw(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        kind, _, rest = self.address.partition(":")
        if kind == "unix":
            return await asyncio.open_unix_connection(rest)
        host, _, port = rest.rpartition(":")
        return await asyncio.open_connection(host, int(port))


@contextlib.asynccontextmanager
async def socket_daemon(env: dict[str, str], listen: str) -> AsyncIterator[SocketDaemon]:
    """A daemon listening on ``listen``; yields once it announced its address."""
    proc = await asyncio.create_subprocess_exec(
        *SERVER_CMD,
        "--listen",
        listen,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert proc.stderr is not None
    stderr: list[str] = []
    address = None
    try:
        async with asyncio.timeout(30):
            while address is None:
                line = (await proc.stderr.readline()).decode()
                if not line:
                    raise RuntimeError("daemon exited before listening:\n" + "\n".join(stderr))
                stderr.append(line.rstrip())
                if m := re.search(r"listening on (\S+)", line):
                    address = m.group(1)
        drain = asyncio.create_task(_drain(proc.stderr, stderr))
        yield SocketDaemon(proc, address, stderr)
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        with contextlib.suppress(NameError):
            drain.cancel()


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def read_raw_frame(reader: asyncio.StreamReader, timeout: float = 10) -> bytes:
    async def _read() -> bytes:
        length = None
        while True:
            line = await reader.readline()
            if not line:
                raise EOFError("connection closed")
            line = line.strip()
            if not line:
                if length is not None:
                    break
                continue
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return await reader.readexactly(length)

    return await asyncio.wait_for(_read(), timeout)
