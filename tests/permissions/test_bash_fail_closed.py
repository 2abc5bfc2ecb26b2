"""Bash analysis fails closed: a command whose executed programs cannot be known before it runs
is refused wherever Bash has a deny rule, in every mode, however broad the allow rules."""

from __future__ import annotations

import pytest
from claude_server.permissions import parse_bash

from .conftest import World

# Each of these really ran ``rm`` past ``deny: Bash(rm:*)`` with a broad allow or in
# bypassPermissions (issue 11); each must now be refused.
SMUGGLED = [
    "sh <<< 'rm x'",
    "bash <<EOF\nrm x\nEOF",
    "echo 'rm x' | sh",
    "echo 'rm x' | bash -s",
    "echo 'rm x' | sh -",
    "echo 'rm x' | bash /dev/stdin",
    "source <(echo rm x)",
    ". <(echo rm x)",
    "bash <(echo rm x)",
    "find . -exec sh -c 'rm x' \\;",
    "find . -name x -ok bash -c 'rm x' \\;",
    "echo x | xargs sh -c 'rm x'",
    "env --split-string='rm x'",
    "env -S 'rm x'",
    "shopt -s expand_aliases\nalias ls=rm\nls x",
    "alias ls=rm",
    "busybox rm x",
    "$(echo rm) x",  # a computed program name
]

# Ordinary commands keep their usual decision under the same rules.
ORDINARY = [
    "ls -la",
    "bash script.sh",
    "bash -c 'ls'",
    "find . -name '*.py' -exec grep -l x {} +",
    "source ./env.sh",
    "echo hi | grep h",
    "cat <<EOF\nhi\nEOF",
    "shopt -s globstar",  # only expand_aliases changes what runs
]


@pytest.mark.parametrize("command", SMUGGLED)
@pytest.mark.parametrize("mode", ["default", "acceptEdits", "bypassPermissions"])
def test_unverifiable_commands_are_refused_where_bash_has_a_deny_rule(
    world: World, command: str, mode: str
) -> None:
    world.rules("project", deny=["Bash(rm:*)"], allow=["Bash"])
    decision = world.checker(mode).check("Bash", {"command": command})
    assert decision.behavior == "deny", decision
    assert decision.rule == "Bash(rm:*)"
    # Either rm was found inside, or the command was refused unseen.
    assert decision.reason.endswith("is denied by rule Bash(rm:*)") or (
        parse_bash(command).problems and "cannot be checked" in decision.reason
    ), decision


@pytest.mark.parametrize("command", ORDINARY)
def test_ordinary_commands_still_pass_a_broad_allow(world: World, command: str) -> None:
    world.rules("project", deny=["Bash(rm:*)"], allow=["Bash"])
    assert parse_bash(command).problems == (), command
    assert world.checker().check("Bash", {"command": command}).behavior == "allow"


def test_without_any_deny_rule_bypass_mode_still_runs_them(world: World) -> None:
    # Nothing to protect: the user's choice of bypassPermissions stands.
    decision = world.checker("bypassPermissions").check("Bash", {"command": "echo 'ls' | sh"})
    assert decision.behavior == "allow"


def test_no_allow_rule_approves_an_unverifiable_command(world: World) -> None:
    world.rules("project", allow=["Bash(echo *)", "Bash(sh *)", "Bash(busybox *)"])
    for command in ("echo 'rm x' | sh", "busybox rm x"):
        assert world.checker().check("Bash", {"command": command}).behavior == "ask"
