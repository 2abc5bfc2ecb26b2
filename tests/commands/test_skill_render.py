"""Argument substitution in skill and command templates (cases written from the documented rules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from claude_server.commands import Skill, render, split_arguments


def _skill(body: str, *, kind: str = "skill", names: tuple[str, ...] = ()) -> Skill:
    return Skill(
        name="t",
        description="t",
        kind=kind,  # type: ignore[arg-type]
        scope="project",
        path=Path("/proj/.claude/skills/t/SKILL.md"),
        body=body,
        argument_names=names,
    )


def test_all_arguments() -> None:
    skill = _skill("Look into ticket $ARGUMENTS and fix it.")
    assert render(skill, "PROJ-7") == "Look into ticket PROJ-7 and fix it."
    # $ARGUMENTS is the text as typed, quotes included.
    assert render(skill, ' "two words"  x ') == 'Look into ticket "two words"  x and fix it.'


def test_indexed_arguments_are_zero_based() -> None:
    skill = _skill("Port $ARGUMENTS[0] from $ARGUMENTS[1] to $ARGUMENTS[2].")
    assert render(skill, "Navbar Angular Svelte") == "Port Navbar from Angular to Svelte."


def test_dollar_n_in_skills_is_zero_based() -> None:
    skill = _skill("Port $0 from $1 to $2.")
    assert render(skill, "Navbar Angular Svelte") == "Port Navbar from Angular to Svelte."


def test_dollar_n_in_legacy_commands_is_one_based() -> None:
    skill = _skill("Review PR #$1 with priority $2.", kind="command")
    assert render(skill, "456 high") == "Review PR #456 with priority high."
    # A command file that uses $0 follows today's zero-based rule.
    skill = _skill("Rename $0 to $1.", kind="command")
    assert render(skill, "old new") == "Rename old to new."


def test_quotes_group_positional_arguments() -> None:
    skill = _skill("Title: $0 / Body: $1")
    assert render(skill, '"Fix the build" now') == "Title: Fix the build / Body: now"


def test_missing_positional_is_empty() -> None:
    assert render(_skill("a=$0 b=$1 c=$ARGUMENTS[5]."), "x") == "a=x b= c=."


def test_named_arguments() -> None:
    skill = _skill(
        "Work on issue $issue on branch $branch ($issue_id stays).", names=("issue", "branch")
    )
    assert (
        render(skill, "42 feat/login") == "Work on issue 42 on branch feat/login ($issue_id stays)."
    )


def test_arguments_appended_when_no_placeholder() -> None:
    skill = _skill("Tidy up the code.")
    assert (
        render(skill, "src/app.py  quickly")
        == "Tidy up the code.\n\nARGUMENTS: src/app.py  quickly"
    )
    assert render(skill, "") == "Tidy up the code."
    assert render(skill, "   ") == "Tidy up the code."


def test_not_appended_when_any_placeholder_is_used() -> None:
    assert render(_skill("Only $0."), "a b") == "Only a."


def test_money_and_other_dollars_stay() -> None:
    skill = _skill("Costs $100 or $HOME or $ARGUMENTSX; $ARGUMENTS.")
    assert render(skill, "ok") == "Costs $100 or $HOME or $ARGUMENTSX; ok."


def test_no_rescan_of_inserted_text() -> None:
    skill = _skill("Echo $ARGUMENTS and $0")
    assert render(skill, "$1 !`rm -rf /`") == "Echo $1 !`rm -rf /` and $1"


def test_session_and_skill_dir() -> None:
    skill = _skill("Log to logs/${CLAUDE_SESSION_ID}.log from ${CLAUDE_SKILL_DIR}")
    assert render(skill, session_id="s-1") == "Log to logs/s-1.log from /proj/.claude/skills/t"
    assert render(skill).startswith("Log to logs/${CLAUDE_SESSION_ID}.log")


def test_inline_commands_run_when_a_runner_is_given() -> None:
    skill = _skill("Diff:\n!`git diff $0`\nAlso: !`git log -1`\nKEY=!`echo hi`\n")
    ran: list[str] = []

    def run(command: str) -> str:
        ran.append(command)
        return f"<out of {command}>"

    text = render(skill, '"a; rm -rf ~" other', run_inline=run)
    # Typed text is quoted for the shell; `!` right after another character is literal.
    assert ran == ["git diff 'a; rm -rf ~'", "git log -1"]
    assert "Diff:\n<out of git diff 'a; rm -rf ~'>\nAlso: <out of git log -1>" in text
    assert "KEY=!`echo hi`" in text


def test_inline_output_is_not_rescanned() -> None:
    skill = _skill("!`cat notes` $0")
    assert render(skill, "x", run_inline=lambda _c: "$0 !`id`") == "$0 !`id` x"


def test_inline_commands_stay_without_a_runner() -> None:
    skill = _skill("Context: !`gh pr diff $ARGUMENTS`")
    # The only placeholder sits in a command that does not run, so the arguments are appended.
    assert render(skill, "12") == "Context: !`gh pr diff $ARGUMENTS`\n\nARGUMENTS: 12"


def test_all_arguments_in_inline_command_are_quoted_one_by_one() -> None:
    skill = _skill("!`gh pr view $ARGUMENTS`")
    seen: list[str] = []

    def run(command: str) -> str:
        seen.append(command)
        return ""

    render(skill, "12 --comments", run_inline=run)
    assert seen == ["gh pr view 12 --comments"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("a b  c", ["a", "b", "c"]),
        ('"a b" c', ["a b", "c"]),
        ("it's", ["it's"]),
        ("", []),
    ],
)
def test_split_arguments(typed: str, expected: list[str]) -> None:
    assert split_arguments(typed) == expected
