"""Modes, path scoping, added directories, tool levels, skills, session rules."""

from __future__ import annotations

import os

import pytest
from claude_server.errors import ConfigError
from claude_server.model import PermissionLevel
from claude_server.permissions import RuleChecker, ToolCatalog

from .conftest import SESSION_TOOLS, World

# (mode, tool, input, expected): no rules at all, so only the mode decides.
MODE_TABLE = [
    # default: reads inside the project run; edits and commands ask.
    ("default", "Read", {"file_path": "{proj}/a.py"}, "allow"),
    ("default", "Grep", {"pattern": "x"}, "allow"),
    ("default", "Glob", {"pattern": "**/*.py"}, "allow"),
    ("default", "Edit", {"file_path": "{proj}/a.py"}, "ask"),
    ("default", "Write", {"file_path": "{proj}/a.py"}, "ask"),
    ("default", "Bash", {"command": "ls"}, "ask"),
    ("default", "WebFetch", {"url": "https://example.com"}, "ask"),
    ("default", "mcp__srv__tool", {}, "ask"),
    ("default", "TodoWrite", {"todos": []}, "allow"),
    # acceptEdits: edits inside the project run too ...
    ("acceptEdits", "Edit", {"file_path": "{proj}/a.py"}, "allow"),
    ("acceptEdits", "Write", {"file_path": "{proj}/sub/new.py"}, "allow"),
    # ... but not outside it, nor in the folders that hold settings and hooks.
    ("acceptEdits", "Edit", {"file_path": "{home}/.bashrc"}, "ask"),
    ("acceptEdits", "Write", {"file_path": "{proj}/.claude/settings.local.json"}, "ask"),
    ("acceptEdits", "Edit", {"file_path": "{proj}/.git/hooks/pre-commit"}, "ask"),
    ("acceptEdits", "Bash", {"command": "ls"}, "ask"),
    # plan: read-only tools only; the rest is denied with a reason for the model.
    ("plan", "Read", {"file_path": "{proj}/a.py"}, "allow"),
    ("plan", "Edit", {"file_path": "{proj}/a.py"}, "deny"),
    ("plan", "Bash", {"command": "ls"}, "deny"),
    ("plan", "mcp__srv__tool", {}, "deny"),
    ("plan", "Read", {"file_path": "{root}/etc/passwd"}, "ask"),
    # bypassPermissions: everything runs, except edits of protected folders.
    ("bypassPermissions", "Bash", {"command": "rm -rf build"}, "allow"),
    ("bypassPermissions", "Edit", {"file_path": "{root}/etc/hosts"}, "allow"),
    ("bypassPermissions", "Bash", {"command": 'echo "unterminated'}, "allow"),
    ("bypassPermissions", "Edit", {"file_path": "{proj}/.claude/settings.json"}, "ask"),
]


@pytest.mark.parametrize(("mode", "tool", "tool_input", "expected"), MODE_TABLE)
def test_mode_defaults(
    world: World, mode: str, tool: str, tool_input: dict[str, str], expected: str
) -> None:
    decision = world.checker(mode).check(tool, world.fmt(tool_input))
    assert decision.behavior == expected, decision
    assert decision.source == "mode"


def test_plan_mode_tells_the_model(world: World) -> None:
    decision = world.checker("plan").check("Edit", {"file_path": str(world.proj / "a.py")})
    assert decision.behavior == "deny"
    assert "Plan mode" in decision.reason and "ExitPlanMode" in decision.reason


def test_plan_mode_keeps_deny_rules_and_read_rules(world: World) -> None:
    world.rules("project", deny=["Read(./.env)"], ask=["Read(./notes/**)"])
    checker = world.checker("plan")
    assert checker.check("Read", {"file_path": str(world.proj / ".env")}).behavior == "deny"
    assert checker.check("Read", {"file_path": str(world.proj / "notes/a")}).behavior == "ask"


def test_rules_still_apply_in_bypass_mode(world: World) -> None:
    # Decision: an ask rule asks even in bypassPermissions mode (the user asked to be asked).
    world.rules("project", deny=["Bash(rm *)"], ask=["Bash(git push *)"])
    checker = world.checker("bypassPermissions")
    assert checker.check("Bash", {"command": "ls && rm x"}).behavior == "deny"
    assert checker.check("Bash", {"command": "git push"}).behavior == "ask"
    assert checker.check("Bash", {"command": "make"}).behavior == "allow"


def test_default_mode_and_disabled_bypass_from_settings(world: World) -> None:
    world.write("project", {"permissions": {"defaultMode": "acceptEdits"}})
    assert world.checker().mode == "acceptEdits"
    world.write("managed", {"permissions": {"disableBypassPermissionsMode": "disable"}})
    checker = world.checker()
    with pytest.raises(ConfigError, match="disabled"):
        checker.set_mode("bypassPermissions")
    with pytest.raises(ConfigError, match="unknown permission mode"):
        checker.set_mode("yolo")
    checker.set_mode("plan")
    assert checker.mode == "plan"


# -- path scoping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("{proj}/src/a.py", "allow"),
        ("src/a.py", "allow"),  # relative to the project
        ("{proj}/../proj/a.py", "allow"),
        ("{proj}/../secrets.txt", "ask"),  # .. escapes the project
        ("{proj}/src/../../x", "ask"),
        ("{home}/.ssh/id_rsa", "ask"),  # sensitive places outside ask even for reads
        ("~/.aws/credentials", "ask"),
        ("{root}/etc/passwd", "ask"),
        ("/etc/shadow", "ask"),
        ("{proj}/link-out/passwd", "ask"),  # a symlink pointing outside
        ("{proj}/link-in/a.py", "allow"),  # a symlink pointing inside
        ("{root}/extra/notes.md", "allow"),  # an added directory
        ("{proj}2/a.py", "ask"),  # a sibling whose name starts like the project's
    ],
)
def test_read_scope(world: World, path: str, expected: str) -> None:
    (world.root / "outside").mkdir()
    (world.root / "extra").mkdir()
    (world.proj / "src").mkdir()
    os.symlink(world.root / "outside", world.proj / "link-out")
    os.symlink(world.proj / "src", world.proj / "link-in")
    world.write("project", {"permissions": {"additionalDirectories": [str(world.root / "extra")]}})
    checker = world.checker()
    decision = checker.check("Read", {"file_path": world.fmt(path)})
    assert decision.behavior == expected, decision


def test_search_tools_outside_the_project_ask(world: World) -> None:
    checker = world.checker()
    assert checker.check("Grep", {"pattern": "x", "path": "/etc"}).behavior == "ask"
    assert checker.check("Glob", {"pattern": "/etc/**"}).behavior == "ask"
    assert checker.check("Glob", {"pattern": "../**/*.pem"}).behavior == "ask"
    assert checker.check("Glob", {"pattern": "~/.ssh/*"}).behavior == "ask"
    assert checker.check("Glob", {"pattern": "src/**"}).behavior == "allow"


def test_allow_rule_can_open_an_outside_path(world: World) -> None:
    world.rules("user", allow=["Read(~/notes/**)"])
    checker = world.checker()
    assert checker.check("Read", {"file_path": str(world.home / "notes/a.md")}).behavior == "allow"
    assert checker.check("Read", {"file_path": str(world.home / "other/a.md")}).behavior == "ask"


def test_additional_dirs_argument_and_relative_setting(world: World) -> None:
    (world.proj / "sub").mkdir()
    world.write("local", {"permissions": {"additionalDirectories": ["../shared"]}})
    checker = world.checker(additional_dirs=[world.root / "given"])
    assert checker.check("Read", {"file_path": str(world.home / "shared/x")}).behavior == "allow"
    assert checker.check("Read", {"file_path": str(world.root / "given/x")}).behavior == "allow"
    checker.set_mode("acceptEdits")
    assert checker.check("Edit", {"file_path": str(world.home / "shared/x")}).behavior == "allow"


# -- tool levels and names ---------------------------------------------------------------------


def test_tool_level_lookup_decides_unknown_tools(world: World) -> None:
    levels = {"mcp__docs__search": PermissionLevel.READ_ONLY, "Notes": PermissionLevel.EDIT}
    catalog = ToolCatalog(
        names=dict(SESSION_TOOLS.names), levels={**SESSION_TOOLS.levels, **levels}
    )
    checker = world.checker(tools=catalog)
    assert checker.check("mcp__docs__search", {"query": "x"}).behavior == "allow"
    assert checker.check("Notes", {"file_path": str(world.proj / "n.md")}).behavior == "ask"
    checker.set_mode("acceptEdits")
    assert checker.check("Notes", {"file_path": str(world.proj / "n.md")}).behavior == "allow"
    # A tool nobody knows is treated as one that executes.
    assert checker.check("Mystery", {}).behavior == "ask"


def test_seed_names_in_calls_and_custom_aliases(world: World) -> None:
    world.rules("project", deny=["Read(./.env)"], allow=["Edit(/src/**)"])
    checker = world.checker()
    assert checker.check("read", {"file_path": str(world.proj / ".env")}).behavior == "deny"
    assert checker.check("file_edit", {"file_path": str(world.proj / "src/a")}).behavior == "allow"
    world.rules("project", deny=["shell(rm *)"])
    custom = world.checker(
        tools=ToolCatalog(
            names={**SESSION_TOOLS.names, "shell": "Bash"}, levels=SESSION_TOOLS.levels
        )
    )
    assert custom.check("Bash", {"command": "rm x"}).behavior == "deny"


def test_bare_deny_hides_the_tool(world: World) -> None:
    world.rules("project", deny=["WebSearch", "mcp__github", "Bash(rm *)"])
    checker = world.checker()
    assert checker.is_tool_denied("WebSearch")
    assert checker.is_tool_denied("mcp__github__get_issue")
    assert not checker.is_tool_denied("Bash")  # a scoped rule leaves the tool available


# -- invalid rules -----------------------------------------------------------------------------


def test_invalid_rules_are_reported_and_fail_safe(world: World) -> None:
    world.rules("project", deny=["Bash(rm *", "WebFetch(example.com)"], allow=["Edit(", "Bash()"])
    checker = world.checker()
    assert len(checker.problems) == 4
    assert all("settings.json" in p for p in checker.problems)
    # An unreadable deny rule makes its tool ask rather than be forgotten.
    decision = checker.check("Bash", {"command": "rm -rf /"})
    assert decision.behavior == "ask" and decision.rule == "Bash(rm *"
    assert checker.check("WebFetch", {"url": "https://example.com"}).behavior == "ask"


# -- skills and session rules ------------------------------------------------------------------


def test_skill_allowed_tools_only_while_it_runs(world: World) -> None:
    checker = world.checker()
    call = {"command": "git add src/a.py"}
    assert checker.check("Bash", call).behavior == "ask"
    with checker.allow_while(
        ["Bash(git add:*)", "Bash(git status:*)"], source="skill:smart-push"
    ) as bad:
        assert bad == []
        decision = checker.check("Bash", call)
        assert decision.behavior == "allow" and decision.source == "skill:smart-push"
        # A skill's grant does not override deny rules.
        checker.add_rule("deny", "Bash(git add src/secret*)")
        assert checker.check("Bash", {"command": "git add src/secret.txt"}).behavior == "deny"
    assert checker.check("Bash", call).behavior == "ask"


def test_nested_skill_scopes(world: World) -> None:
    checker = world.checker()
    with checker.allow_while(["Bash(ls *)"], source="skill:a"):
        with checker.allow_while(["Bash(pwd)"], source="skill:b"):
            assert checker.check("Bash", {"command": "ls && pwd"}).behavior == "allow"
        assert checker.check("Bash", {"command": "pwd"}).behavior == "ask"
        assert checker.check("Bash", {"command": "ls"}).behavior == "allow"


def test_session_rules(world: World) -> None:
    checker = RuleChecker(project_dir=world.proj, home=world.home, tools=SESSION_TOOLS)
    assert checker.add_rule("allow", "WebFetch(domain:docs.python.org)") is None
    decision = checker.check("WebFetch", {"url": "https://docs.python.org/3/"})
    assert (decision.behavior, decision.source) == ("allow", "session")
    assert checker.add_rule("allow", "Bash(") is not None


def test_accept_edits_symlink_escape_asks(world: World) -> None:
    outside = world.root / "outside"
    outside.mkdir()
    os.symlink(outside, world.proj / "out")
    checker = world.checker("acceptEdits")
    assert (
        checker.check("Write", {"file_path": str(world.proj / "out" / "new.txt")}).behavior == "ask"
    )
    assert checker.check("Edit", {"file_path": str(world.proj / "in.txt")}).behavior == "allow"
