"""Several tool sets seen as one (the built-in tools, then each MCP server's)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from claude_server.engine._executor import ToolSet
from claude_server.model import Tool, ToolError


class CombinedTools:
    """The tools of several sets; the first set that knows a name answers for it."""

    def __init__(self, *sets: ToolSet) -> None:
        self._sets = sets

    def _owner(self, name: str) -> ToolSet | None:
        return next((s for s in self._sets if s.get(name) is not None), None)

    def get(self, name: str) -> Tool | None:
        """The tool called ``name`` in any set."""
        owner = self._owner(name)
        return owner.get(name) if owner is not None else None

    def all(self) -> list[Tool]:
        """Every set's tools, the first of each name only."""
        seen: dict[str, Tool] = {}
        for tool_set in self._sets:
            for tool in tool_set.all():
                seen.setdefault(tool.name, tool)
        return list(seen.values())

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        """Validated by the set that has the tool."""
        owner = self._owner(name)
        if owner is None:
            raise ToolError(f"There is no tool named {name!r}.")
        return owner.validate(name, raw_input)

    def definitions(self) -> list[dict[str, Any]]:
        """Every set's definitions, in order, without repeating a name."""
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for tool_set in self._sets:
            for definition in tool_set.definitions():
                if definition["name"] not in seen:
                    seen.add(definition["name"])
                    out.append(definition)
        return out
