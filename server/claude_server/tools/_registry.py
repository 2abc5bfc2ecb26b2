"""The built-in tools, and the registry that finds, describes and validates them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from claude_server.model import Tool, ToolError
from claude_server.tools._ask_user import AskUserQuestionTool
from claude_server.tools._bash import BashOutputTool, BashTool, KillShellTool, close_bash_state
from claude_server.tools._common import input_schema
from claude_server.tools._edit import EditTool
from claude_server.tools._glob import GlobTool
from claude_server.tools._grep import GrepTool
from claude_server.tools._plan_mode import EnterPlanModeTool, ExitPlanModeTool
from claude_server.tools._read import ReadTool
from claude_server.tools._todo import TodoReadTool, TodoWriteTool
from claude_server.tools._web_fetch import WebFetchTool
from claude_server.tools._web_search import WebSearchTool
from claude_server.tools._write import WriteTool

BUILTIN_TOOLS: tuple[Tool, ...] = (
    BashTool(),
    BashOutputTool(),
    KillShellTool(),
    ReadTool(),
    WriteTool(),
    EditTool(),
    GlobTool(),
    GrepTool(),
    WebFetchTool(),
    WebSearchTool(),
    TodoWriteTool(),
    TodoReadTool(),
    AskUserQuestionTool(),
    EnterPlanModeTool(),
    ExitPlanModeTool(),
)
"""Every built-in tool, in the order the model sees them."""


async def close_tool_state(state: dict[str, Any]) -> None:
    """Release what tools hold for a session (background shells are killed).

    Call it when the session closes; ``state`` is the dict the session gave as ``ctx.state``.
    """
    await close_bash_state(state)


class ToolRegistry:
    """A set of tools by name: lookup (aliases too), API definitions and input validation."""

    def __init__(self, tools: Iterable[Tool] = BUILTIN_TOOLS) -> None:
        self._tools: dict[str, Tool] = {}
        self._names: dict[str, str] = {}
        for tool in tools:
            for key in (tool.name, *tool.aliases):
                if key in self._names:
                    raise ValueError(f"tool name {key!r} is used twice")
                self._names[key] = tool.name
            self._tools[tool.name] = tool
        self._schemas: dict[str, dict[str, Any]] = {}

    def get(self, name: str) -> Tool | None:
        """The tool called ``name`` (or with that alias), or None."""
        canonical = self._names.get(name)
        return self._tools[canonical] if canonical is not None else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._names

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def all(self) -> list[Tool]:
        """Every tool, in order."""
        return list(self._tools.values())

    def names(self) -> list[str]:
        """The tools' canonical names, in order."""
        return list(self._tools)

    def schema(self, name: str) -> dict[str, Any]:
        """The JSON schema of a tool's input (computed once)."""
        tool = self._require(name)
        if tool.name not in self._schemas:
            self._schemas[tool.name] = input_schema(tool.input_model)
        return self._schemas[tool.name]

    def definitions(self) -> list[dict[str, Any]]:
        """The tools as the Messages API takes them: ``name``, ``description``, ``input_schema``."""
        return [
            {
                "name": tool.name,
                "description": tool.description,
                "input_schema": self.schema(tool.name),
            }
            for tool in self
        ]

    def validate(self, name: str, raw_input: object) -> BaseModel:
        """The typed input of a call; :class:`ToolError` (for the model to read) when invalid."""
        tool = self._require(name)
        if not isinstance(raw_input, Mapping):
            raise ToolError(
                f"The input of {tool.name} must be a JSON object, not {type(raw_input).__name__}."
            )
        try:
            return tool.input_model.model_validate(dict(raw_input))
        except ValidationError as exc:
            allowed = sorted(self.schema(tool.name).get("properties", {}))
            problems = [_describe_error(err, allowed) for err in exc.errors(include_url=False)]
            raise ToolError(
                f"Invalid input for {tool.name}:\n"
                + "\n".join(f"- {p}" for p in problems)
                + "\nFix the input and call the tool again."
            ) from None

    def _require(self, name: str) -> Tool:
        tool = self.get(name)
        if tool is None:
            raise ToolError(
                f"There is no tool named {name!r}. Available tools: {', '.join(self._tools)}."
            )
        return tool


def _describe_error(err: Any, allowed: list[str]) -> str:
    where = ".".join(str(part) for part in err.get("loc", ())) or "input"
    kind = err.get("type")
    if kind == "missing":
        return f"{where}: this required field is missing"
    if kind == "extra_forbidden":
        return f"{where}: unknown field (the fields are: {', '.join(allowed) or 'none'})"
    got = repr(err.get("input"))
    if len(got) > 60:
        got = got[:57] + "..."
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{where}: {message} (got {got})"
