"""``CLAUDE.md`` memory files: collected up the directory tree, with ``@path`` imports.

Order (most general first, so that the more specific instructions come last in the prompt):
the managed file (``/etc/claude-code/CLAUDE.md``), the user's (``~/.claude/CLAUDE.md``), then for
each directory from the filesystem root down to the working directory its ``CLAUDE.md``,
``.claude/CLAUDE.md`` and ``CLAUDE.local.md``. Each file is followed by the files it imports.

An import is ``@path`` at the start of a line or after whitespace, outside code blocks and code
spans: relative to the importing file, ``~/`` for the home directory, or absolute. Imports nest at
most :data:`MAX_IMPORT_DEPTH` deep; a file is included once, which also breaks cycles; a missing
import is noted on the importing file and otherwise ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from claude_server.config._paths import MANAGED_MEMORY_PATH, claude_config_dir

MAX_IMPORT_DEPTH = 5
"""How many ``@path`` hops are followed from a top-level memory file."""

MAX_MEMORY_BYTES = 512_000
"""A memory file larger than this is cut (a prompt is not the place for it)."""

MemoryKind = Literal["managed", "user", "project", "local", "import"]

_IMPORT = re.compile(r"(?:(?<=\s)|^)@((?:\\ |[^\s])+)", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


@dataclass(frozen=True, slots=True)
class MemoryFile:
    """One memory file and what it says."""

    path: Path
    text: str
    kind: MemoryKind
    imported_from: Path | None = None
    notes: tuple[str, ...] = ()
    """Imports that were not followed, and why (``@x.md: not found``)."""


def collect_memory(
    cwd: Path,
    home: Path,
    *,
    env: Mapping[str, str] | None = None,
    managed_path: Path | None = None,
) -> list[MemoryFile]:
    """Every memory file that applies in ``cwd``, most general first, imports after importers."""
    cwd = Path(os.path.abspath(cwd))
    env = os.environ if env is None else env
    top: list[tuple[Path, MemoryKind]] = [
        (managed_path if managed_path is not None else MANAGED_MEMORY_PATH, "managed"),
        (claude_config_dir(env, home) / "CLAUDE.md", "user"),
    ]
    for directory in reversed([cwd, *cwd.parents]):
        top.append((directory / "CLAUDE.md", "project"))
        top.append((directory / ".claude" / "CLAUDE.md", "project"))
        top.append((directory / "CLAUDE.local.md", "local"))

    out: list[MemoryFile] = []
    seen: set[Path] = set()
    for path, kind in top:
        _include(path, kind, None, 0, home, seen, out)
    return out


def render_memory(files: list[MemoryFile]) -> str:
    """The memory files as one block of the system prompt (empty when there are none)."""
    if not files:
        return ""
    parts = [
        "The user keeps instructions for you in memory files (CLAUDE.md). They are listed from "
        "the most general to the most specific; follow them, and prefer the later ones where "
        "they disagree."
    ]
    for f in files:
        parts.append(f"## {f.path} ({_DESCRIPTIONS[f.kind]})\n\n{f.text.strip()}")
    return "\n\n".join(parts) + "\n"


_DESCRIPTIONS: dict[MemoryKind, str] = {
    "managed": "organisation-wide instructions",
    "user": "the user's own instructions for every project",
    "project": "project instructions, shared with the team",
    "local": "the user's private instructions for this project",
    "import": "imported by another memory file",
}


def _include(
    path: Path,
    kind: MemoryKind,
    parent: Path | None,
    depth: int,
    home: Path,
    seen: set[Path],
    out: list[MemoryFile],
) -> str | None:
    """Add ``path`` and its imports to ``out``; return why it was not added, if it was not."""
    real = Path(os.path.realpath(path))
    if real in seen:
        return "already included"
    if not real.is_file():
        return "not found"
    try:
        with open(real, "rb") as fh:
            data = fh.read(MAX_MEMORY_BYTES + 1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    seen.add(real)
    text = data[:MAX_MEMORY_BYTES].decode("utf-8", errors="replace")
    notes: list[str] = []
    if len(data) > MAX_MEMORY_BYTES:
        notes.append(f"cut at {MAX_MEMORY_BYTES} bytes")
    index = len(out)
    out.append(MemoryFile(path, text, kind, parent))
    for ref in _imports(text):
        if depth >= MAX_IMPORT_DEPTH:
            notes.append(f"@{ref}: not followed, imports nest at most {MAX_IMPORT_DEPTH} deep")
            continue
        target = _resolve(ref, path.parent, home)
        why = _include(target, "import", path, depth + 1, home, seen, out)
        stripped = ref.rstrip(_TRAILING_PUNCTUATION)
        if why == "not found" and stripped and stripped != ref:
            # "see @docs/setup.md." at the end of a sentence
            why = _include(
                _resolve(stripped, path.parent, home), "import", path, depth + 1, home, seen, out
            )
        if why is not None and why != "already included":
            notes.append(f"@{ref}: {why}")
    if notes:
        out[index] = MemoryFile(path, text, kind, parent, tuple(notes))
    return None


def _imports(text: str) -> list[str]:
    """The ``@path`` references of a markdown text, outside code blocks and code spans."""
    kept: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        kept.append(line)
    prose = _CODE_SPAN.sub(" ", "\n".join(kept))
    refs: list[str] = []
    for m in _IMPORT.finditer(prose):
        ref = m.group(1).replace("\\ ", " ")
        if ref not in refs:
            refs.append(ref)
    return refs


def _resolve(ref: str, base: Path, home: Path) -> Path:
    if ref == "~" or ref.startswith("~/"):
        path = home / ref[2:]
    else:
        path = Path(ref)
        if not path.is_absolute():
            path = base / path
    return Path(os.path.normpath(path))
