"""Headless policy, rule suggestions, "allow always", and ``claude-py permissions check``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from claude_server.errors import ConfigError
from claude_server.model import PermissionDecision
from claude_server.permissions import (
    headless_decision,
    parse_allowed_tools,
    save_rule,
    suggest_rules,
)

from .conftest import World


def test_headless_ask_becomes_deny_with_a_reason(world: World) -> None:
    checker = world.checker()
    asked = checker.check("Bash", {"command": "make build"})
    assert asked.behavior == "ask"
    decided = headless_decision(asked, "Bash", {"command": "make build"}, project_dir=world.proj)
    assert decided.behavior == "deny"
    assert "no client" in decided.reason
    assert "Bash(make build *)" in decided.reason  # what would let it run
    assert "settings.local.json" in decided.reason


def test_headless_flag_allows_and_other_decisions_pass_through(world: World) -> None:
    ask = PermissionDecision("ask", "why", "Bash(x)", "/p")
    allowed = headless_decision(
        ask, "Bash", {"command": "x"}, project_dir=world.proj, allow_ask=True
    )
    assert allowed.behavior == "allow" and allowed.rule == "Bash(x)"
    deny = PermissionDecision("deny", "no", None, "mode")
    assert headless_decision(deny, "Bash", {}, project_dir=world.proj) is deny


@pytest.mark.parametrize(
    ("tool", "tool_input", "expected"),
    [
        ("Bash", {"command": "npm run test -- --watch"}, ["Bash(npm run *)"]),
        (
            "Bash",
            {"command": "git add a && git commit -m x"},
            ["Bash(git add *)", "Bash(git commit *)"],
        ),
        ("Bash", {"command": "ls -la"}, ["Bash(ls *)"]),
        ("Bash", {"command": "watch make"}, ["Bash(watch make)"]),
        ("Bash", {"command": 'echo "open'}, ['Bash(echo "open)']),
        ("WebFetch", {"url": "https://docs.python.org/3/"}, ["WebFetch(domain:docs.python.org)"]),
        ("Edit", {"file_path": "{proj}/src/app.py"}, ["Edit(/src/**)"]),
        ("Read", {"file_path": "/etc/hosts"}, ["Read(//etc/**)"]),
        ("mcp__github__get_issue", {}, ["mcp__github__get_issue"]),
    ],
)
def test_suggest_rules(
    world: World, tool: str, tool_input: dict[str, str], expected: list[str]
) -> None:
    assert suggest_rules(tool, world.fmt(tool_input), project_dir=world.proj) == expected


def test_allow_always_writes_local_settings_and_is_picked_up(world: World) -> None:
    local = world.write("local", {"env": {"A": "1"}, "permissions": {"deny": ["Bash(rm *)"]}})
    assert save_rule(world.proj, "allow", "Bash(make *)") == local
    data = json.loads(local.read_text())
    assert data["env"] == {"A": "1"}
    assert data["permissions"] == {"deny": ["Bash(rm *)"], "allow": ["Bash(make *)"]}
    decision = world.checker().check("Bash", {"command": "make all"})
    assert (decision.behavior, decision.source) == ("allow", str(local))
    with pytest.raises(ConfigError):
        save_rule(world.proj, "allow", "Bash(make *")
    assert json.loads(local.read_text()) == data


def test_parse_allowed_tools() -> None:
    assert parse_allowed_tools("Bash(git add:*), Bash(git status:*), Read") == [
        "Bash(git add:*)",
        "Bash(git status:*)",
        "Read",
    ]
    assert parse_allowed_tools("Bash(git add *) Read Grep") == ["Bash(git add *)", "Read", "Grep"]
    assert parse_allowed_tools(["Read", " Edit "]) == ["Read", "Edit"]
    assert parse_allowed_tools(None) == []


# -- claude-py permissions check (asks a private daemon: no daemon runs in this CLAUDE_PY_HOME) --


def _check(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(world.home), "CLAUDE_PY_HOME": str(world.root / "cpy")}
    env.pop("CLAUDE_CONFIG_DIR", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "claude_cli",
            "permissions",
            "check",
            *args,
            "--cwd",
            str(world.proj),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_check_command_prints_rule_and_file(world: World) -> None:
    path = world.rules("project", allow=["Bash(npm run *)"], deny=["Bash(rm *)"])
    user = world.rules("user", ask=["Bash(git push *)"])
    out = _check(world, "Bash", '{"command": "npm run build && rm -rf dist"}')
    assert out.returncode == 0, out.stderr
    assert "decision: deny" in out.stdout
    assert "rule: Bash(rm *)" in out.stdout
    assert f"source: {path}" in out.stdout
    out = _check(world, "Bash", '{"command": "git push"}')
    assert "decision: ask" in out.stdout and f"source: {user}" in out.stdout
    out = _check(world, "Read", json.dumps({"file_path": str(world.proj / "a.py")}))
    assert out.returncode == 0
    assert "decision: allow" in out.stdout and "no rule matched; default mode default" in out.stdout


def test_check_command_mode_and_errors(world: World) -> None:
    out = _check(
        world, "Edit", json.dumps({"file_path": str(world.proj / "a.py")}), "--mode", "plan"
    )
    assert out.returncode == 0 and "decision: deny" in out.stdout
    bad_json = _check(world, "Bash", "{nope")
    assert bad_json.returncode == 2 and bad_json.stderr.count("\n") == 1
    assert "not valid JSON" in bad_json.stderr
    unknown = _check(world, "Frobnicate", "{}")
    assert unknown.returncode == 2 and "unknown tool" in unknown.stderr


def test_check_command_reports_settings_problems(world: World) -> None:
    world.write("project", "{broken")
    out = _check(world, "Bash", '{"command": "ls"}')
    assert out.returncode == 0
    assert "decision: ask" in out.stdout
    assert "settings.json: invalid JSON" in out.stderr


def test_task_is_read_only_as_its_sessions_see_it(world: World) -> None:
    # Task's permission level comes from the tool itself: allowed in default and plan modes.
    task = json.dumps({"description": "look", "prompt": "find the config", "subagent_type": "x"})
    for mode in ("default", "plan"):
        out = _check(world, "Task", task, "--mode", mode)
        assert out.returncode == 0, out.stderr
        assert "decision: allow" in out.stdout and "tool: Task" in out.stdout


def test_check_rejects_an_input_that_is_not_an_object(world: World) -> None:
    out = _check(world, "Bash", "[1, 2]")
    assert out.returncode == 2 and out.stderr.strip() == (
        "claude-py: error: the tool input must be a JSON object"
    )
    out = _check(world, "Bash", "{}", "--mode", "sideways")
    assert out.returncode == 2 and "invalid choice" in out.stderr
