"""Explaining a permission decision: how the rules of a project decide one tool call."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel
from claude_server.protocol._tools import PermissionMode


class PermissionsExplainParams(WireModel):
    """Params of ``permissions/explain``."""

    cwd: Annotated[str, Field(min_length=1)]
    """The project directory whose settings count (absolute)."""
    tool: Annotated[str, Field(min_length=1)]
    """A tool name or alias (``Bash``, ``Edit``, ``Task``, ``mcp__server__tool``)."""
    input: dict[str, Any] = Field(default_factory=dict)
    """The tool input, as the model would send it."""
    mode: PermissionMode | None = None
    """The mode to decide in (default: the project's ``defaultMode``, else ``default``)."""


class PermissionsExplainResult(WireModel):
    """Result of ``permissions/explain``."""

    decision: Literal["allow", "ask", "deny"]
    reason: str
    rule: str | None = None
    """The rule that decided, as written, when a rule decided."""
    source: str | None = None
    """Where that rule comes from (a settings file, ``mode``...)."""
    mode: PermissionMode
    tool: str
    """The tool's own name (an alias resolved)."""
    problems: list[str] = Field(default_factory=list)
    """Settings or rules that could not be read."""
