"""The configured MCP servers of a session or daemon: started on first use, their tools, status."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from claude_server.errors import McpConnectionError, McpError
from claude_server.mcp._client import (
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    McpCallResult,
    McpConnection,
    McpToolInfo,
)
from claude_server.mcp._config import RemoteServerConfig, StdioServerConfig
from claude_server.mcp._tools import McpTool, make_mcp_tool

ServerState = Literal["pending", "connected", "failed", "disabled"]


@dataclass(slots=True)
class McpServerStatus:
    """Where one server stands."""

    name: str
    state: ServerState
    reason: str | None = None
    """Why it failed (the error message), when ``state`` is ``failed``."""
    tools: list[str] = field(default_factory=list)
    """The names the model sees for its tools (``mcp__server__tool``)."""
    problems: list[str] = field(default_factory=list)
    """Tools left out (a name clash after sanitising)."""


@dataclass(slots=True)
class _Server:
    config: StdioServerConfig | RemoteServerConfig
    status: McpServerStatus
    connection: McpConnection | None = None
    tools: list[McpTool] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class McpServers:
    """Every configured server; each starts on first use (or all with :meth:`start`).

    A server that cannot start is ``failed`` with the reason and offers no tools; the others
    are unaffected. A server whose connection broke is started again on its next call.
    """

    def __init__(
        self,
        configs: Mapping[str, StdioServerConfig | RemoteServerConfig]
        | Iterable[StdioServerConfig | RemoteServerConfig],
        *,
        cwd: Path | None = None,
        disabled: Iterable[str] = (),
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        call_timeout: float = DEFAULT_CALL_TIMEOUT,
    ) -> None:
        if isinstance(configs, Mapping):
            items = [
                c if c.name == name else c.model_copy(update={"name": name})
                for name, c in configs.items()
            ]
        else:
            items = list(configs)
        off = set(disabled)
        self._cwd = cwd
        self._connect_timeout = connect_timeout
        self._call_timeout = call_timeout
        self._servers: dict[str, _Server] = {
            c.name: _Server(c, McpServerStatus(c.name, "disabled" if c.name in off else "pending"))
            for c in items
        }
        self._closed = False

    def status(self) -> list[McpServerStatus]:
        """Each server's status, in config order."""
        return [server.status for server in self._servers.values()]

    async def start(self) -> None:
        """Start every enabled server that is not up yet, concurrently; failures are recorded."""
        await asyncio.gather(*(self._ensure(name) for name in self._servers))

    async def tools(self) -> list[McpTool]:
        """The tools of every server that started (starting the pending ones first)."""
        await self.start()
        names: set[str] = set()
        out: list[McpTool] = []
        for server in self._servers.values():
            for tool in server.tools:
                if tool.name not in names:
                    names.add(tool.name)
                    out.append(tool)
        return out

    async def call_tool(self, server: str, tool: str, arguments: dict[str, Any]) -> McpCallResult:
        """Call ``tool`` on ``server`` (starting it if needed); :class:`McpError` on failure."""
        entry = self._servers.get(server)
        if entry is None:
            raise McpConnectionError(f"There is no MCP server named {server!r}.")
        connection = await self._ensure(server)
        if connection is None:
            raise McpConnectionError(
                entry.status.reason or f"MCP server {server!r} is {entry.status.state}"
            )
        try:
            return await connection.call_tool(tool, arguments)
        except McpConnectionError as exc:
            if not connection.connected:
                entry.status.state = "failed"
                entry.status.reason = exc.message
            raise

    async def close(self) -> None:
        """Stop every server; the manager cannot be used afterwards."""
        self._closed = True
        connections = [s.connection for s in self._servers.values() if s.connection is not None]
        for server in self._servers.values():
            server.connection = None
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)

    async def _ensure(self, name: str) -> McpConnection | None:
        server = self._servers[name]
        if server.status.state == "disabled":
            return None
        async with server.lock:
            if self._closed:
                raise McpConnectionError("the MCP servers were closed")
            conn = server.connection
            if conn is not None and conn.connected:
                return conn
            if conn is not None:
                # Connection broke after it was up: start the server again, once per call.
                server.connection = None
                await conn.close()
            elif server.status.state == "failed":
                return None
            return await self._connect(server)

    async def _connect(self, server: _Server) -> McpConnection | None:
        conn = McpConnection(
            server.config,
            cwd=self._cwd,
            connect_timeout=self._connect_timeout,
            call_timeout=self._call_timeout,
        )
        try:
            await conn.connect()
            infos = await conn.list_tools()
        except McpError as exc:
            await conn.close()
            server.status.state = "failed"
            server.status.reason = exc.message
            server.tools = []
            server.status.tools = []
            return None
        server.connection = conn
        server.tools = self._make_tools(server, infos)
        server.status.state = "connected"
        server.status.reason = None
        server.status.tools = [tool.name for tool in server.tools]
        return conn

    def _make_tools(self, server: _Server, infos: list[McpToolInfo]) -> list[McpTool]:
        taken = {t.name for s in self._servers.values() if s is not server for t in s.tools}
        tools: list[McpTool] = []
        server.status.problems = []
        for info in infos:
            tool = make_mcp_tool(server.config.name, info, self)
            if tool.name in taken:
                server.status.problems.append(
                    f"tool {info.name!r} left out: its name {tool.name!r} is already used"
                )
                continue
            taken.add(tool.name)
            tools.append(tool)
        return tools
