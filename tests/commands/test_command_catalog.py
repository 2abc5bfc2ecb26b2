"""The built-in command table, command-line parsing and the commands/list rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from claude_server.commands import (
    BUILTIN_COMMANDS,
    Skill,
    SkillSet,
    builtin_command,
    list_commands,
    parse_command_line,
)

SEED_COMMANDS = [
    "help",
    "model",
    "fast",
    "mode",
    "plan",
    "think",
    "effort",
    "clear",
    "compact",
    "diff",
    "status",
    "review",
    "commit",
    "memory",
    "export",
    "rewind",
    "add",
    "files",
    "config",
    "permissions",
    "context",
    "add-dir",
    "hooks",
    "agents",
    "trust",
    "usage",
    "cost",
    "todos",
    "bashes",
    "doctor",
    "vim",
    "copy",
    "login",
    "logout",
    "version",
    "quit",
    "exit",
]


def _skill(name: str, **kw: object) -> Skill:
    fields: dict[str, object] = {
        "name": name,
        "description": f"does {name}",
        "kind": "skill",
        "scope": "project",
        "path": Path(f"/p/.claude/skills/{name}/SKILL.md"),
        "body": "Body $ARGUMENTS",
    }
    fields.update(kw)
    return Skill(**fields)  # type: ignore[arg-type]


def test_every_seed_command_is_present_exactly_once() -> None:
    names = [n for c in BUILTIN_COMMANDS for n in (c.name, *c.aliases)]
    assert sorted(names) == sorted(SEED_COMMANDS)
    assert len(names) == len(set(names))
    for name in SEED_COMMANDS:
        assert builtin_command(name) is not None, name


def test_table_fields_are_filled() -> None:
    for command in BUILTIN_COMMANDS:
        assert command.description and command.description[0].isupper()
        assert (command.argument_hint is None) == (command.arguments == "none"), command.name
    client_side = {c.name for c in BUILTIN_COMMANDS if c.runs_in == "client"}
    assert client_side == {"vim", "copy", "quit"}
    assert builtin_command("add") is not None and builtin_command("add").argument_hint == "<path>"  # type: ignore[union-attr]
    assert builtin_command("exit") is builtin_command("quit")


@pytest.mark.parametrize(
    ("text", "name", "arguments"),
    [
        ("/help", "help", ""),
        ("/model claude-opus-4", "model", "claude-opus-4"),
        ("/rewind   3  ", "rewind", "3"),
        ("/plan refactor the parser\nand its tests", "plan", "refactor the parser\nand its tests"),
        ("/HELP", "help", ""),
        ("/exit", "quit", ""),
        ('/add "my notes.md"', "add", '"my notes.md"'),
    ],
)
def test_builtin_lines(text: str, name: str, arguments: str) -> None:
    inv = parse_command_line(text)
    assert inv is not None and inv.kind == "builtin"
    assert (inv.name, inv.arguments) == (name, arguments)
    assert inv.error is None


def test_quoted_arguments_split_like_a_shell() -> None:
    inv = parse_command_line('/add "my notes.md" other')
    assert inv is not None and inv.argv == ["my notes.md", "other"]


@pytest.mark.parametrize(
    "text",
    [
        "/usr/bin/env is missing",
        "/usr/bin",
        "/etc.conf",
        "//comment",
        "/ help",
        " /help",
        "help",
        "",
        "/",
        "/-x",
        "what does /help do?",
    ],
)
def test_prompts_are_not_command_lines(text: str) -> None:
    assert parse_command_line(text) is None


def test_unknown_command_has_suggestions() -> None:
    inv = parse_command_line("/hepl me")
    assert inv is not None and inv.kind == "unknown"
    assert inv.name == "hepl" and inv.arguments == "me"
    assert inv.suggestions[0] == "help"
    assert parse_command_line("/mod") is not None
    assert parse_command_line("/mod").suggestions[:2] == ("mode", "model")  # type: ignore[union-attr]
    assert parse_command_line("/zzzzzz").suggestions == ()  # type: ignore[union-attr]


def test_unknown_suggestions_include_skills() -> None:
    skills = SkillSet([_skill("deploy-app")])
    inv = parse_command_line("/deploy-ap", skills)
    assert inv is not None and inv.kind == "unknown" and "deploy-app" in inv.suggestions


def test_required_argument_missing_is_an_error() -> None:
    inv = parse_command_line("/add")
    assert inv is not None and inv.kind == "builtin"
    assert inv.error is not None and "/add <path>" in inv.error


def test_runs_in() -> None:
    assert parse_command_line("/vim").runs_in == "client"  # type: ignore[union-attr]
    assert parse_command_line("/quit").runs_in == "client"  # type: ignore[union-attr]
    assert parse_command_line("/compact keep the API notes").runs_in == "daemon"  # type: ignore[union-attr]


def test_skill_lines_resolve_and_builtins_win() -> None:
    skills = SkillSet(
        [
            _skill("fix-issue"),
            _skill("frontend:component", kind="command", namespace="frontend"),
            _skill("help"),
        ]
    )
    inv = parse_command_line("/fix-issue 123", skills)
    assert inv is not None and inv.kind == "skill" and inv.skill is not None
    assert (inv.name, inv.arguments, inv.runs_in) == ("fix-issue", "123", "daemon")
    namespaced = parse_command_line("/frontend:component Button", skills)
    assert namespaced is not None and namespaced.name == "frontend:component"
    bare = parse_command_line("/component Button", skills)
    assert bare is not None and bare.kind == "skill" and bare.name == "frontend:component"
    assert bare.typed_name == "component"
    assert parse_command_line("/help", skills).kind == "builtin"  # type: ignore[union-attr]


def test_list_commands_rows() -> None:
    skills = SkillSet(
        [
            _skill("fix-issue", argument_hint="[issue]"),
            _skill("hidden", user_invocable=False),
            _skill("frontend:component", kind="command", scope="user", namespace="frontend"),
            _skill("clear"),
        ]
    )
    rows = list_commands(skills)
    by_name = {r["name"]: r for r in rows}
    assert [r["name"] for r in rows[: len(BUILTIN_COMMANDS)]] == [c.name for c in BUILTIN_COMMANDS]
    assert by_name["quit"]["aliases"] == ["exit"] and by_name["quit"]["runsIn"] == "client"
    assert by_name["add"]["argumentHint"] == "<path>" and by_name["add"]["source"] == "builtin"
    fix = by_name["fix-issue"]
    assert fix == {
        "name": "fix-issue",
        "description": "does fix-issue",
        "argumentHint": "[issue]",
        "source": "skill",
        "scope": "project",
        "runsIn": "daemon",
        "aliases": [],
        "label": "project",
    }
    component = by_name["frontend:component"]
    assert component["source"] == "command" and component["scope"] == "user"
    assert component["label"] == "user:frontend" and component["aliases"] == ["component"]
    assert "hidden" not in by_name
    assert [r["source"] for r in rows if r["name"] == "clear"] == ["builtin"]
