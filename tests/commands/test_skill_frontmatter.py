"""Frontmatter parsing: every field, lenient repairs, malformed files, and the real examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from claude_server.commands import (
    FrontmatterError,
    Skill,
    load_skill_file,
    parse_tool_list,
    render,
    skills_prompt_section,
    split_frontmatter,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _load(tmp_path: Path, text: str, *, name: str = "thing", kind: str = "skill") -> Skill:
    skill, warnings = _try(tmp_path, text, name=name, kind=kind)
    assert warnings == [], warnings
    assert skill is not None
    return skill


def _try(
    tmp_path: Path, text: str, *, name: str = "thing", kind: str = "skill"
) -> tuple[Skill | None, list[str]]:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    path = folder / "SKILL.md"
    path.write_text(text, encoding="utf-8")
    skill, warnings = load_skill_file(
        path,
        kind=kind,  # type: ignore[arg-type]
        scope="project",
        default_name=name,
    )
    for w in warnings:
        assert w.path == path
    return skill, [w.message for w in warnings]


def test_every_field(tmp_path: Path) -> None:
    skill = _load(
        tmp_path,
        "---\n"
        "name: ship-it\n"
        "description: Push the branch and open a pull request\n"
        "argument-hint: <branch> [reviewer]\n"
        "allowed-tools: Bash(git push:*), Bash(gh pr create:*)\n"
        "when_to_use: When the user says the work is ready to go out\n"
        "user-invocable: false\n"
        "disable-model-invocation: true\n"
        "model: claude-haiku-4-5\n"
        "arguments: [branch, reviewer]\n"
        "context: fork\n"
        "agent: Explore\n"
        "license: MIT\n"
        "---\n\n"
        "Ship $branch.\n",
    )
    assert skill.name == "ship-it"
    assert skill.description == "Push the branch and open a pull request"
    assert not skill.description_from_body
    assert skill.argument_hint == "<branch> [reviewer]"
    assert skill.allowed_tools == ("Bash(git push:*)", "Bash(gh pr create:*)")
    assert skill.when_to_use == "When the user says the work is ready to go out"
    assert skill.user_invocable is False
    assert skill.disable_model_invocation is True and skill.model_invocable is False
    assert skill.model == "claude-haiku-4-5"
    assert skill.argument_names == ("branch", "reviewer")
    assert (skill.context, skill.agent) == ("fork", "Explore")
    assert skill.frontmatter["license"] == "MIT"
    assert skill.body == "Ship $branch."
    assert skill.kind == "skill" and skill.scope == "project"


def test_defaults(tmp_path: Path) -> None:
    skill = _load(tmp_path, "---\ndescription: Say hi\n---\nHi.\n", name="greet")
    assert skill.name == "greet"
    assert skill.user_invocable is True and skill.disable_model_invocation is False
    assert skill.allowed_tools == () and skill.argument_hint is None
    assert skill.model is None and skill.when_to_use is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("False", False),
        ("yes", True),
        ("No", False),
        ("ON", True),
        ("off", False),
        ("1", True),
        ("0", False),
        ('"yes"', True),
        ("'0'", False),
    ],
)
def test_boolean_spellings(tmp_path: Path, value: str, expected: bool) -> None:
    skill = _load(
        tmp_path, f"---\nuser-invocable: {value}\ndisable-model-invocation: {value}\n---\nx"
    )
    assert skill.user_invocable is expected
    assert skill.disable_model_invocation is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Read Grep", ("Read", "Grep")),
        ("Read, Grep, Glob", ("Read", "Grep", "Glob")),
        (
            "Bash(git add *) Bash(git commit *) Bash(git status *)",
            (
                "Bash(git add *)",
                "Bash(git commit *)",
                "Bash(git status *)",
            ),
        ),
        ("Bash(gh *)", ("Bash(gh *)",)),
        (
            "Bash(gh pr comment:*),Bash(gh pr diff:*)",
            ("Bash(gh pr comment:*)", "Bash(gh pr diff:*)"),
        ),
        ('["Bash(test -f x.md:*)", "Read(x.md)"]', ("Bash(test -f x.md:*)", "Read(x.md)")),
        ("\n  - Read\n  - Bash(npm run test:*)", ("Read", "Bash(npm run test:*)")),
    ],
)
def test_allowed_tools_forms(tmp_path: Path, value: str, expected: tuple[str, ...]) -> None:
    skill = _load(tmp_path, f"---\nallowed-tools: {value}\n---\nx")
    assert skill.allowed_tools == expected


def test_skill_dir_is_resolved_in_allowed_tools(tmp_path: Path) -> None:
    skill = _load(
        tmp_path,
        "---\nallowed-tools: Bash(${CLAUDE_SKILL_DIR}/bin/plot.sh *)\n---\n"
        "Run ${CLAUDE_SKILL_DIR}/bin/plot.sh data.csv\n",
        name="plot",
    )
    folder = tmp_path / "plot"
    assert skill.allowed_tools == (f"Bash({folder}/bin/plot.sh *)",)
    assert render(skill) == f"Run {folder}/bin/plot.sh data.csv"


def test_description_defaults_to_first_paragraph(tmp_path: Path) -> None:
    skill = _load(tmp_path, "# Tidy imports\n\nSort them.\n", name="tidy")
    assert skill.description == "Tidy imports" and skill.description_from_body
    skill = _load(tmp_path, "---\nname: tidy\n---\n\nSort the imports\nof every module.\n\nThen.")
    assert skill.description == "Sort the imports of every module."


def test_argument_hint_forms(tmp_path: Path) -> None:
    # A YAML flow list, and the common `[a] [b]` that YAML cannot read (quoted on a retry).
    assert _load(tmp_path, "---\nargument-hint: [message]\n---\nx").argument_hint == "[message]"
    skill = _load(tmp_path, "---\nargument-hint: [pr-number] [priority]\n---\nx")
    assert skill.argument_hint == "[pr-number] [priority]"


def test_colon_in_plain_value_is_repaired(tmp_path: Path) -> None:
    skill = _load(tmp_path, "---\ndescription: Check links: internal and external\n---\nx")
    assert skill.description == "Check links: internal and external"


def test_block_scalar_description(tmp_path: Path) -> None:
    skill = _load(tmp_path, "---\ndescription: >\n  Long text\n  on two lines\n---\nx")
    assert skill.description == "Long text on two lines"


def test_model_inherit_means_the_session_model(tmp_path: Path) -> None:
    assert _load(tmp_path, "---\nmodel: inherit\n---\nx").model is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("---\ndescription: [unclosed\n  nested: {\n---\nx", "not valid YAML"),
        ("---\ndescription: fine\n\tbad: tab\n---\nx", "not valid YAML"),
        ("---\n- just\n- a list\n---\nx", "must be a mapping"),
        ("---\ndescription: no end\n\nbody", "never closed"),
        ("---\nuser-invocable: maybe\n---\nx", "'user-invocable'"),
        ("---\nallowed-tools: {Bash: yes}\n---\nx", "'allowed-tools'"),
        ("---\narguments: [bad name]\n---\nx", "'arguments'"),
    ],
)
def test_malformed_frontmatter_is_a_warning_naming_the_file(
    tmp_path: Path, text: str, fragment: str
) -> None:
    skill, warnings = _try(tmp_path, text)
    assert skill is None
    assert len(warnings) == 1 and fragment in warnings[0] and "skipped" in warnings[0]


def test_yaml_error_reports_the_file_line(tmp_path: Path) -> None:
    _, warnings = _try(tmp_path, "---\nname: ok\ndescription: fine\n\tbad: tab\n---\nx")
    assert "line 4" in warnings[0]


def test_invalid_name_falls_back_with_a_warning(tmp_path: Path) -> None:
    skill, warnings = _try(tmp_path, "---\nname: My Skill\n---\nx", name="mine")
    assert skill is not None and skill.name == "mine"
    assert len(warnings) == 1 and "'My Skill'" in warnings[0]


def test_split_frontmatter_edges() -> None:
    assert split_frontmatter("no frontmatter\n---\n") == ({}, "no frontmatter\n---\n")
    assert split_frontmatter("---\n---\nbody") == ({}, "body")
    assert split_frontmatter("\ufeff---\na: 1\n---\nb") == ({"a": 1}, "b")
    assert split_frontmatter("---\r\na: x\r\n---\r\nbody") == ({"a": "x"}, "body")
    with pytest.raises(FrontmatterError):
        split_frontmatter("---\na: 1\n")


def test_parse_tool_list_rejects_mappings() -> None:
    assert parse_tool_list(None) == ()
    with pytest.raises(ValueError, match="tool rule"):
        parse_tool_list([{"a": 1}])


# --- the real example files ---------------------------------------------------------------------

ANTHROPIC_SKILLS = {
    "brand-guidelines": ("brand-guidelines", "Applies Anthropic's official brand colors"),
    "internal-comms": ("internal-comms", "A set of resources to help me write"),
    "theme-factory": ("theme-factory", "Toolkit for styling artifacts with a theme."),
    "webapp-testing": ("webapp-testing", "Toolkit for interacting with and testing local web"),
    "template": ("template-skill", "Replace with description of the skill"),
}


@pytest.mark.parametrize("stem", sorted(ANTHROPIC_SKILLS))
def test_anthropic_skills_parse(stem: str) -> None:
    path = FIXTURES / "anthropics-skills" / f"{stem}.SKILL.md"
    skill, warnings = load_skill_file(path, kind="skill", scope="user", default_name=stem)
    assert warnings == [] and skill is not None
    name, description = ANTHROPIC_SKILLS[stem]
    assert skill.name == name
    assert skill.description.startswith(description)
    assert skill.user_invocable and skill.model_invocable
    assert skill.body and not skill.body.startswith("---")
    if stem != "template":
        assert skill.frontmatter["license"] == "Complete terms in LICENSE.txt"


def test_claude_code_action_review_pr() -> None:
    path = FIXTURES / "claude-code-action" / "commands_review-pr.md"
    skill, warnings = load_skill_file(
        path, kind="command", scope="project", default_name="review-pr"
    )
    assert warnings == [] and skill is not None
    assert skill.description == "Review a pull request"
    assert skill.allowed_tools == (
        "Bash(gh pr comment:*)",
        "Bash(gh pr diff:*)",
        "Bash(gh pr view:*)",
    )
    assert skill.body.startswith("Perform a comprehensive code review")


def test_claude_code_action_label_issue_keeps_template_text() -> None:
    path = FIXTURES / "claude-code-action" / "commands_label-issue.md"
    skill, warnings = load_skill_file(
        path, kind="command", scope="project", default_name="label-issue"
    )
    assert warnings == [] and skill is not None
    assert skill.description == "Apply labels to GitHub issues"
    assert skill.allowed_tools == (
        "Bash(./scripts/gh.sh:*)",
        "Bash(./scripts/edit-issue-labels.sh:*)",
    )
    rendered = render(skill, "")
    assert "- REPO: ${{ github.repository }}" in rendered
    assert "${{ github.event.issue.number }}" in rendered


def test_claude_code_action_command_without_frontmatter() -> None:
    path = FIXTURES / "claude-code-action" / "commands_commit-and-pr.md"
    skill, warnings = load_skill_file(
        path, kind="command", scope="project", default_name="commit-and-pr"
    )
    assert warnings == [] and skill is not None
    assert skill.frontmatter == {}
    assert skill.description_from_body
    assert skill.description.startswith("Let's commit the changes. Run tests")
    assert render(skill, "") == skill.body
    assert render(skill, "to main").endswith("\n\nARGUMENTS: to main")


def test_agent_file_frontmatter_tools() -> None:
    text = (FIXTURES / "claude-code-action" / "agents_performance-reviewer.md").read_text()
    meta, body = split_frontmatter(text)
    assert meta["name"] == "performance-reviewer" and meta["model"] == "inherit"
    assert parse_tool_list(meta["tools"]) == (
        "Glob",
        "Grep",
        "Read",
        "WebFetch",
        "TodoWrite",
        "WebSearch",
        "BashOutput",
        "KillBash",
    )
    assert body.lstrip().startswith("You are an elite performance optimization specialist")


# --- system prompt ------------------------------------------------------------------------------


def test_skills_prompt_section(tmp_path: Path) -> None:
    visible = _load(
        tmp_path,
        "---\ndescription: Format SQL\nwhen_to_use: When a query is hard to read\n"
        "argument-hint: <file>\nuser-invocable: false\n---\nx",
        name="sql-format",
    )
    manual = _load(
        tmp_path, "---\ndescription: Deploy\ndisable-model-invocation: yes\n---\nx", name="deploy"
    )
    long = _load(tmp_path, f"---\ndescription: {'word ' * 400}\n---\nx", name="wordy")
    section = skills_prompt_section([manual, visible, long])
    assert section.startswith("# Skills\n")
    assert (
        "- sql-format (arguments: <file>): Format SQL When to use: When a query is hard" in section
    )
    assert "deploy" not in section
    wordy = next(line for line in section.splitlines() if line.startswith("- wordy"))
    assert len(wordy) < 1536 + 20 and wordy.endswith("…")
    assert skills_prompt_section([manual]) == ""
