"""McpTool, McpToolSet, the built-in registry with MCP tools, and the McpServers manager."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from claude_server.mcp import (
    McpCallResult,
    McpConnectionError,
    McpInput,
    McpServers,
    McpTimeoutError,
    McpTool,
    McpToolInfo,
    McpToolSet,
    StdioServerConfig,
    make_mcp_tool,
    mcp_tool_name,
)
from claude_server.model import PermissionLevel, ToolError
from claude_server.tools import ToolRegistry
from mcp_support import running_with

Raw = Callable[..., StdioServerConfig]

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"query": {"type": "string", "description": "What to find"}},
    "required": ["query"],
    "additionalProperties": False,
}


class FakeCaller:
    def __init__(self, result: McpCallResult | Exception) -> None:
        self.result = result
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    async def call_tool(self, server: str, tool: str, arguments: dict[str, Any]) -> McpCallResult:
        self.calls.append((server, tool, arguments))
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


class Ctx:
    """Only what McpTool.run could touch (it touches nothing)."""

    cwd = Path("/")
    session_id = "s"

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}


def search_tool(caller: FakeCaller, *, read_only: bool | None = True) -> McpTool:
    info = McpToolInfo("search", "Find things.", SCHEMA, read_only_hint=read_only)
    return make_mcp_tool("docs", info, caller)


@pytest.mark.parametrize(
    ("server", "tool", "expected"),
    [
        ("github", "create_issue", "mcp__github__create_issue"),
        ("my server", "weird.name/with spaces", "mcp__my_server__weird_name_with_spaces"),
        ("é", "ok-1", "mcp_____ok-1"),
        ("s" * 40, "t" * 40, ("mcp__" + "s" * 40 + "__" + "t" * 40)[:64]),
    ],
)
def test_tool_names(server: str, tool: str, expected: str) -> None:
    name = mcp_tool_name(server, tool)
    assert name == expected and len(name) <= 64


def test_tool_shape() -> None:
    tool = search_tool(FakeCaller(McpCallResult()))
    assert tool.name == "mcp__docs__search"
    assert tool.description == "[MCP server docs] Find things."
    assert tool.permission is PermissionLevel.EXECUTE
    assert tool.aliases == ()
    parsed = tool.input_model.model_validate({"query": "x"})
    assert isinstance(parsed, McpInput) and parsed.arguments() == {"query": "x"}
    assert tool.is_read_only(parsed) and tool.summary(parsed) == "docs: search"
    assert not search_tool(FakeCaller(McpCallResult()), read_only=None).is_read_only(parsed)
    # Each tool has its own input model carrying its own schema.
    other = make_mcp_tool("docs", McpToolInfo("other", "", {}), FakeCaller(McpCallResult()))
    assert other.input_model.model_json_schema() == {"type": "object", "properties": {}}
    assert tool.input_model.model_json_schema() == SCHEMA


def test_registry_works_unchanged_with_mcp_tools() -> None:
    tool = search_tool(FakeCaller(McpCallResult()))
    registry = ToolRegistry([tool])
    assert registry.get("mcp__docs__search") is tool
    assert registry.definitions() == [
        {"name": "mcp__docs__search", "description": tool.description, "input_schema": SCHEMA}
    ]
    parsed = registry.validate("mcp__docs__search", {"query": "q", "extra": 1})
    assert isinstance(parsed, McpInput) and parsed.arguments() == {"query": "q", "extra": 1}
    with pytest.raises(ToolError):
        registry.validate("mcp__docs__search", ["not", "an", "object"])


def test_tool_set_with_builtin_base() -> None:
    tool = search_tool(FakeCaller(McpCallResult()))
    builtin = ToolRegistry()
    tools = McpToolSet([tool], base=builtin)
    assert tools.get("mcp__docs__search") is tool
    assert tools.get("Read") is builtin.get("Read")
    assert tools.get("nope") is None
    definitions = tools.definitions()
    assert [d["name"] for d in definitions] == [*builtin.names(), "mcp__docs__search"]
    assert definitions[-1]["input_schema"] == SCHEMA
    assert isinstance(tools.validate("mcp__docs__search", {"query": "q"}), McpInput)
    with pytest.raises(ToolError, match="must be a JSON object"):
        tools.validate("mcp__docs__search", "text")
    with pytest.raises(ToolError):
        tools.validate("Read", {})  # the base's validation applies to its tools
    with pytest.raises(ToolError, match="no tool named"):
        McpToolSet([tool]).validate("Nope", {})
    with pytest.raises(ValueError, match="used twice"):
        McpToolSet([tool, search_tool(FakeCaller(McpCallResult()))])


async def test_run_results_and_errors() -> None:
    text = FakeCaller(McpCallResult([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]))
    tool = search_tool(text)
    result = await tool.run(tool.input_model.model_validate({"query": "q"}), Ctx())  # type: ignore[arg-type]
    assert (result.content, result.is_error) == ("a\nb", False)
    assert text.calls == [("docs", "search", {"query": "q"})]

    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "x"}}
    mixed = search_tool(FakeCaller(McpCallResult([{"type": "text", "text": "a"}, image], True)))
    result = await mixed.run(McpInput(), Ctx())  # type: ignore[arg-type]
    assert result.is_error and isinstance(result.content, list) and result.content[1] == image

    empty = search_tool(FakeCaller(McpCallResult()))
    assert (await empty.run(McpInput(), Ctx())).content == "(no content)"  # type: ignore[arg-type]

    broken = search_tool(FakeCaller(McpTimeoutError("MCP server 'docs' did not answer")))
    with pytest.raises(ToolError, match="did not answer"):
        await broken.run(McpInput(), Ctx())  # type: ignore[arg-type]


async def test_manager_with_real_servers(
    demo_config: StdioServerConfig, raw_config: Raw, marker: str
) -> None:
    servers = McpServers(
        {
            "demo": demo_config,
            "ghost": StdioServerConfig(command="/nonexistent/server"),
            "off": raw_config("paged", name="off"),
            "flaky": raw_config("die_on_call", name="flaky"),
        },
        disabled=["off"],
    )
    try:
        assert [s.state for s in servers.status()] == ["pending"] * 2 + ["disabled", "pending"]
        assert running_with(marker) == []  # nothing starts before it is needed
        tools = {t.name: t for t in await servers.tools()}
        status = {s.name: s for s in servers.status()}
        assert status["demo"].state == "connected"
        assert status["ghost"].state == "failed" and "not found" in (status["ghost"].reason or "")
        assert status["off"].state == "disabled" and status["flaky"].state == "connected"
        assert "mcp__demo__weird_name_with_spaces" in tools
        assert "mcp__flaky__alpha" in tools and not any("off" in n for n in tools)
        assert len(running_with(marker)) == 2

        registry = ToolRegistry(tools.values())
        add = registry.validate("mcp__demo__add", {"a": 1, "b": 2})
        result = await tools["mcp__demo__add"].run(add, Ctx())  # type: ignore[arg-type]
        assert result.content == "3"
        image = await tools["mcp__demo__image"].run(McpInput(), Ctx())  # type: ignore[arg-type]
        assert isinstance(image.content, list) and image.content[0]["type"] == "image"
        failed = await tools["mcp__demo__fail"].run(McpInput(), Ctx())  # type: ignore[arg-type]
        assert failed.is_error

        # A server that dies is reported failed, then started again on its next call.
        with pytest.raises(ToolError, match="crashed while calling"):
            await tools["mcp__flaky__alpha"].run(McpInput(), Ctx())  # type: ignore[arg-type]
        assert {s.name: s.state for s in servers.status()}["flaky"] == "failed"
        with pytest.raises(ToolError, match="crashed while calling"):
            await tools["mcp__flaky__alpha"].run(McpInput(), Ctx())  # type: ignore[arg-type]

        with pytest.raises(McpConnectionError, match="no MCP server named"):
            await servers.call_tool("nope", "x", {})
        with pytest.raises(McpConnectionError, match="not found"):
            await servers.call_tool("ghost", "x", {})
    finally:
        await servers.close()
    assert running_with(marker) == []
    with pytest.raises(McpConnectionError, match="closed"):
        await servers.call_tool("demo", "echo", {"text": "x"})


async def test_manager_start_all_at_once(raw_config: Raw, marker: str) -> None:
    servers = McpServers([raw_config("paged", name="a"), raw_config("paged", name="b")])
    await servers.start()
    try:
        assert [(s.name, s.state, len(s.tools)) for s in servers.status()] == [
            ("a", "connected", 4),
            ("b", "connected", 4),
        ]
        assert len(running_with(marker)) == 2
    finally:
        await servers.close()
    assert running_with(marker) == []
