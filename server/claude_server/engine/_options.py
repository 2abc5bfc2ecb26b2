"""What one session may be told at its start besides its project's settings: the choices of
Claude Code's command-line flags (``--tools``, ``--allowedTools``, ``--system-prompt``,
``--max-turns``...), held by the session for its whole life."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from claude_server.engine._executor import ToolSet
from claude_server.model import Tool, ToolError

MCP_PREFIX = "mcp__"


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """A session's own settings; the defaults change nothing."""

    system_prompt: str | None = None
    """Replaces the built-in system prompt (memory files still follow)."""
    append_system_prompt: str | None = None
    """Added at the end of the system prompt."""
    max_turns: int | None = None
    """Model calls one prompt may make (the engine's limit when ``None``)."""
    builtin_tools: frozenset[str] | None = None
    """The built-in tools offered (``None``: all of them); MCP tools are not affected."""
    removed_tools: frozenset[str] = frozenset()
    """Tools never offered, whatever their origin (a bare name in ``--disallowedTools``)."""
    allow_rules: tuple[str, ...] = ()
    """Permission rules that allow, for this session (``--allowedTools``)."""
    deny_rules: tuple[str, ...] = ()
    """Permission rules that deny, for this session (``--disallowedTools``)."""
    extra_dirs: tuple[str, ...] = field(default_factory=tuple)
    """Directories the session may work in besides its project (``--add-dir``)."""

    def offers(self, name: str) -> bool:
        """Whether a tool called ``name`` is offered to the model."""
        if name in self.removed_tools:
            return False
        if self.builtin_tools is None or name.startswith(MCP_PREFIX):
            return True
        return name in self.builtin_tools

    def restrict(self, tools: ToolSet) -> ToolSet:
        """``tools`` less those this session does not offer."""
        if self.builtin_tools is None and not self.removed_tools:
            return tools
        return _Offered(tools, self)


class _Offered:
    """A tool set seen through a session's choice of tools."""

    def __init__(self, base: ToolSet, options: SessionOptions) -> None:
        self._base = base
        self._options = options

    def get(self, name: str) -> Tool | None:
        """The tool, if offered."""
        tool = self._base.get(name)
        return tool if tool is not None and self._options.offers(tool.name) else None

    def all(self) -> list[Tool]:
        """The offered tools."""
        return [t for t in self._base.all() if self._options.offers(t.name)]

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        """Validated by the base set, for an offered tool only."""
        if self.get(name) is None:
            raise ToolError(f"There is no tool named {name!r}.")
        return self._base.validate(name, raw_input)

    def definitions(self) -> list[dict[str, Any]]:
        """The definitions of the offered tools."""
        return [d for d in self._base.definitions() if self._options.offers(str(d["name"]))]
