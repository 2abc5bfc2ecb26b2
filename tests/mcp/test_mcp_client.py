"""McpConnection against real server processes: the mcp-package demo and a raw one."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Callable, Iterator

import pytest
from claude_server.mcp import (
    McpConnection,
    McpConnectionError,
    McpTimeoutError,
    RemoteServerConfig,
    StdioServerConfig,
)
from mcp_support import running_with

Raw = Callable[..., StdioServerConfig]


def other_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_demo_server_lists_and_calls_every_tool(
    demo_config: StdioServerConfig, marker: str
) -> None:
    conn = McpConnection(demo_config)
    await conn.connect()
    try:
        assert conn.server_name == "demo"
        assert len(running_with(marker)) == 1
        tools = {t.name: t for t in await conn.list_tools()}
        assert "demo server starting" in conn.stderr_tail()
        assert set(tools) == {
            "echo",
            "getenv",
            "add",
            "fail",
            "sleep",
            "image",
            "weird.name/with spaces",
        }
        assert tools["echo"].read_only_hint is True and tools["add"].read_only_hint is None
        assert tools["add"].description == "Add two integers."
        assert tools["add"].input_schema["required"] == ["a", "b"]

        echo = await conn.call_tool("echo", {"text": "hi"})
        assert (echo.content, echo.is_error) == ([{"type": "text", "text": "hi"}], False)
        assert (await conn.call_tool("add", {"a": 2, "b": 3})).content[0]["text"] == "5"

        fail = await conn.call_tool("fail", {"message": "nope"})
        assert fail.is_error and fail.content[0]["type"] == "text"

        image = await conn.call_tool("image", {})
        assert image.content[0]["type"] == "image"
        assert image.content[0]["source"]["media_type"] == "image/png"
        assert image.content[0]["source"]["data"].startswith("iVBOR")

        # Unknown tools and bad arguments are reported by the server as error results.
        assert (await conn.call_tool("missing", {})).is_error
        assert (await conn.call_tool("add", {"a": "x"})).is_error
    finally:
        await conn.close()
    assert running_with(marker) == []
    assert not conn.connected
    assert other_tasks() == []


async def test_call_timeout_then_connection_still_works(
    demo_config: StdioServerConfig, marker: str
) -> None:
    conn = McpConnection(demo_config, call_timeout=0.3)
    await conn.connect()
    try:
        with pytest.raises(McpTimeoutError, match="'demo' did not answer"):
            await conn.call_tool("sleep", {"seconds": 1})
        echo = await conn.call_tool("echo", {"text": "still here"}, call_timeout=10)
        assert echo.content[0]["text"] == "still here"
    finally:
        await conn.close()
    assert running_with(marker) == []


async def test_command_not_found() -> None:
    conn = McpConnection(StdioServerConfig(name="ghost", command="/nonexistent/mcp-server"))
    with pytest.raises(McpConnectionError, match=r"'ghost' cannot start: command .* not found"):
        await conn.connect()
    assert other_tasks() == []


async def test_server_that_exits_at_once(raw_config: Raw, marker: str) -> None:
    conn = McpConnection(raw_config("exit"))
    started = time.monotonic()
    with pytest.raises(McpConnectionError) as info:
        await conn.connect()
    assert time.monotonic() - started < 10
    assert "'raw' closed the connection" in info.value.message
    assert "fatal: missing configuration file settings.toml" in info.value.message
    assert info.value.code == "mcp_connection_failed"
    assert running_with(marker) == []
    assert other_tasks() == []


async def test_server_that_never_answers(raw_config: Raw, marker: str) -> None:
    conn = McpConnection(raw_config("silent"), connect_timeout=0.5)
    with pytest.raises(McpTimeoutError, match=r"did not finish starting within 0\.5 s"):
        await conn.connect()
    assert running_with(marker) == []
    assert other_tasks() == []


async def test_pagination_and_chatty_stderr(raw_config: Raw, marker: str) -> None:
    conn = McpConnection(raw_config("paged"), connect_timeout=10)
    await conn.connect()
    try:
        names = [t.name for t in await conn.list_tools()]
        assert names == ["alpha", "beta", "gamma", "delta"]
        result = await conn.call_tool("alpha", {"x": "1"})
        # Structured content is only added as text when the server gave no text.
        assert result.content == [{"type": "text", "text": '{"x": "1"}'}]
        await asyncio.sleep(0.1)
        tail = conn.stderr_tail()
        assert len(tail) == 40 and tail[-1].startswith("log line 19999 ")
    finally:
        await conn.close()
    assert running_with(marker) == []


async def test_server_dying_during_a_call(raw_config: Raw, marker: str) -> None:
    conn = McpConnection(raw_config("die_on_call"))
    await conn.connect()
    try:
        with pytest.raises(McpConnectionError) as info:
            await conn.call_tool("alpha", {})
        assert "crashed while calling" in info.value.message
        assert not conn.connected and conn.broken_reason
        with pytest.raises(McpConnectionError):
            await conn.call_tool("alpha", {})
    finally:
        await conn.close()
    assert running_with(marker) == []
    assert other_tasks() == []


async def test_connect_twice_and_call_before_connect(raw_config: Raw) -> None:
    conn = McpConnection(raw_config("paged"))
    with pytest.raises(McpConnectionError, match="not connected"):
        await conn.call_tool("alpha", {})
    await conn.close()  # closing a never-connected connection is harmless


async def test_streamable_http_server(marker: str) -> None:
    import subprocess
    import sys

    from mcp_support import HERE

    with socket_port() as port:
        pass
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "demo_server.py"), marker, "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        config = RemoteServerConfig(
            name="web", type="http", url=f"http://127.0.0.1:{port}/mcp", headers={"X-T": "1"}
        )
        deadline = time.monotonic() + 20
        while True:  # the server needs a moment to listen
            conn = McpConnection(config, connect_timeout=5)
            try:
                await conn.connect()
                break
            except McpConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        try:
            assert "echo" in [t.name for t in await conn.list_tools()]
            result = await conn.call_tool("add", {"a": 20, "b": 22})
            assert result.content == [{"type": "text", "text": "42"}]
        finally:
            await conn.close()
        assert other_tasks() == []
    finally:
        proc.terminate()
        proc.wait(10)


async def test_http_server_not_listening() -> None:
    with socket_port() as port:
        pass
    config = RemoteServerConfig(name="web", type="http", url=f"http://127.0.0.1:{port}/mcp")
    conn = McpConnection(config, connect_timeout=10)
    with pytest.raises(McpConnectionError, match="'web'"):
        await conn.connect()
    assert other_tasks() == []


@contextlib.contextmanager
def socket_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
