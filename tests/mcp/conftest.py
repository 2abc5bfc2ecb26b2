"""Helpers for the MCP tests: server configs for the test servers, and a process finder."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from claude_server.mcp import StdioServerConfig

HERE = Path(__file__).parent


def running_with(marker: str) -> list[int]:
    """Pids of live processes whose command line contains ``marker``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            pids.append(int(proc.name))
    return pids


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
