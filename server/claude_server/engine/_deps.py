"""What the engine needs from the rest of the daemon, injected by the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_server.engine._bridge import ClientBridge, NoClients
from claude_server.engine._executor import ToolSet
from claude_server.engine._hooks import HooksConfig
from claude_server.engine._subagent import AgentDefinition, builtin_agents
from claude_server.model import PermissionChecker, Provider

ProviderFactory = Callable[[], Awaitable[Provider]]
"""The provider for the next request (fresh credentials); raises ``AuthError`` when none is set."""

CheckerFactory = Callable[[Path, str, list[str]], PermissionChecker]
"""``(cwd, mode, session_allow_rules)`` -> the checker for a session's next tool calls."""


def _no_memory(cwd: Path) -> str | None:
    return None


def _no_rule_file(cwd: Path, rule: str) -> None:
    return None


def _no_hooks(cwd: Path) -> HooksConfig:
    return {}


async def _nothing() -> None:
    return None


@dataclass(slots=True)
class EngineDeps:
    """Everything a live session uses but does not own."""

    provider_factory: ProviderFactory
    default_model: str
    max_tokens: int
    project_model: Callable[[Path], str | None] = lambda _cwd: None
    """A project's own default model (its settings), used when the client names none."""
    credential_rejected: Callable[[], Awaitable[None]] = _nothing
    """Called when the API refused the credential (HTTP 401), so the next turn re-resolves it."""
    tools: Callable[[Path], ToolSet] | None = None
    """The tool set for a new session in a project; ``None`` runs sessions without tools."""
    prepare_turn: Callable[[Path], Awaitable[list[str]]] | None = None
    """Run before each turn (e.g. start the project's MCP servers); returns problems to report."""
    checker_factory: CheckerFactory | None = None
    """Required with ``tools``: the permission rules that gate every tool call."""
    suggest_rules: Callable[[Path, str, dict[str, Any]], list[str]] = lambda _cwd, tool, _input: [
        tool
    ]
    """The allow rules "allow always" adds for a call (``Bash(npm test *)``, ``Edit(/src/**)``)."""
    save_rule: Callable[[Path, str], None] = _no_rule_file
    """Persists an "allow always" rule for the project (``.claude/settings.local.json``)."""
    memory: Callable[[Path], str | None] = _no_memory
    """The project's memory files rendered for the system prompt."""
    agents: Callable[[Path], dict[str, AgentDefinition]] = lambda _cwd: builtin_agents()
    """The sub-agent types for a project (built-in ones plus ``.claude/agents/*.md``)."""
    prepare_tools: Callable[[Path, dict[str, Any]], None] | None = None
    """Called before each turn with the session's tool state (e.g. to set up the sandbox)."""
    close_tool_state: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    """Releases what tools keep for a session (background shells) when it closes."""
    hooks: Callable[[Path], HooksConfig] = _no_hooks
    """The hooks configured for a project (read before every turn, so edits apply)."""
    home: Path = field(default_factory=Path.home)
    """The user's home (for ``~/`` references and user-level files)."""
    bridge: ClientBridge = field(default_factory=NoClients)
    headless_allows: bool = False
    max_turns: int = 20
    small_model: str = "claude-haiku-4-5"
    default_mode: str = "default"
    auto_compact: bool = True
    """Compact automatically when the context nears the model's window."""
    git_status: bool = True
    """Put ``git status`` in the system prompt (off in some tests for speed)."""
