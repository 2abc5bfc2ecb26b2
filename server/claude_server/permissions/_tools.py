"""Tool names as rules write them, and what each tool does (reads, edits, executes).

The tools themselves are the home of their names, aliases and permission levels: a
:class:`ToolCatalog` is built from the tools a session offers (built-in, Task, MCP). The only
table kept here is of Claude Code's tools that claude-py does not have, so that rules written for
them are read correctly rather than flagged as typos.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from claude_server.model import PermissionLevel

FOREIGN_TOOLS: Mapping[str, PermissionLevel] = {
    "LS": PermissionLevel.READ_ONLY,
    "NotebookRead": PermissionLevel.READ_ONLY,
    "Skill": PermissionLevel.READ_ONLY,
    "MultiEdit": PermissionLevel.EDIT,
    "NotebookEdit": PermissionLevel.EDIT,
    "SlashCommand": PermissionLevel.EXECUTE,
}
"""Claude Code's tools that claude-py does not offer, with their levels (for rules only)."""

FOREIGN_ALIASES: Mapping[str, str] = {
    "ls": "LS",
    "multi_edit": "MultiEdit",
    "notebook_edit": "NotebookEdit",
    "notebook_read": "NotebookRead",
    "skill": "Skill",
}
"""The seed's snake_case names of those tools."""

READ_TOOLS = frozenset({"Read", "Glob", "Grep", "LS", "NotebookRead"})
"""Tools ``Read(path)`` rules apply to (Claude Code: best effort for every reading tool)."""

EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})
"""Tools ``Edit(path)`` rules apply to (every built-in tool that changes files)."""

PATH_TOOLS = READ_TOOLS | EDIT_TOOLS

PATH_KEYS = ("file_path", "notebook_path", "path")
"""Input fields that name a file or directory a tool touches."""

MCP_PREFIX = "mcp__"


class ToolFacts(Protocol):
    """What the rules need to know of a tool (every ``Tool`` has it, and so has its class)."""

    @property
    def name(self) -> str:
        """The tool's own name."""
        ...

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names rules may use."""
        ...

    @property
    def permission(self) -> PermissionLevel:
        """What the tool does."""
        ...


@dataclass(frozen=True, slots=True)
class ToolCatalog:
    """The tools a checker knows: every name (aliases too) to the tool's own name, and levels."""

    names: Mapping[str, str] = field(default_factory=lambda: dict(FOREIGN_ALIASES))
    levels: Mapping[str, PermissionLevel] = field(default_factory=lambda: dict(FOREIGN_TOOLS))

    @classmethod
    def of(cls, tools: Iterable[ToolFacts]) -> ToolCatalog:
        """A catalog of ``tools`` (plus Claude Code's tools claude-py lacks)."""
        names = dict(FOREIGN_ALIASES)
        levels = dict(FOREIGN_TOOLS)
        for tool in tools:
            levels[tool.name] = tool.permission
            for alias in tool.aliases:
                names[alias] = tool.name
        return cls(names, levels)

    def canonical(self, name: str) -> str:
        """The tool's own name for ``name`` (``file_edit`` -> ``Edit``, ``Agent`` -> ``Task``)."""
        return self.names.get(name, name)

    def level(self, name: str) -> PermissionLevel | None:
        """The level of the tool called ``name``, if it is known."""
        return self.levels.get(self.canonical(name))

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a tool of this catalog (under any name) or an MCP tool."""
        canonical = self.canonical(name)
        return canonical in self.levels or canonical.startswith(MCP_PREFIX)


FOREIGN_CATALOG = ToolCatalog()
"""A catalog that knows only Claude Code's tools claude-py lacks (when no tool set is at hand)."""
