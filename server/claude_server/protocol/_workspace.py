"""Workspace trust: whether a project folder's own configuration may run, and trusting it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from claude_server.protocol._base import WireModel


class WorkspaceStatusParams(WireModel):
    """Params of ``workspace/status``."""

    cwd: Annotated[str, Field(min_length=1)]
    """The project directory (absolute)."""


class WorkspaceTrustParams(WireModel):
    """Params of ``workspace/trust``."""

    cwd: Annotated[str, Field(min_length=1)]
    """The project directory to trust (absolute)."""
    enable_mcp_servers: bool = False
    """Also enable the project's MCP servers nobody enabled yet (written to
    ``.claude/settings.local.json`` as ``enabledMcpjsonServers``)."""
    revoke: bool = False
    """Stop trusting the folder instead."""


class WorkspaceInfo(WireModel):
    """A project folder's trust state."""

    directory: str
    trusted: bool
    ignored: list[str] = Field(default_factory=list)
    """What the untrusted folder's configuration said and was not applied, one line per file."""
    pending_mcp_servers: list[str] = Field(default_factory=list)
    """Project MCP servers of a trusted folder that are not enabled yet."""
    problems: list[str] = Field(default_factory=list)
    """Settings of the folder that could not be read (file, field, why), one line each; the
    rest of each file applies."""
    notice: str | None = None
    """One line to show the user, when there is something to say."""
