"""Glob and Grep over a real git repository with ripgrep."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from claude_server.model import ToolError
from claude_server.tools import ToolRegistry, find_ripgrep
from tool_support import ScriptedContext, call, set_mtime, text_of

pytestmark = pytest.mark.skipif(find_ripgrep() is None, reason="ripgrep is not installed")


@pytest.fixture
def repo(project: Path) -> Path:
    """A git repository with sources of known ages, ignored files and a hidden directory."""
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    files = {
        "old.py": "import os\nprint('TODO: old')\n",
        "src/mid.py": "def handler():\n    # todo lower case\n    return 1\n",
        "src/new.py": "class Handler:\n    pass\n# TODO: new\n",
        "src/app.js": "function handler() { return {}; }\n// TODO js\n",
        "README.md": "Handler docs\nTODO docs\n",
        "ignored.py": "TODO ignored\n",
        "build/out.py": "TODO build\n",
        ".github/ci.yml": "TODO hidden\n",
    }
    for rel, content in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (project / ".gitignore").write_text("ignored.py\nbuild/\n")
    ages = {"old.py": 300, "src/mid.py": 200, "src/new.py": 100, "src/app.js": 150}
    for rel, age in ages.items():
        set_mtime(project / rel, age)
    return project


# Glob ----------------------------------------------------------------------------------------


async def test_glob_newest_first_and_gitignore_respected(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    text = text_of(await call(registry, ctx, "Glob", {"pattern": "**/*.py"}))
    assert text.splitlines() == [
        str(repo / "src/new.py"),
        str(repo / "src/mid.py"),
        str(repo / "old.py"),
    ]


async def test_glob_pattern_forms(registry: ToolRegistry, ctx: ScriptedContext, repo: Path) -> None:
    async def glob(pattern: str, path: str | None = None) -> list[str]:
        raw = {"pattern": pattern} if path is None else {"pattern": pattern, "path": path}
        text = text_of(await call(registry, ctx, "Glob", raw))
        return [] if text.startswith("No files") else text.splitlines()

    assert len(await glob("*.py")) == 3  # no slash: any depth
    assert await glob("./*.py") == [str(repo / "old.py")]
    assert await glob("src/*.{js,md}") == [str(repo / "src/app.js")]
    assert await glob("*.yml") == [str(repo / ".github/ci.yml")]  # hidden files included
    assert await glob("*.py", path="src") == [str(repo / "src/new.py"), str(repo / "src/mid.py")]
    assert await glob(f"{repo}/src/*.js") == [str(repo / "src/app.js")]
    assert await glob("**/*.rs") == []


async def test_glob_no_match_and_bad_path(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    text = text_of(await call(registry, ctx, "Glob", {"pattern": "*.rs"}))
    assert text == f"No files found matching *.rs in {repo}."
    with pytest.raises(ToolError, match="Path does not exist"):
        await call(registry, ctx, "Glob", {"pattern": "*", "path": str(repo / "nope")})
    with pytest.raises(ToolError, match="not a directory"):
        await call(registry, ctx, "Glob", {"pattern": "*", "path": str(repo / "old.py")})


async def test_glob_limits_results(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    for n in range(105):
        (project / f"f{n:03}.txt").write_text("")
    text = text_of(await call(registry, ctx, "Glob", {"pattern": "*.txt"}))
    lines = text.split("\n\n")[0].splitlines()
    assert len(lines) == 100
    assert "Showing the 100 most recently modified of 105" in text


# Grep ----------------------------------------------------------------------------------------


async def grep(registry: ToolRegistry, ctx: ScriptedContext, **raw: object) -> str:
    return text_of(await call(registry, ctx, "Grep", raw))


async def test_grep_files_with_matches_is_default_newest_first(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    text = await grep(registry, ctx, pattern="TODO", glob="*.py")
    lines = text.splitlines()
    assert lines[0] == "Found 2 files"
    assert lines[1:] == [str(repo / "src/new.py"), str(repo / "old.py")]


async def test_grep_respects_gitignore_and_searches_hidden(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    text = await grep(registry, ctx, pattern="TODO")
    assert "ignored.py" not in text and "build" not in text
    assert str(repo / ".github/ci.yml") in text
    assert "/.git/" not in text


async def test_grep_content_with_line_numbers_and_context(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    text = await grep(
        registry, ctx, pattern="TODO: new", output_mode="content", path=str(repo / "src")
    )
    assert text == f"{repo / 'src/new.py'}:3:# TODO: new"
    text = await grep(
        registry, ctx, pattern="TODO: new", output_mode="content", path="src", **{"-n": False}
    )
    assert text == f"{repo / 'src/new.py'}:# TODO: new"
    text = await grep(
        registry, ctx, pattern="pass", output_mode="content", path="src", **{"-B": 1, "-A": 1}
    )
    new = repo / "src/new.py"
    assert text.splitlines() == [
        f"{new}-1-class Handler:",
        f"{new}:2:    pass",
        f"{new}-3-# TODO: new",
    ]
    text = await grep(registry, ctx, pattern="pass", output_mode="content", path="src", **{"-C": 1})
    assert len(text.splitlines()) == 3


async def test_grep_case_insensitive(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    sensitive = await grep(registry, ctx, pattern="todo", path="src")
    assert sensitive.splitlines()[1:] == [str(repo / "src/mid.py")]
    insensitive = await grep(registry, ctx, pattern="todo", path="src", **{"-i": True})
    assert insensitive.startswith("Found 3 files")


async def test_grep_count_mode(registry: ToolRegistry, ctx: ScriptedContext, repo: Path) -> None:
    text = await grep(registry, ctx, pattern="andler", output_mode="count")
    counts = dict(line.rsplit(":", 1) for line in text.split("\n\n")[0].splitlines())
    assert counts == {
        str(repo / "src/mid.py"): "1",
        str(repo / "src/new.py"): "1",
        str(repo / "src/app.js"): "1",
        str(repo / "README.md"): "1",
    }
    assert text.endswith("Found 4 matching lines in 4 files.")


async def test_grep_type_filter(registry: ToolRegistry, ctx: ScriptedContext, repo: Path) -> None:
    text = await grep(registry, ctx, pattern="handler", type="js")
    assert text.splitlines()[1:] == [str(repo / "src/app.js")]
    with pytest.raises(ToolError, match="unrecognized file type"):
        await grep(registry, ctx, pattern="x", type="nosuchtype")


async def test_grep_multiline(registry: ToolRegistry, ctx: ScriptedContext, repo: Path) -> None:
    assert (await grep(registry, ctx, pattern=r"Handler:\s+pass")).startswith("No matches")
    text = await grep(registry, ctx, pattern=r"Handler:.*pass", multiline=True)
    assert text.splitlines()[1:] == [str(repo / "src/new.py")]


async def test_grep_head_limit(registry: ToolRegistry, ctx: ScriptedContext, repo: Path) -> None:
    text = await grep(registry, ctx, pattern="TODO", head_limit=2)
    assert "Showing the first 2 of 5 results" in text
    assert len(text.split("\n\n")[0].splitlines()) == 3
    text = await grep(registry, ctx, pattern="TODO", output_mode="content", head_limit=1)
    assert len(text.split("\n\n")[0].splitlines()) == 1


async def test_grep_single_file_path(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    text = await grep(
        registry, ctx, pattern="print", path=str(repo / "old.py"), output_mode="content"
    )
    assert text == f"{repo / 'old.py'}:2:print('TODO: old')"


async def test_grep_bad_regex_and_no_match(
    registry: ToolRegistry, ctx: ScriptedContext, repo: Path
) -> None:
    with pytest.raises(ToolError, match="Invalid regular expression") as info:
        await grep(registry, ctx, pattern="foo(")
    assert "escape literal braces" in str(info.value)
    text = await grep(registry, ctx, pattern="zzz_not_there")
    assert text == f"No matches found for 'zzz_not_there' in {repo}."
    with pytest.raises(ToolError, match="Path does not exist"):
        await grep(registry, ctx, pattern="x", path="nowhere")


async def test_grep_glob_forms(registry: ToolRegistry, ctx: ScriptedContext, repo: Path) -> None:
    text = await grep(registry, ctx, pattern="andler", glob="*.js *.md")
    assert sorted(text.splitlines()[1:]) == [str(repo / "README.md"), str(repo / "src/app.js")]
    text = await grep(registry, ctx, pattern="andler", glob="!*.md")
    assert "README.md" not in text and text.startswith("Found 3 files")
    text = await grep(registry, ctx, pattern="TODO", glob="src/*.{py,js}")
    assert text.startswith("Found 2 files")
