"""``files/search``: candidates from git or a walk, fuzzy ranking, folder listing, the cache."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from claude_server.references import candidate_paths, clear_cache, fuzzy_score, search_files
from support.system import require_program

TREE = [
    "README.md",
    "Makefile",
    "makefile.inc",
    "config.py",
    "pkg/sub/config.py",
    "pyproject.toml",
    "src/main.py",
    "src/domain/payment_main_handler.py",
    "src/lib/util.py",
    "src/utilities/helpers/strings.py",
    "server/claude_server/commands/_catalog.py",
    "server/claude_server/commands/_skills.py",
    "server/claude_server/engine/loop.py",
    "tests/commands/test_command_catalog.py",
    "docs/guide/getting-started.md",
    "docs/my file.md",
]
IGNORED = ["node_modules/left-pad/index.js", "build/out.js", "debug.log", ".venv/lib/site.py"]


def _make_tree(root: Path) -> None:
    for relative in [*TREE, *IGNORED]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {relative}\n", encoding="utf-8")
    (root / ".gitignore").write_text("node_modules/\n/build/\n*.log\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require_program("git", "apt-get install git")
    root = tmp_path / "repo"
    root.mkdir()
    _make_tree(root)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    # Half tracked, half untracked: both must be candidates.
    subprocess.run(["git", "add", "README.md", "src", "server", ".gitignore"], cwd=root, check=True)
    return root


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    root = tmp_path / "plain"
    root.mkdir()
    _make_tree(root)
    return root


def _paths(cwd: Path, query: str, limit: int = 50) -> list[str]:
    return [m.path for m in search_files(cwd, query, limit=limit)]


@pytest.mark.parametrize("kind", ["repo", "plain"])
def test_candidates(kind: str, request: pytest.FixtureRequest) -> None:
    root: Path = request.getfixturevalue(kind)
    paths = set(candidate_paths(root))
    for relative in TREE:
        assert relative in paths
    for relative in IGNORED:
        assert relative not in paths
    assert {"src/", "src/lib/", "server/claude_server/commands/", "docs/guide/"} <= paths
    assert not any(p.startswith(("node_modules", ".venv", "build", ".git/")) for p in paths)


def test_candidates_from_a_subfolder(repo: Path) -> None:
    paths = set(candidate_paths(repo / "src"))
    assert "main.py" in paths and "lib/util.py" in paths and "README.md" not in paths


def test_nested_gitignore_and_negation_in_a_walk(plain: Path) -> None:
    (plain / "src" / ".gitignore").write_text("*.py\n!main.py\n", encoding="utf-8")
    paths = set(candidate_paths(plain))
    assert "src/main.py" in paths
    assert "src/lib/util.py" not in paths
    assert "config.py" in paths


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("readme", "README.md"),
        ("main.py", "src/main.py"),
        ("util", "src/lib/util.py"),
        ("config.py", "config.py"),
        ("skills", "server/claude_server/commands/_skills.py"),
        ("cmdskl", "server/claude_server/commands/_skills.py"),
        ("engloop", "server/claude_server/engine/loop.py"),
        ("getst", "docs/guide/getting-started.md"),
        ("Makefile", "Makefile"),
        ("my file", "docs/my file.md"),
        ("./src/main", "src/main.py"),
    ],
)
def test_ranking(repo: Path, query: str, best: str) -> None:
    assert _paths(repo, query)[0] == best


def test_basename_beats_a_folder_match(repo: Path) -> None:
    ranked = _paths(repo, "util")
    assert ranked.index("src/lib/util.py") < ranked.index("src/utilities/helpers/strings.py")


def test_shorter_path_wins_a_tie(repo: Path) -> None:
    ranked = _paths(repo, "config.py")
    assert ranked.index("config.py") < ranked.index("pkg/sub/config.py")


def test_smart_case(repo: Path) -> None:
    assert "makefile.inc" in _paths(repo, "makefile")
    upper = _paths(repo, "Make")
    assert "Makefile" in upper and "makefile.inc" not in upper


def test_folders_are_offered(repo: Path) -> None:
    ranked = _paths(repo, "commands/")
    # Both folders match equally well; folders come before the files inside them.
    assert set(ranked[:2]) == {"server/claude_server/commands/", "tests/commands/"}
    match = search_files(repo, "commands/")[0]
    assert match.is_dir


def test_positions_point_at_the_match(repo: Path) -> None:
    match = search_files(repo, "skills")[0]
    assert "".join(match.path[i] for i in match.positions) == "skills"
    scattered = search_files(repo, "engloop")[0]
    assert "".join(scattered.path[i] for i in scattered.positions).lower() == "engloop"


def test_no_match_and_limit(repo: Path) -> None:
    assert search_files(repo, "qqqzzz") == []
    assert len(search_files(repo, "s", limit=3)) == 3


def test_empty_query_lists_the_top_first(repo: Path) -> None:
    first = _paths(repo, "", limit=8)
    assert all("/" not in p.rstrip("/") for p in first)


def test_fuzzy_score_basics() -> None:
    assert fuzzy_score("src/main.py", "xyz") is None
    contiguous = fuzzy_score("src/main.py", "main")
    scattered = fuzzy_score("src/mxaxixn.py", "main")
    assert contiguous is not None and scattered is not None and contiguous[0] > scattered[0]
    assert contiguous[1] == (4, 5, 6, 7)


def test_folder_listing_for_absolute_home_and_parent(tmp_path: Path, repo: Path) -> None:
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes.txt").touch()
    (home / ".hidden").touch()
    assert _paths_home(repo, "~/no", home) == ["~/notes/", "~/notes.txt"]
    assert _paths_home(repo, "~/", home) == ["~/notes/", "~/notes.txt"]
    assert _paths_home(repo, "~/.h", home) == ["~/.hidden"]
    absolute = search_files(repo, f"{repo}/s")
    assert [m.path for m in absolute] == [f"{repo}/server/", f"{repo}/src/"]
    assert absolute[0].positions == (len(str(repo)) + 1,)
    assert _paths(repo / "src", "../READ") == ["../README.md"]


def _paths_home(cwd: Path, query: str, home: Path) -> list[str]:
    return [m.path for m in search_files(cwd, query, home=home)]


def test_candidates_are_cached_for_a_while(repo: Path) -> None:
    assert "fresh.py" not in candidate_paths(repo)
    (repo / "fresh.py").touch()
    assert "fresh.py" not in candidate_paths(repo)
    clear_cache()
    assert "fresh.py" in candidate_paths(repo)
