"""CLAUDE.md memory: collection order, @path imports (relative, ~, absolute), cycles, depth."""

from __future__ import annotations

from pathlib import Path

from claude_server.config import MAX_IMPORT_DEPTH, MemoryFile, collect_memory, render_memory


def _mine(files: list[MemoryFile], root: Path) -> list[str]:
    """Paths of the collected files under ``root``, relative (anything above it is not ours)."""
    return [str(f.path.relative_to(root)) for f in files if f.path.is_relative_to(root)]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_order_is_most_general_first(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _write(home / ".claude" / "CLAUDE.md", "user")
    _write(tmp_path / "managed.md", "managed")
    _write(tmp_path / "work" / "CLAUDE.md", "work")
    _write(tmp_path / "work" / "app" / ".claude" / "CLAUDE.md", "app dot-claude")
    _write(tmp_path / "work" / "app" / "CLAUDE.md", "app")
    _write(tmp_path / "work" / "app" / "CLAUDE.local.md", "app local")
    _write(tmp_path / "work" / "app" / "src" / "CLAUDE.md", "src")
    _write(tmp_path / "work" / "other" / "CLAUDE.md", "not on the path")
    files = collect_memory(
        tmp_path / "work" / "app" / "src", home, env={}, managed_path=tmp_path / "managed.md"
    )
    assert _mine(files, tmp_path) == [
        "managed.md",
        "home/.claude/CLAUDE.md",
        "work/CLAUDE.md",
        "work/app/CLAUDE.md",
        "work/app/.claude/CLAUDE.md",
        "work/app/CLAUDE.local.md",
        "work/app/src/CLAUDE.md",
    ]
    kinds = {
        str(f.path.relative_to(tmp_path)): f.kind for f in files if f.path.is_relative_to(tmp_path)
    }
    assert kinds["managed.md"] == "managed"
    assert kinds["home/.claude/CLAUDE.md"] == "user"
    assert kinds["work/app/CLAUDE.local.md"] == "local"
    assert kinds["work/app/src/CLAUDE.md"] == "project"


def test_user_memory_is_not_repeated_when_cwd_is_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _write(home / ".claude" / "CLAUDE.md", "user")
    files = collect_memory(home, home, env={}, managed_path=tmp_path / "none")
    assert _mine(files, tmp_path) == ["home/.claude/CLAUDE.md"]


def test_claude_config_dir_moves_user_memory(tmp_path: Path) -> None:
    _write(tmp_path / "cfg" / "CLAUDE.md", "from config dir")
    files = collect_memory(
        tmp_path / "p",
        tmp_path / "home",
        env={"CLAUDE_CONFIG_DIR": str(tmp_path / "cfg")},
        managed_path=tmp_path / "none",
    )
    assert [f.text for f in files if f.path.is_relative_to(tmp_path)] == ["from config dir"]


def test_imports_relative_home_absolute_and_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proj = tmp_path / "proj"
    _write(proj / "docs" / "style.md", "style, see @../rules/naming.md")
    _write(proj / "rules" / "naming.md", "naming")
    _write(home / "prefs.md", "prefs")
    absolute = _write(tmp_path / "shared" / "team.md", "team")
    _write(
        proj / "CLAUDE.md",
        f"Read @docs/style.md and @~/prefs.md and @{absolute}.\nAlso @missing.md.\nMail me at a@b.c\n",
    )
    files = collect_memory(proj, home, env={}, managed_path=tmp_path / "none")
    assert _mine(files, tmp_path) == [
        "proj/CLAUDE.md",
        "proj/docs/style.md",
        "proj/rules/naming.md",
        "home/prefs.md",
        "shared/team.md",
    ]
    main = files[[f.path.name for f in files].index("CLAUDE.md")]
    assert main.notes == ("@missing.md.: not found",)
    imported = next(f for f in files if f.path.name == "naming.md")
    assert imported.kind == "import" and imported.imported_from == proj / "docs" / "style.md"


def test_imports_in_code_are_ignored(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    _write(proj / "real.md", "real")
    _write(proj / "fenced.md", "no")
    _write(proj / "span.md", "no")
    _write(
        proj / "CLAUDE.md",
        "Use @real.md\n\n```sh\ncat @fenced.md\n```\n\nRun `npm i @span.md` now\n",
    )
    files = collect_memory(proj, tmp_path / "home", env={}, managed_path=tmp_path / "none")
    assert _mine(files, tmp_path) == ["proj/CLAUDE.md", "proj/real.md"]


def test_cycles_are_included_once(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    _write(proj / "a.md", "a imports @b.md")
    _write(proj / "b.md", "b imports @a.md and @CLAUDE.md")
    _write(proj / "CLAUDE.md", "root imports @a.md")
    files = collect_memory(proj, tmp_path / "home", env={}, managed_path=tmp_path / "none")
    assert _mine(files, tmp_path) == ["proj/CLAUDE.md", "proj/a.md", "proj/b.md"]
    assert all(f.notes == () for f in files)


def test_import_depth_is_bounded(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    chain = MAX_IMPORT_DEPTH + 2
    for i in range(chain):
        _write(proj / f"d{i}.md", f"level {i} @d{i + 1}.md")
    _write(proj / "CLAUDE.md", "start @d0.md")
    files = collect_memory(proj, tmp_path / "home", env={}, managed_path=tmp_path / "none")
    names = _mine(files, tmp_path)
    assert names == ["proj/CLAUDE.md"] + [f"proj/d{i}.md" for i in range(MAX_IMPORT_DEPTH)]
    last = files[-1]
    assert last.notes and "at most 5 deep" in last.notes[0]


def test_render_memory(tmp_path: Path) -> None:
    assert render_memory([]) == ""
    files = [
        MemoryFile(tmp_path / "u.md", "be brief\n", "user"),
        MemoryFile(tmp_path / "CLAUDE.md", "use tabs", "project"),
    ]
    text = render_memory(files)
    assert text.index("be brief") < text.index("use tabs")
    assert f"## {tmp_path / 'u.md'} (the user's own instructions for every project)" in text
    assert f"## {tmp_path / 'CLAUDE.md'} (project instructions, shared with the team)" in text
