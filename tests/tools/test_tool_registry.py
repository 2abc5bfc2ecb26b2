"""The registry: names, aliases, API definitions, validation, permissions and summaries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from claude_server.model import PermissionLevel, ToolError
from claude_server.tools import BUILTIN_TOOLS, ToolRegistry

CLAUDE_CODE_NAMES = [
    "Bash",
    "BashOutput",
    "KillShell",
    "Read",
    "Write",
    "Edit",
    "Glob",
    "Grep",
    "WebFetch",
    "WebSearch",
    "TodoWrite",
    "TodoRead",
    "AskUserQuestion",
    "EnterPlanMode",
    "ExitPlanMode",
]
SEED_ALIASES = {
    "bash": "Bash",
    "read": "Read",
    "file_write": "Write",
    "file_edit": "Edit",
    "glob": "Glob",
    "grep": "Grep",
    "web_fetch": "WebFetch",
    "web_search": "WebSearch",
    "todo_write": "TodoWrite",
    "todo_read": "TodoRead",
    "ask_user_question": "AskUserQuestion",
    "enter_plan_mode": "EnterPlanMode",
    "exit_plan_mode": "ExitPlanMode",
}


def test_builtin_tools_have_claude_code_names(registry: ToolRegistry) -> None:
    assert registry.names() == CLAUDE_CODE_NAMES
    assert len(registry) == len(BUILTIN_TOOLS)


@pytest.mark.parametrize(("alias", "name"), sorted(SEED_ALIASES.items()))
def test_get_resolves_seed_aliases(registry: ToolRegistry, alias: str, name: str) -> None:
    tool = registry.get(alias)
    assert tool is not None and tool.name == name
    assert alias in registry


def test_get_unknown_name_is_none(registry: ToolRegistry) -> None:
    assert registry.get("Nope") is None
    assert "Nope" not in registry


def test_duplicate_names_are_refused() -> None:
    with pytest.raises(ValueError, match="used twice"):
        ToolRegistry([*BUILTIN_TOOLS, BUILTIN_TOOLS[0]])


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for key, value in node.items():
            if key == "properties":
                for sub in value.values():
                    found.extend(_walk(sub))
            else:
                found.extend(_walk(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_walk(item))
    return found


def test_definitions_are_clean_api_tool_definitions(registry: ToolRegistry) -> None:
    definitions = registry.definitions()
    assert [d["name"] for d in definitions] == CLAUDE_CODE_NAMES
    for definition in definitions:
        assert set(definition) == {"name", "description", "input_schema"}
        assert len(definition["description"]) > 50
        schema = definition["input_schema"]
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False
        json.dumps(schema)
        for node in _walk(schema):
            assert "title" not in node, (definition["name"], node)
            assert "$ref" not in node and "$defs" not in node
            assert "anyOf" not in node, (definition["name"], node)
        for prop in schema["properties"].values():
            assert prop.get("description"), definition["name"]


def test_input_fields_follow_claude_code(registry: ToolRegistry) -> None:
    def fields(name: str) -> set[str]:
        return set(registry.schema(name)["properties"])

    assert fields("Bash") == {"command", "timeout", "description", "run_in_background"}
    assert fields("Read") == {"file_path", "offset", "limit"}
    assert fields("Write") == {"file_path", "content"}
    assert fields("Edit") == {"file_path", "old_string", "new_string", "replace_all"}
    assert fields("Glob") == {"pattern", "path"}
    assert fields("Grep") == {
        "pattern",
        "path",
        "glob",
        "type",
        "output_mode",
        "-i",
        "-n",
        "-A",
        "-B",
        "-C",
        "multiline",
        "head_limit",
    }
    assert fields("WebFetch") == {"url", "prompt"}
    assert fields("WebSearch") == {"query", "allowed_domains", "blocked_domains"}
    assert fields("TodoWrite") == {"todos"}
    assert fields("AskUserQuestion") == {"questions"}
    assert fields("ExitPlanMode") == {"plan"}
    assert fields("EnterPlanMode") == set()
    assert fields("BashOutput") == {"bash_id", "filter"}
    assert fields("KillShell") == {"shell_id"}
    todo_item = registry.schema("TodoWrite")["properties"]["todos"]["items"]
    assert set(todo_item["required"]) == {"content", "status", "activeForm"}
    assert registry.schema("Edit")["required"] == ["file_path", "old_string", "new_string"]


def test_validate_returns_the_typed_input(registry: ToolRegistry) -> None:
    parsed = registry.validate("Grep", {"pattern": "x", "-i": True, "-C": 2})
    assert parsed.model_dump(by_alias=True)["-i"] is True
    assert parsed.model_dump(by_alias=True)["-C"] == 2
    assert registry.validate("read", {"file_path": "/x"}).model_dump()["file_path"] == "/x"


def test_validate_missing_field(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError) as info:
        registry.validate("Edit", {"file_path": "/x", "old_string": "a"})
    message = str(info.value)
    assert "Invalid input for Edit" in message
    assert "new_string: this required field is missing" in message


def test_validate_wrong_type(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError, match=r"file_path: Input should be a valid string \(got 5\)"):
        registry.validate("Read", {"file_path": 5})
    with pytest.raises(ToolError, match="limit"):
        registry.validate("Read", {"file_path": "/x", "limit": "many"})


def test_validate_unknown_field_lists_the_fields(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError) as info:
        registry.validate("Read", {"file_path": "/x", "path": "/y"})
    message = str(info.value)
    assert "path: unknown field" in message
    assert "file_path, limit, offset" in message
    # Grep's flags are only accepted under their literal names.
    with pytest.raises(ToolError, match="case_insensitive: unknown field"):
        registry.validate("Grep", {"pattern": "x", "case_insensitive": True})


def test_validate_bad_values(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError, match="timeout"):
        registry.validate("Bash", {"command": "x", "timeout": 600_001})
    with pytest.raises(ToolError, match="output_mode"):
        registry.validate("Grep", {"pattern": "x", "output_mode": "lines"})
    with pytest.raises(ToolError, match="status"):
        registry.validate(
            "TodoWrite", {"todos": [{"content": "a", "status": "done", "activeForm": "A"}]}
        )


def test_validate_unknown_tool_and_non_object(registry: ToolRegistry) -> None:
    with pytest.raises(ToolError, match="no tool named 'Nope'"):
        registry.validate("Nope", {})
    with pytest.raises(ToolError, match="must be a JSON object"):
        registry.validate("Read", ["/x"])


READ_ONLY = {
    "Read",
    "Glob",
    "Grep",
    "TodoRead",
    "TodoWrite",
    "AskUserQuestion",
    "EnterPlanMode",
    "ExitPlanMode",
    "BashOutput",
}
EDIT = {"Write", "Edit"}
EXECUTE = {"Bash", "KillShell", "WebFetch", "WebSearch"}


SAMPLE_INPUTS: dict[str, dict[str, Any]] = {
    "Bash": {"command": "npm test\necho more"},
    "BashOutput": {"bash_id": "bash_1"},
    "KillShell": {"shell_id": "bash_1"},
    "Read": {"file_path": "/src/app.py"},
    "Write": {"file_path": "/src/app.py", "content": ""},
    "Edit": {"file_path": "/src/app.py", "old_string": "a", "new_string": "b"},
    "Glob": {"pattern": "**/*.py"},
    "Grep": {"pattern": "TODO", "path": "src"},
    "WebFetch": {"url": "https://example.com", "prompt": "what?"},
    "WebSearch": {"query": "python 3.13 release"},
    "TodoWrite": {"todos": [{"content": "a", "status": "completed", "activeForm": "A"}]},
    "TodoRead": {},
    "AskUserQuestion": {
        "questions": [
            {
                "question": "Which?",
                "header": "Pick",
                "options": [
                    {"label": "A", "description": "a"},
                    {"label": "B", "description": "b"},
                ],
            }
        ]
    },
    "EnterPlanMode": {},
    "ExitPlanMode": {"plan": "1. do it"},
}

EXPECTED_SUMMARIES = {
    "Bash": "Bash: npm test…",
    "Read": "Read /src/app.py",
    "Grep": "Grep 'TODO' in src",
    "TodoWrite": "TodoWrite (1/1 done)",
    "AskUserQuestion": "AskUserQuestion: Which?",
}


@pytest.mark.parametrize("name", CLAUDE_CODE_NAMES)
def test_permissions_read_only_and_summary(registry: ToolRegistry, name: str) -> None:
    tool = registry.get(name)
    assert tool is not None
    expected = (
        PermissionLevel.READ_ONLY
        if name in READ_ONLY
        else PermissionLevel.EDIT
        if name in EDIT
        else PermissionLevel.EXECUTE
    )
    assert tool.permission is expected
    parsed = registry.validate(name, SAMPLE_INPUTS[name])
    assert tool.is_read_only(parsed) is (name in READ_ONLY)
    summary = tool.summary(parsed)
    assert summary.startswith(name) and "\n" not in summary
    if name in EXPECTED_SUMMARIES:
        assert summary == EXPECTED_SUMMARIES[name]
