"""Helpers for the MCP tests: server configs for the test servers, and a process finder."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

import pytest
from claude_server.mcp import StdioServerConfig
from mcp_support import HERE


@pytest.fixture
def marker() -> str:
    """A unique argument to find this test's server processes by."""
    return f"--test-marker={uuid.uuid4().hex}"


@pytest.fixture
def demo_config(marker: str) -> StdioServerConfig:
    """The real MCPServer-based demo server."""
    return StdioServerConfig(
        name="demo", command=sys.executable, args=[str(HERE / "demo_server.py"), marker]
    )


@pytest.fixture
def raw_config(marker: str) -> Callable[[str], StdioServerConfig]:
    """The hand-written server in one of its modes."""

    def make(mode: str, name: str = "raw") -> StdioServerConfig:
        return StdioServerConfig(
            name=name, command=sys.executable, args=[str(HERE / "raw_server.py"), mode, marker]
        )

    return make
