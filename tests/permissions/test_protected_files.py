"""Files that decide what runs (``.mcp.json``, ``CLAUDE.md``, ``.claude/``, ``.git/``, shell and
git configuration) are never written without asking: not in acceptEdits, not under a broad allow
rule, not through a Bash redirection; a rule naming such a file is the user's explicit choice."""

from __future__ import annotations

import pytest

from .conftest import World

CASES = [
    # mode, allow rules, tool, input, expected
    ("acceptEdits", [], "Write", {"file_path": "{proj}/.mcp.json"}, "ask"),
    ("acceptEdits", [], "Edit", {"file_path": "{proj}/CLAUDE.md"}, "ask"),
    ("acceptEdits", [], "Edit", {"file_path": "{proj}/sub/CLAUDE.local.md"}, "ask"),
    ("acceptEdits", [], "Write", {"file_path": "{proj}/.gitmodules"}, "ask"),
    ("acceptEdits", [], "Write", {"file_path": "{proj}/.git/hooks/pre-commit"}, "ask"),
    ("acceptEdits", [], "Write", {"file_path": "{proj}/.claude/settings.json"}, "ask"),
    ("acceptEdits", [], "Write", {"file_path": "{proj}/src/app.py"}, "allow"),
    ("default", ["Write"], "Write", {"file_path": "{proj}/.mcp.json"}, "ask"),
    ("default", ["Edit(**)"], "Edit", {"file_path": "{proj}/CLAUDE.md"}, "ask"),
    (
        "default",
        ["Edit(/.claude/**)"],
        "Edit",
        {"file_path": "{proj}/.claude/agents/a.md"},
        "allow",
    ),
    ("default", ["Write(/.mcp.json)"], "Write", {"file_path": "{proj}/.mcp.json"}, "allow"),
    ("default", ["Write"], "Write", {"file_path": "{proj}/notes.md"}, "allow"),
    ("bypassPermissions", [], "Write", {"file_path": "{proj}/.git/config"}, "ask"),
    ("acceptEdits", ["Bash(echo *)"], "Bash", {"command": "echo '{}' > .mcp.json"}, "ask"),
    ("default", ["Bash"], "Bash", {"command": "echo x >> CLAUDE.md"}, "ask"),
    ("default", ["Bash(echo *)"], "Bash", {"command": "echo x > notes.md"}, "allow"),
]


@pytest.mark.parametrize(("mode", "allow", "tool", "tool_input", "expected"), CASES)
def test_protected_files(
    world: World, mode: str, allow: list[str], tool: str, tool_input: dict[str, str], expected: str
) -> None:
    world.rules("local", allow=allow)
    decision = world.checker(mode).check(tool, world.fmt(tool_input))
    assert decision.behavior == expected, decision.reason
