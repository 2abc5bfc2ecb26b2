"""``files/search``: fuzzy path completion for ``@`` references.

Candidates are the files git knows in the working directory (tracked plus untracked but not
ignored), or, outside a git work tree, a bounded walk that skips VCS, dependency and cache folders
and honours simple ``.gitignore`` patterns. Every folder that holds a candidate is a candidate
too, written with a trailing ``/``. The list is cached per directory for a few seconds, since a
client asks again on every keystroke.

Matching is smart-case subsequence matching in the manner of fzf: every query character must
appear in order. The score prefers a match inside the file name over one spread across folders,
contiguous runs, matches at word starts (after ``/``, ``_``, ``-``, ``.`` or a case change) and
shorter paths. A query starting with ``/``, ``~/`` or ``../`` lists that folder instead.

The functions block (git, the file system): call them from a worker thread in async code.
"""

from __future__ import annotations

import fnmatch
import heapq
import os
import re
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CACHE_SECONDS = 5.0
MAX_CANDIDATES = 200_000
"""Files gathered at most; a bigger tree is cut (the walk is breadth-first by folder)."""
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
    }
)
_GIT_TIMEOUT = 10.0


@dataclass(frozen=True)
class FileMatch:
    """One completion: a path relative to the searched directory (folders end with ``/``)."""

    path: str
    score: float
    positions: tuple[int, ...]
    """Indices in ``path`` of the matched characters, to highlight them."""

    @property
    def is_dir(self) -> bool:
        """Whether it is a folder."""
        return self.path.endswith("/")


# --- candidates --------------------------------------------------------------------------------

_cache: dict[Path, tuple[float, tuple[str, ...]]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every cached candidate list (after a known change, and in tests)."""
    with _cache_lock:
        _cache.clear()


def candidate_paths(cwd: Path) -> tuple[str, ...]:
    """Files and folders under ``cwd`` worth completing, relative, folders ending with ``/``."""
    key = cwd.resolve()
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    files = _git_files(key)
    if files is None:
        files = _walk_files(key)
    paths = _with_folders(files)
    with _cache_lock:
        _cache[key] = (time.monotonic(), paths)
    return paths


def _git_files(cwd: Path) -> list[str] | None:
    tracked = _git_list(cwd, "--cached")
    if tracked is None:
        return None  # not a work tree (or no git): walk instead
    # Untracked files in a dependency or cache folder that .gitignore forgot are noise; tracked
    # ones (vendored code) were added on purpose and stay.
    untracked = [
        name
        for name in _git_list(cwd, "--others", "--exclude-standard") or []
        if SKIPPED_DIRS.isdisjoint(name.split("/")[:-1])
    ]
    # A conflicted file is listed once per stage; keep one.
    return list(dict.fromkeys([*tracked, *untracked]))[:MAX_CANDIDATES]


def _git_list(cwd: Path, *options: str) -> list[str] | None:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", *options],
            cwd=cwd,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    names = result.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return [name for name in names if name]


def _with_folders(files: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    folders: set[str] = set()
    for name in files:
        out.append(name)
        cut = name.rfind("/")
        while cut > 0:
            folder = name[: cut + 1]
            if folder in folders:
                break
            folders.add(folder)
            cut = name.rfind("/", 0, cut)
    out.extend(sorted(folders))
    return tuple(out)


@dataclass(frozen=True)
class _IgnoreRule:
    pattern: str
    anchored: bool
    dir_only: bool
    negated: bool


def _read_gitignore(folder: Path) -> list[_IgnoreRule]:
    try:
        text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    rules: list[_IgnoreRule] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line.removeprefix("!")
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        if line:
            rules.append(_IgnoreRule(line, anchored, dir_only, negated))
    return rules


def _ignored(relative: str, name: str, is_dir: bool, rules: list[tuple[str, _IgnoreRule]]) -> bool:
    """Whether the last matching rule ignores the entry (git's order: later rules win)."""
    ignored = False
    for base, rule in rules:
        if rule.dir_only and not is_dir:
            continue
        if rule.anchored:
            if not relative.startswith(base):
                continue
            subject = relative[len(base) :]
        else:
            subject = name
        if fnmatch.fnmatchcase(subject, rule.pattern):
            ignored = not rule.negated
    return ignored


def _walk_files(root: Path) -> list[str]:
    files: list[str] = []
    # (folder, its path relative to root with a trailing slash, rules in force)
    queue: deque[tuple[Path, str, list[tuple[str, _IgnoreRule]]]] = deque([(root, "", [])])
    while queue and len(files) < MAX_CANDIDATES:
        folder, prefix, inherited = queue.popleft()
        rules = inherited + [(prefix, r) for r in _read_gitignore(folder)]
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            relative = prefix + entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir and entry.name in SKIPPED_DIRS:
                continue
            if rules and _ignored(relative, entry.name, is_dir, rules):
                continue
            if is_dir:
                queue.append((Path(entry.path), relative + "/", rules))
            else:
                files.append(relative)
    return files[:MAX_CANDIDATES]


# --- scoring -----------------------------------------------------------------------------------

_BOUNDARY = frozenset("/_-. ")
_SCORE_MATCH = 16.0
_BONUS_BOUNDARY = 10.0
_BONUS_CONSECUTIVE = 8.0
_BONUS_BASENAME = 12.0
_BONUS_FIRST_CHAR = 6.0
_BONUS_NAME_COVERAGE = 12.0
_BONUS_EXACT_STEM = 20.0
_PENALTY_GAP_START = 3.0
_PENALTY_GAP = 1.0
_PENALTY_LENGTH = 0.15


def fuzzy_score(path: str, query: str) -> tuple[float, tuple[int, ...]] | None:
    """Score ``path`` against ``query`` (higher is better) with the matched positions.

    ``None`` when the query is not a subsequence of the path. Smart case: the match ignores case
    unless the query has an upper-case letter.
    """
    if not query:
        return -_PENALTY_LENGTH * len(path), ()
    fold = query == query.lower()
    subject = path.lower() if fold else path
    if len(subject) != len(path):
        subject = path  # a rare letter whose lower case is longer: match case-sensitively
    name_start = path.rstrip("/").rfind("/") + 1
    # Try the file name alone first: a match there is what people mean most of the time, and a
    # contiguous one there cannot be beaten by a match spread over the folders.
    best: tuple[float, tuple[int, ...]] | None = None
    for start in (name_start, 0) if name_start else (0,):
        positions = _match_positions(subject, query, start)
        if positions is None:
            continue
        score = _score(path, positions, name_start)
        if best is None or score > best[0]:
            best = (score, positions)
        if start and positions[-1] - positions[0] == len(positions) - 1:
            break
    return best


def _match_positions(subject: str, query: str, start: int) -> tuple[int, ...] | None:
    # A contiguous occurrence beats any scattered match: take the last one (nearest the name).
    found = subject.rfind(query, start)
    if found >= 0:
        return tuple(range(found, found + len(query)))
    positions: list[int] = []
    index = start
    for char in query:
        index = subject.find(char, index)
        if index < 0:
            return None
        positions.append(index)
        index += 1
    # Tighten from the end (fzf's backward pass): the last character's match stays, earlier ones
    # move as far right as they can, which shortens gaps.
    for i in range(len(positions) - 2, -1, -1):
        right = subject.rfind(query[i], positions[i], positions[i + 1])
        if right >= 0:
            positions[i] = right
    return tuple(positions)


def _score(path: str, positions: tuple[int, ...], name_start: int) -> float:
    score = 0.0
    previous = -2
    for index in positions:
        score += _SCORE_MATCH
        if (
            index == 0
            or path[index - 1] in _BOUNDARY
            or (path[index].isupper() and path[index - 1].islower())
        ):
            score += _BONUS_BOUNDARY
        if index == previous + 1:
            score += _BONUS_CONSECUTIVE
        elif previous >= 0:
            score -= _PENALTY_GAP_START + _PENALTY_GAP * (index - previous - 1)
        if index >= name_start:
            score += _BONUS_BASENAME
        previous = index
    if positions and positions[0] == name_start:
        score += _BONUS_FIRST_CHAR
    # Prefer the name the query covers best: `util` is more `util.py` than `utilities/`.
    name = path[name_start:].rstrip("/")
    in_name = sum(1 for index in positions if index >= name_start)
    if name:
        score += _BONUS_NAME_COVERAGE * in_name / len(name)
        if in_name == len(positions) == len(name.split(".", 1)[0]) and positions[0] == name_start:
            score += _BONUS_EXACT_STEM
    return score - _PENALTY_LENGTH * len(path)


def _subsequence_filter(query: str) -> re.Pattern[str]:
    # A C-speed pre-filter; only survivors are scored in Python.
    body = ".*?".join(re.escape(c) for c in query)
    return re.compile(body, re.DOTALL if query != query.lower() else re.DOTALL | re.IGNORECASE)


def search_files(
    cwd: Path, query: str, *, limit: int = 50, home: Path | None = None
) -> list[FileMatch]:
    """The best ``limit`` completions of ``query`` among the paths under ``cwd``.

    ``home`` is what ``~`` means (default: the user's home directory).
    """
    query = query.strip()
    if query.startswith(("/", "~/", "../")) or query in ("~", ".."):
        return _list_folder(cwd, query, limit, home or Path.home())
    query = query.removeprefix("./")
    candidates = candidate_paths(cwd)
    if not query:
        ranked = sorted(candidates, key=lambda p: (p.rstrip("/").count("/"), p))
        return [FileMatch(p, 0.0, ()) for p in ranked[:limit]]
    keep = _subsequence_filter(query).search
    scored: list[tuple[float, str, tuple[int, ...]]] = []
    for path in candidates:
        if keep(path) is None:
            continue
        result = fuzzy_score(path, query)
        if result is not None:
            scored.append((result[0], path, result[1]))
    best = heapq.nlargest(limit, scored, key=lambda item: (item[0], -len(item[1])))
    return [FileMatch(path, score, positions) for score, path, positions in best]


def _list_folder(cwd: Path, query: str, limit: int, home: Path) -> list[FileMatch]:
    """Completion of an absolute, home or parent path: the folder's entries by name prefix."""
    folder_part, _, prefix = query.rpartition("/")
    if query in ("~", ".."):
        folder_part, prefix = query, ""
    shown_folder = f"{folder_part}/" if folder_part or query.startswith("/") else ""
    if folder_part.startswith("~"):
        folder = home / folder_part[2:]
    else:
        folder = (cwd / folder_part) if folder_part else Path("/")
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return []
    matches: list[FileMatch] = []
    for entry in entries:
        if not entry.name.startswith(prefix) or entry.name in SKIPPED_DIRS:
            continue
        if entry.name.startswith(".") and not prefix.startswith("."):
            continue
        try:
            suffix = "/" if entry.is_dir() else ""
        except OSError:
            suffix = ""
        path = f"{shown_folder}{entry.name}{suffix}"
        start = len(shown_folder)
        matches.append(FileMatch(path, 0.0, tuple(range(start, start + len(prefix)))))
        if len(matches) >= limit:
            break
    return matches
