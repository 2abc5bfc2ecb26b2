"""Finding skills and commands under a home and a project made in a temp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from claude_server.commands import discover_skills, list_commands, parse_command_line

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def user_home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    return path


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _skill(root: Path, name: str, description: str, extra: str = "") -> Path:
    return _write(
        root / ".claude" / "skills" / name / "SKILL.md",
        f"---\ndescription: {description}\n{extra}---\nBody of {name}\n",
    )


def _command(root: Path, relative: str, description: str) -> Path:
    return _write(
        root / ".claude" / "commands" / relative,
        f"---\ndescription: {description}\n---\nCommand {relative}\n",
    )


def test_four_locations(user_home: Path, project: Path) -> None:
    _skill(user_home, "u-skill", "user skill")
    _command(user_home, "u-cmd.md", "user command")
    _skill(project, "p-skill", "project skill")
    _command(project, "p-cmd.md", "project command")
    found = discover_skills(project, home=user_home)
    assert found.warnings == ()
    summary = {(s.name, s.kind, s.scope) for s in found}
    assert summary == {
        ("u-skill", "skill", "user"),
        ("u-cmd", "command", "user"),
        ("p-skill", "skill", "project"),
        ("p-cmd", "command", "project"),
    }
    assert found.get("p-skill").body == "Body of p-skill"  # type: ignore[union-attr]


def test_precedence(user_home: Path, project: Path) -> None:
    _skill(user_home, "same", "user skill")
    _command(project, "same.md", "project command")
    _command(user_home, "both.md", "user command")
    _skill(user_home, "both", "user skill wins over user command")
    _skill(project, "twice", "project skill")
    _command(project, "twice.md", "project command loses to project skill")
    found = discover_skills(project, home=user_home)
    assert found.get("same").description == "project command"  # type: ignore[union-attr]
    assert found.get("both").description == "user skill wins over user command"  # type: ignore[union-attr]
    assert found.get("twice").description == "project skill"  # type: ignore[union-attr]
    assert found.warnings == ()


def test_namespaced_commands(user_home: Path, project: Path) -> None:
    _command(project, "frontend/component.md", "make a component")
    _command(project, "backend/build.md", "build the server")
    _command(project, "frontend/build.md", "build the bundle")
    _command(project, "ops/deploy/staging.md", "deploy to staging")
    _write(
        project / ".claude" / "commands" / "tool" / "SKILL.md", "---\ndescription: dir form\n---\nx"
    )
    _write(project / ".claude" / "commands" / "notes.txt", "not a command")
    found = discover_skills(project, home=user_home)
    names = found.names()
    assert names == [
        "backend:build",
        "frontend:build",
        "frontend:component",
        "ops:deploy:staging",
        "tool",
    ]
    component = found.get("frontend:component")
    assert component is not None and component.namespace == "frontend"
    assert component.label == "project:frontend" and component.bare_name == "component"
    # The bare name works when unambiguous; `build` is ambiguous.
    assert found.get("component") is component
    assert found.get("build") is None
    assert found.get("tool").kind == "command"  # type: ignore[union-attr]
    inv = parse_command_line("/staging now", found)
    assert inv is not None and inv.name == "ops:deploy:staging"
    rows = {r["name"]: r for r in list_commands(found)}
    assert rows["frontend:component"]["aliases"] == ["component"]
    assert rows["frontend:build"]["aliases"] == []


def test_frontmatter_name_overrides_folder(user_home: Path, project: Path) -> None:
    _write(
        project / ".claude" / "skills" / "folder-name" / "SKILL.md",
        "---\nname: nice-name\ndescription: x\n---\nx",
    )
    found = discover_skills(project, home=user_home)
    assert found.names() == ["nice-name"]


def test_duplicate_in_one_place_warns(user_home: Path, project: Path) -> None:
    _write(project / ".claude" / "skills" / "a" / "SKILL.md", "---\nname: dup\n---\nfirst")
    second = _write(
        project / ".claude" / "skills" / "b" / "SKILL.md", "---\nname: dup\n---\nsecond"
    )
    found = discover_skills(project, home=user_home)
    assert found.get("dup").body == "first"  # type: ignore[union-attr]
    assert [w.path for w in found.warnings] == [second]


def test_malformed_file_is_skipped_with_a_warning(user_home: Path, project: Path) -> None:
    _skill(project, "good", "fine")
    bad = _write(
        project / ".claude" / "commands" / "bad.md", "---\ndescription: x\n  - y: [\n---\nz"
    )
    found = discover_skills(project, home=user_home)
    assert found.names() == ["good"]
    assert len(found.warnings) == 1
    warning = found.warnings[0]
    assert warning.path == bad and "not valid YAML" in warning.message
    assert str(bad) in str(warning)


def test_builtin_names_are_shadowed(user_home: Path, project: Path) -> None:
    path = _command(project, "help.md", "my help")
    found = discover_skills(project, home=user_home)
    assert found.names() == []
    assert found.warnings[0].path == path and "built-in" in found.warnings[0].message


def test_missing_folders_and_no_project(user_home: Path) -> None:
    assert len(discover_skills(None, home=user_home)) == 0
    _skill(user_home, "mine", "x")
    assert discover_skills(None, home=user_home).names() == ["mine"]
    # Working in the home directory itself does not load the same files twice.
    found = discover_skills(user_home, home=user_home)
    assert [s.scope for s in found] == ["user"] and found.warnings == ()


def test_hidden_and_odd_entries_are_ignored(user_home: Path, project: Path) -> None:
    _command(project, ".hidden.md", "x")
    _command(project, "has space.md", "x")
    (project / ".claude" / "skills" / "no-skill-file").mkdir(parents=True)
    found = discover_skills(project, home=user_home)
    assert found.names() == []
    assert len(found.warnings) == 1 and "has space" in found.warnings[0].message


def test_real_examples_as_installed(user_home: Path, project: Path) -> None:
    for source in sorted((FIXTURES / "anthropics-skills").glob("*.SKILL.md")):
        folder = user_home / ".claude" / "skills" / source.name.removesuffix(".SKILL.md")
        folder.mkdir(parents=True)
        shutil.copy(source, folder / "SKILL.md")
    commands = project / ".claude" / "commands"
    commands.mkdir(parents=True)
    for source in sorted((FIXTURES / "claude-code-action").glob("commands_*.md")):
        shutil.copy(source, commands / source.name.removeprefix("commands_"))
    found = discover_skills(project, home=user_home)
    assert found.warnings == ()
    assert found.names() == [
        "brand-guidelines",
        "commit-and-pr",
        "internal-comms",
        "label-issue",
        "review-pr",
        "template-skill",
        "theme-factory",
        "webapp-testing",
    ]
    assert found.get("review-pr").scope == "project"  # type: ignore[union-attr]
    assert found.get("webapp-testing").scope == "user"  # type: ignore[union-attr]
