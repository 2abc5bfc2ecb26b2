"""Fixtures of the tool tests: a project directory, a scripted context and the registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from claude_server.tools import ToolRegistry, close_tool_state
from tool_support import ScriptedContext


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project directory (resolved, so it compares equal to `pwd -P`)."""
    path = (tmp_path / "project").resolve()
    path.mkdir()
    return path


@pytest.fixture
async def ctx(project: Path) -> AsyncIterator[ScriptedContext]:
    """A context rooted in the project; its tool state is closed afterwards."""
    context = ScriptedContext(cwd=project)
    yield context
    await close_tool_state(context.state)


@pytest.fixture
def registry() -> ToolRegistry:
    """The built-in tools."""
    return ToolRegistry()
