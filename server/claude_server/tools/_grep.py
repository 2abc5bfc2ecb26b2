"""``Grep``: search file contents with ripgrep."""

from __future__ import annotations

import asyncio
import os
import re
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolError, ToolResult
from claude_server.tools._common import BaseTool, ToolInput, search_root
from claude_server.tools._ripgrep import run_ripgrep

MAX_OUTPUT_CHARS = 30_000
MAX_COLUMNS = 500
"""Longer lines (minified code) are shown as a preview of this many characters."""

OutputMode = Literal["content", "files_with_matches", "count"]


class GrepInput(ToolInput):
    """Input of ``Grep``."""

    pattern: str = Field(
        description="The regular expression to search for (ripgrep's Rust regex syntax)."
    )
    path: str | None = Field(
        default=None,
        description="The file or directory to search in (default: the project directory).",
    )
    glob: str | None = Field(
        default=None,
        description='Only search files whose names match this glob, e.g. "*.js" or "*.{ts,tsx}".',
    )
    type: str | None = Field(
        default=None,
        description='Only search files of this ripgrep type, e.g. "py", "js", "rust", "go".',
    )
    output_mode: OutputMode = Field(
        default="files_with_matches",
        description=(
            '"content" shows matching lines, "files_with_matches" (the default) lists the '
            'files that match, "count" shows the number of matching lines per file.'
        ),
    )
    case_insensitive: bool | None = Field(
        default=None, alias="-i", description="Case-insensitive search."
    )
    line_numbers: bool | None = Field(
        default=None,
        alias="-n",
        description="Show line numbers (content mode only; default true).",
    )
    after: int | None = Field(
        default=None, ge=0, alias="-A", description="Lines to show after each match (content mode)."
    )
    before: int | None = Field(
        default=None,
        ge=0,
        alias="-B",
        description="Lines to show before each match (content mode).",
    )
    context: int | None = Field(
        default=None,
        ge=0,
        alias="-C",
        description="Lines to show before and after each match (content mode).",
    )
    multiline: bool | None = Field(
        default=None,
        description="Let patterns span lines (`.` also matches newlines). Default false.",
    )
    head_limit: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Return only the first N results: lines in content mode, files or counts otherwise."
        ),
    )


def _build_args(inp: GrepInput, target: str) -> list[str]:
    args = ["--hidden", "--glob", "!.git", "--color", "never"]
    args += ["--max-columns", str(MAX_COLUMNS), "--max-columns-preview"]
    if inp.case_insensitive:
        args.append("--ignore-case")
    if inp.multiline:
        args += ["--multiline", "--multiline-dotall"]
    if inp.type:
        args += ["--type", inp.type]
    if inp.glob:
        args += _glob_args(inp.glob.split())
    if inp.output_mode == "files_with_matches":
        args.append("--files-with-matches")
    elif inp.output_mode == "count":
        args += ["--count", "--with-filename"]
    else:
        args += ["--no-heading", "--with-filename"]
        if inp.line_numbers is not False:
            args.append("--line-number")
        if inp.context is not None:
            args += ["--context", str(inp.context)]
        if inp.after is not None:
            args += ["--after-context", str(inp.after)]
        if inp.before is not None:
            args += ["--before-context", str(inp.before)]
    return [*args, "--regexp", inp.pattern, "--", target]


def _glob_args(globs: list[str]) -> list[str]:
    """ripgrep filters for file-name globs (several may come separated by spaces).

    A ``--glob`` overrides .gitignore for the files it matches, so a plain name glob such as
    ``*.py`` becomes a custom file type instead, which keeps ignored files out. Globs with a
    directory part stay ``--glob``.
    """
    args: list[str] = []
    for glob in globs:
        negated = glob.startswith("!")
        body = glob[1:] if negated else glob
        if "/" in body:
            args += ["--glob", glob]
            continue
        name = "claudeskip" if negated else "claudeglob"
        args += ["--type-add", f"{name}:{body}"]
        flag = ["--type-not", name] if negated else ["--type", name]
        if flag[1] not in args:  # several globs of one kind add up within one type
            args += flag
    return args


def _bad_pattern(stderr: str) -> bool:
    return "regex parse error" in stderr or "error parsing regex" in stderr


def _by_mtime(paths: list[str]) -> list[str]:
    def mtime(path: str) -> float:
        try:
            return os.stat(path).st_mtime
        except OSError:
            return 0.0

    return sorted(paths, key=lambda p: (-mtime(p), p))


def _limit(items: list[str], head_limit: int | None) -> tuple[list[str], str]:
    if head_limit is None or len(items) <= head_limit:
        return items, ""
    return items[:head_limit], f"(Showing the first {head_limit} of {len(items)} results.)"


class GrepTool(BaseTool[GrepInput]):
    """Searches file contents for a regular expression with ripgrep."""

    name = "Grep"
    aliases: ClassVar[tuple[str, ...]] = ("grep",)
    input_model: ClassVar[type[BaseModel]] = GrepInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Searches file contents with ripgrep. Always use it for content searches instead of running \
grep or rg through Bash: it is faster and its output is shaped for you.

- pattern is a regular expression in ripgrep's (Rust) syntax, e.g. "log.*Error" or \
"def\\s+\\w+". Escape literal braces and parentheses: "interface\\{\\}" finds `interface{}`. \
Lookaround and backreferences are not supported.
- Narrow the search with path, glob (e.g. "*.py", "*.{ts,tsx}") or type (e.g. "py", "js").
- output_mode: "files_with_matches" (default) lists matching files, most recently modified \
first; "content" shows the matching lines (with -n line numbers, and -A/-B/-C context lines); \
"count" shows matching lines per file. head_limit keeps only the first N results.
- -i makes the search case-insensitive. By default a match stays within one line; set \
multiline to true for patterns that span lines.
- Files ignored by .gitignore are skipped; hidden files are searched.
"""

    def describe(self, tool_input: GrepInput) -> str:
        where = f" in {tool_input.path}" if tool_input.path else ""
        return f"Grep {tool_input.pattern!r}{where}"

    async def execute(self, tool_input: GrepInput, ctx: ToolContext) -> ToolResult:
        root = search_root(tool_input.path, ctx)
        if not tool_input.pattern:
            raise ToolError("The pattern is empty; give a regular expression to search for.")
        args = _build_args(tool_input, str(root))
        out = await run_ripgrep(args, root if root.is_dir() else root.parent)
        if out.code == 2 and not out.stdout:
            if _bad_pattern(out.stderr):
                raise ToolError(
                    f"Invalid regular expression {tool_input.pattern!r}:\n{out.stderr}\n"
                    "Grep uses ripgrep's Rust regex syntax: escape literal braces and "
                    "parentheses; lookaround and backreferences are not supported."
                )
            raise ToolError(f"The search failed: {out.stderr}")
        lines = out.stdout.splitlines()
        if not lines:
            return ToolResult(content=f"No matches found for {tool_input.pattern!r} in {root}.")

        notes: list[str] = []
        if out.code == 2 and out.stderr:
            notes.append(f"(Some files could not be searched: {out.stderr.splitlines()[0]})")
        if out.truncated:
            notes.append("(ripgrep's output was too large and was cut; narrow the search.)")

        mode = tool_input.output_mode
        if mode == "files_with_matches":
            files = await asyncio.to_thread(_by_mtime, lines)
            shown, note = _limit(files, tool_input.head_limit)
            text = f"Found {len(files)} file{'s' if len(files) != 1 else ''}\n" + "\n".join(shown)
        elif mode == "count":
            shown, note = _limit(lines, tool_input.head_limit)
            total = 0
            for line in lines:
                count = re.search(r":(\d+)$", line)
                total += int(count.group(1)) if count else 0
            text = "\n".join(shown) + (
                f"\n\nFound {total} matching line{'s' if total != 1 else ''} in {len(lines)} "
                f"file{'s' if len(lines) != 1 else ''}."
            )
        else:
            shown, note = _limit(lines, tool_input.head_limit)
            text = "\n".join(shown)
        if note:
            notes.append(note)
        if len(text) > MAX_OUTPUT_CHARS:
            rest = len(text) - MAX_OUTPUT_CHARS
            text = text[:MAX_OUTPUT_CHARS].rsplit("\n", 1)[0]
            notes.append(
                f"(Output cut: {rest} more characters. Narrow the search with path, glob, "
                "type or head_limit.)"
            )
        if notes:
            text += "\n\n" + "\n".join(notes)
        # Its first line already says what was found ("Found 3 files"); clients show it too.
        return ToolResult(content=text, display=[TextDisplay(text=text)])
