"""``Glob``: find files by name pattern, newest first, honouring .gitignore."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field

from claude_server.globs import glob_to_regex
from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolError, ToolResult
from claude_server.tools._common import BaseTool, ToolInput, search_root
from claude_server.tools._ripgrep import run_ripgrep

MAX_RESULTS = 100
_GLOB_CHARS = frozenset("*?[{")


class GlobInput(ToolInput):
    """Input of ``Glob``."""

    pattern: str = Field(
        description=(
            'The glob pattern, e.g. "**/*.py" or "src/**/*.{ts,tsx}". A pattern without "/" '
            'matches file names at any depth; start it with "./" to match only the top level.'
        )
    )
    path: str | None = Field(
        default=None,
        description=(
            "The directory to search in (default: the project directory). Omit it rather than "
            'passing "undefined" or "null".'
        ),
    )


def _split_absolute(pattern: str) -> tuple[Path | None, str]:
    """An absolute pattern's fixed leading directories, and the rest of the pattern."""
    if not pattern.startswith("/"):
        return None, pattern
    parts = pattern.split("/")
    fixed: list[str] = []
    for part in parts[:-1]:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    base = Path("/".join(fixed) or "/")
    # Keep it anchored: "/abs/dir/x.py" means that file, not every x.py below the directory.
    return base, "/" + "/".join(parts[len(fixed) :])


def _newest_first(root: Path, relative: list[str]) -> list[tuple[float, str]]:
    entries: list[tuple[float, str]] = []
    for rel in relative:
        full = os.path.join(root, rel)
        try:
            mtime = os.stat(full).st_mtime
        except OSError:
            continue
        entries.append((mtime, full))
    entries.sort(key=lambda e: (-e[0], e[1]))
    return entries


class GlobTool(BaseTool[GlobInput]):
    """Lists files matching a glob pattern, most recently modified first."""

    name = "Glob"
    aliases: ClassVar[tuple[str, ...]] = ("glob",)
    input_model: ClassVar[type[BaseModel]] = GlobInput
    permission = PermissionLevel.READ_ONLY
    description = f"""\
Finds files by name with a glob pattern such as "**/*.js" or "src/**/*.{{ts,tsx}}", in a \
project of any size. Returns absolute paths, most recently modified first, at most \
{MAX_RESULTS}.

- Files ignored by .gitignore (and the .git directory) are left out; hidden files are included.
- To search file contents, use Grep. For an open-ended search that needs several rounds of \
globbing and grepping, do them in parallel where you can.
"""

    def describe(self, tool_input: GlobInput) -> str:
        where = f" in {tool_input.path}" if tool_input.path else ""
        return f"Glob {tool_input.pattern}{where}"

    async def execute(self, tool_input: GlobInput, ctx: ToolContext) -> ToolResult:
        base, pattern = _split_absolute(tool_input.pattern)
        root = search_root(str(base) if base else tool_input.path, ctx)
        if not root.is_dir():
            raise ToolError(f"{root} is not a directory; path must be a directory to search in.")
        if not pattern.strip("/"):
            raise ToolError("The pattern is empty; give a glob such as **/*.py.")
        matcher = glob_to_regex(pattern)
        out = await run_ripgrep(["--files", "--hidden", "--glob", "!.git"], root)
        if out.code not in (0, 1) and not out.stdout:
            raise ToolError(f"Listing files under {root} failed: {out.stderr}")
        matches = [rel for rel in out.stdout.splitlines() if matcher.match(rel)]
        entries = await asyncio.to_thread(_newest_first, root, matches)
        if not entries:
            return ToolResult(content=f"No files found matching {tool_input.pattern} in {root}.")
        shown = [path for _, path in entries[:MAX_RESULTS]]
        text = "\n".join(shown)
        if len(entries) > MAX_RESULTS:
            text += (
                f"\n\n(Showing the {MAX_RESULTS} most recently modified of {len(entries)} "
                "matching files. Use a more specific pattern or path to see others.)"
            )
        found = f"Found {len(entries)} file{'s' * (len(entries) != 1)}"
        # The model gets the paths; a user sees the count first, as in Claude Code.
        return ToolResult(content=text, display=[TextDisplay(text=f"{found}\n{text}")])
