"""A project's tool set: the built-in tools, then its MCP servers' (refreshed before turns)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from claude_server.engine import CombinedTools
from claude_server.mcp import McpServers, McpToolSet
from claude_server.model import Tool
from claude_server.tools import BUILTIN_TOOLS, ToolRegistry


class ProjectTools:
    """The tools of one project, shared by its sessions (one process per MCP server)."""

    def __init__(self, servers: McpServers | None) -> None:
        self._builtin = ToolRegistry(BUILTIN_TOOLS)
        self._servers = servers
        self._tools = CombinedTools(self._builtin)

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
