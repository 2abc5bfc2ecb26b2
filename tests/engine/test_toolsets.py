"""Several tool sets seen as one."""

from __future__ import annotations

import pytest
from claude_server.engine import CombinedTools
from claude_server.model import ToolError
from claude_server.tools import ToolRegistry
from claude_server.tools._read import ReadTool
from claude_server.tools._write import WriteTool


def test_first_set_wins_and_definitions_are_unique() -> None:
    reads = ToolRegistry([ReadTool()])
    both = ToolRegistry([ReadTool(), WriteTool()])
    combined = CombinedTools(reads, both)
    assert combined.get("Read") is reads.get("Read")
    assert combined.get("Write") is both.get("Write")
    assert combined.get("file_write") is both.get("Write")  # aliases resolve in their set
    assert [d["name"] for d in combined.definitions()] == ["Read", "Write"]
    assert combined.validate("Write", {"file_path": "/x", "content": ""})
    with pytest.raises(ToolError, match="no tool named 'Nope'"):
        combined.validate("Nope", {})
    assert combined.get("Nope") is None
