"""A project's tool set: the built-in tools, then its MCP servers' (refreshed before turns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from claude_server.engine import CombinedTools
from claude_server.mcp import McpServers, McpToolSet, RemoteServerConfig, StdioServerConfig
from claude_server.model import Tool
from claude_server.tools import BUILTIN_TOOLS, ToolRegistry

ServerConfigs = dict[str, StdioServerConfig | RemoteServerConfig]


class ProjectTools:
    """The tools of one project, shared by its sessions (one process per MCP server)."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._builtin = ToolRegistry(BUILTIN_TOOLS)
        self._configs: ServerConfigs = {}
        self._servers: McpServers | None = None
        self._tools = CombinedTools(self._builtin)

    async def configure(self, configs: ServerConfigs) -> None:
        """Run exactly the servers ``configs`` defines (the folder was trusted, a server was
        enabled, a file changed); servers no longer wanted stop."""
        if configs == self._configs:
            return
        old, self._servers = self._servers, McpServers(configs, cwd=self._cwd) if configs else None
        self._configs = dict(configs)
        self._tools = CombinedTools(self._builtin)
        if old is not None:
            await old.close()

    def server_names(self) -> list[str]:
        """The MCP servers configured to run."""
        return list(self._configs)

    async def refresh(self) -> list[str]:
        """Start the MCP servers not running yet; problems are returned for the user."""
        if self._servers is None:
            return []
        mcp_tools = await self._servers.tools()
        self._tools = CombinedTools(self._builtin, McpToolSet(mcp_tools))
        return [
            f"MCP server {s.name} is unavailable: {s.reason}"
            for s in self._servers.status()
            if s.state == "failed"
        ]

    async def aclose(self) -> None:
        """Stop the MCP servers."""
        if self._servers is not None:
            await self._servers.close()

    def get(self, name: str) -> Tool | None:
        """The tool called ``name``."""
        return self._tools.get(name)

    def all(self) -> list[Tool]:
        """Every tool."""
        return self._tools.all()

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        """The typed input of a call."""
        return self._tools.validate(name, raw_input)

    def definitions(self) -> list[dict[str, Any]]:
        """The tools as the API takes them."""
        return self._tools.definitions()
