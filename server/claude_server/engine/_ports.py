"""The engine's ports: everything it uses but does not own, as small typed protocols.

The application layer (``claude_server.services``) implements them; tests implement them with
their own small classes. The engine never reaches past these.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from claude_server.commands import SkillSet
from claude_server.config import HooksConfig
from claude_server.engine._bridge import ClientBridge, NoClients
from claude_server.engine._executor import ToolSet
from claude_server.engine._subagent import AgentDefinition
from claude_server.model import PermissionChecker, PermissionMode, Provider, Tool


class Project(Protocol):
    """One project directory as the engine sees it: resolved once per session."""

    @property
    def directory(self) -> Path:
        """The project's directory (absolute; never changes for a session)."""
        ...

    def tools(self) -> ToolSet | None:
        """The tools the project offers now (built-in and MCP); ``None``: no tools at all."""
        ...

    def checker(
        self,
        mode: PermissionMode,
        session_rules: Sequence[str],
        tools: Iterable[Tool],
        extra_dirs: Sequence[Path] = (),
        session_deny: Sequence[str] = (),
    ) -> PermissionChecker:
        """The permission rules for the next tool call, knowing the session's ``tools``, the
        directories ``/add-dir`` added to it and its own deny rules."""
        ...

    def suggest_rules(self, tool_name: str, tool_input: dict[str, Any]) -> list[str]:
        """The allow rules "allow always" adds for a call (``Bash(npm test *)``...)."""
        ...

    def save_rule(self, rule: str) -> None:
        """Persist an "allow always" rule for the project."""
        ...

    def memory(self) -> str | None:
        """CLAUDE.md files (and the skills list) rendered for the system prompt."""
        ...

    def agents(self) -> dict[str, AgentDefinition]:
        """The sub-agent types (built-in ones plus ``.claude/agents/*.md``)."""
        ...

    def skills(self) -> SkillSet:
        """The skills and custom commands (the Skill tool loads them)."""
        ...

    def model(self) -> str | None:
        """The project's default model from its settings, if any."""
        ...

    def hooks(self) -> HooksConfig:
        """The hooks in force (read before every use, so edits apply)."""
        ...

    async def prepare_turn(self, tool_state: dict[str, Any]) -> list[str]:
        """Get the tools ready before a turn (MCP servers, Bash's env and sandbox); returns
        problems to report to the user."""
        ...


class ProjectSource(Protocol):
    """Finds the :class:`Project` of a directory."""

    def project(self, directory: Path) -> Project:
        """The project at ``directory`` (one object per directory)."""
        ...


class Providers(Protocol):
    """The model provider for the current credential."""

    async def get(self) -> Provider:
        """The provider for the next request; raises ``AuthError`` when no credential is set."""
        ...

    async def rejected(self) -> None:
        """The API refused the credential (HTTP 401): re-resolve it before the next request."""
        ...


@dataclass(frozen=True, slots=True)
class EngineLimits:
    """The engine's scalar settings."""

    default_model: str
    max_tokens: int
    small_model: str = "claude-haiku-4-5"
    max_turns: int = 20
    """Model calls allowed in one turn before it stops with ``max_turns``."""
    default_mode: PermissionMode = "default"
    auto_compact: bool = True
    """Compact automatically when the context nears the model's window."""
    git_status: bool = True
    """Put ``git status`` in the system prompt (off in some tests for speed)."""
    headless_allows: bool = False
    """With no client to ask, allow instead of deny (an explicit opt-in)."""


async def _nothing(_state: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True, slots=True)
class EngineDeps:
    """Everything a live session uses but does not own; built once, never changed."""

    providers: Providers
    projects: ProjectSource
    limits: EngineLimits
    bridge: ClientBridge = field(default_factory=NoClients)
    home: Path = field(default_factory=Path.home)
    """The user's home (for ``~/`` references and user-level files)."""
    close_tool_state: Callable[[dict[str, Any]], Awaitable[None]] = _nothing
    """Releases what tools keep for a session (background shells) when it closes."""
