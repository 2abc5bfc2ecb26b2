"""MCP server tools as :class:`~claude_server.model.Tool` objects, and a tool set of them.

MCP tools describe their input with a JSON schema, not a pydantic model, so each tool gets an
input model that accepts any object and reports the server's schema as its JSON schema; the
built-in :class:`~claude_server.tools.ToolRegistry` therefore works with them unchanged.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from claude_server.errors import McpError
from claude_server.mcp._client import McpCallResult, McpToolInfo
from claude_server.model import PermissionLevel, Tool, ToolContext, ToolError, ToolResult

MAX_TOOL_NAME = 64
"""The longest tool name the Messages API accepts."""
_INVALID = re.compile(r"[^a-zA-Z0-9_-]")


def mcp_tool_name(server: str, tool: str) -> str:
    """``mcp__{server}__{tool}`` with characters the API refuses replaced, at most 64 long."""
    return _INVALID.sub("_", f"mcp__{server}__{tool}")[:MAX_TOOL_NAME]


class McpInput(BaseModel):
    """Input of an MCP tool: any JSON object; the server validates it against its schema."""

    model_config = ConfigDict(extra="allow")

    json_schema: ClassVar[dict[str, Any]] = {"type": "object", "properties": {}}
    """The server's input schema (set on each tool's subclass)."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The server's schema, so the API sees exactly what the server declared."""
        return copy.deepcopy(cls.json_schema)

    def arguments(self) -> dict[str, Any]:
        """The call's arguments, as the model sent them."""
        return dict(self.model_extra or {})


class McpCaller(Protocol):
    """What runs a call on a server (the :class:`~claude_server.mcp.McpServers` manager)."""

    async def call_tool(self, server: str, tool: str, arguments: dict[str, Any]) -> McpCallResult:
        """Call ``tool`` on ``server``; raises :class:`McpError` when the call cannot be made."""
        ...


class McpTool:
    """One tool of one MCP server; build instances with :func:`make_mcp_tool`."""

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str]
    input_model: ClassVar[type[BaseModel]]
    permission: ClassVar[PermissionLevel] = PermissionLevel.EXECUTE
    server: ClassVar[str]
    """The server's name in the config."""
    tool_name: ClassVar[str]
    """The tool's name on the server."""
    read_only_hint: ClassVar[bool | None] = None

    def __init__(self, caller: McpCaller) -> None:
        self._caller = caller

    def is_read_only(self, tool_input: BaseModel) -> bool:
        """True when the server marks the tool ``readOnlyHint`` (only parallelism depends on it)."""
        return self.read_only_hint is True

    def summary(self, tool_input: BaseModel) -> str:
        """``server: tool``."""
        return f"{self.server}: {self.tool_name}"

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """Unknown: an MCP server does not say which files it changes."""
        return []

    async def run(self, tool_input: BaseModel, ctx: ToolContext) -> ToolResult:
        """Call the tool on its server; connection problems and timeouts are a ToolError."""
        if isinstance(tool_input, McpInput):
            arguments = tool_input.arguments()
        else:
            arguments = tool_input.model_dump(exclude_unset=True)
        try:
            result = await self._caller.call_tool(self.server, self.tool_name, arguments)
        except McpError as exc:
            raise ToolError(exc.message) from None
        return to_tool_result(result)


def make_mcp_tool(server: str, info: McpToolInfo, caller: McpCaller) -> McpTool:
    """The :class:`McpTool` for ``info`` of ``server``, calling through ``caller``."""
    name = mcp_tool_name(server, info.name)
    input_model = type(
        f"McpInput_{name}",
        (McpInput,),
        {"json_schema": _object_schema(info.input_schema), "__module__": __name__},
    )
    description = f"[MCP server {server}] {info.description}".rstrip()
    cls = type(
        f"McpTool_{name}",
        (McpTool,),
        {
            "name": name,
            "description": description,
            "input_model": input_model,
            "server": server,
            "tool_name": info.name,
            "read_only_hint": info.read_only_hint,
            "__module__": __name__,
        },
    )
    tool = cls(caller)
    assert isinstance(tool, McpTool)
    return tool


def to_tool_result(result: McpCallResult) -> ToolResult:
    """A call's content as a tool result: plain text when it is all text, else API blocks."""
    blocks = result.content
    if all(block.get("type") == "text" for block in blocks):
        text = "\n".join(str(block.get("text", "")) for block in blocks)
        return ToolResult(content=text or "(no content)", is_error=result.is_error)
    return ToolResult(content=list(blocks), is_error=result.is_error)


def _object_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    # The API wants an object schema at the root; some servers omit "type" for no-argument tools.
    out = dict(schema)
    out.setdefault("type", "object")
    if out.get("type") == "object":
        out.setdefault("properties", {})
    return out


class ToolSetLike(Protocol):
    """The engine's view of a tool set (what :class:`McpToolSet` can fall back to)."""

    def get(self, name: str) -> Tool | None:
        """The tool called ``name``, or None."""
        ...

    def all(self) -> list[Tool]:
        """Every tool of the set."""
        ...

    def validate(self, name: str, raw_input: object) -> BaseModel:
        """The typed input of a call; ToolError when invalid."""
        ...

    def definitions(self) -> list[dict[str, Any]]:
        """The tools as the Messages API takes them."""
        ...


class McpToolSet:
    """MCP tools (optionally after a base set such as the built-in registry) as one tool set.

    Definitions carry each server's JSON schema exactly as declared (no pydantic cleaning).
    """

    def __init__(self, tools: Iterable[McpTool], base: ToolSetLike | None = None) -> None:
        self._base = base
        self._tools: dict[str, McpTool] = {}
        for tool in tools:
            if tool.name in self._tools or (base is not None and base.get(tool.name)):
                raise ValueError(f"tool name {tool.name!r} is used twice")
            self._tools[tool.name] = tool

    def __iter__(self) -> Iterator[McpTool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def all(self) -> list[Tool]:
        """The MCP tools, then the base set's."""
        base = self._base.all() if self._base is not None else []
        return [*self._tools.values(), *base]

    def get(self, name: str) -> Tool | None:
        """The tool called ``name`` (MCP first, then the base set), or None."""
        tool = self._tools.get(name)
        if tool is not None:
            return tool
        return self._base.get(name) if self._base is not None else None

    def validate(self, name: str, raw_input: object) -> BaseModel:
        """The input of a call; :class:`ToolError` for an unknown tool or a non-object input."""
        tool = self._tools.get(name)
        if tool is None:
            if self._base is not None:
                return self._base.validate(name, raw_input)
            raise ToolError(f"There is no tool named {name!r}.")
        if not isinstance(raw_input, Mapping):
            raise ToolError(
                f"The input of {name} must be a JSON object, not {type(raw_input).__name__}."
            )
        return tool.input_model.model_validate(dict(raw_input))

    def definitions(self) -> list[dict[str, Any]]:
        """Base definitions first, then ``name``/``description``/``input_schema`` of each tool."""
        base = self._base.definitions() if self._base is not None else []
        return base + [
            {
                "name": tool.name,
                "description": tool.description,
                "input_schema": tool.input_model.model_json_schema(),
            }
            for tool in self._tools.values()
        ]
