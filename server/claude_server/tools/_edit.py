"""``Edit``: replace an exact piece of text in a file."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field

from claude_server.model import (
    DiffDisplay,
    PermissionLevel,
    ToolContext,
    ToolError,
    ToolResult,
)
from claude_server.tools._common import BaseTool, ToolInput, absolute_path
from claude_server.tools._file_state import check_unchanged, record_read
from claude_server.tools._write import write_text

SNIPPET_CONTEXT = 4
"""Lines shown around an edit in the result, so the model sees the outcome without a Read."""
_LINE_NUMBER_PREFIX = re.compile(r"^\s*\d+\t", re.MULTILINE)


class EditInput(ToolInput):
    """Input of ``Edit``."""

    file_path: str = Field(description="The absolute path of the file to change.")
    old_string: str = Field(
        description=(
            "The exact text to replace, including whitespace and indentation. Empty only to "
            "create a new file."
        )
    )
    new_string: str = Field(description="The text to put in its place (must differ).")
    replace_all: bool = Field(
        default=False,
        description="Replace every occurrence of old_string (default: exactly one must exist).",
    )


def _uniform_crlf(text: str) -> bool:
    """Whether every line break of ``text`` is CRLF (then edits are made in LF and converted)."""
    lf = text.count("\n")
    return lf > 0 and text.count("\r\n") == lf


def _snippet(text: str, first_line: int, last_line: int) -> str:
    lines = text.split("\n")
    start = max(first_line - SNIPPET_CONTEXT, 1)
    end = min(last_line + SNIPPET_CONTEXT, len(lines))
    return "\n".join(f"{n:>6}\t{lines[n - 1]}" for n in range(start, end + 1))


@dataclass(frozen=True, slots=True)
class _Plan:
    """An edit worked out and not yet written."""

    path: Path
    old_text: str
    new_text: str
    message: str


class EditTool(BaseTool[EditInput]):
    """Replaces one (or every) exact occurrence of a string in a file the model has read."""

    name = "Edit"
    aliases: ClassVar[tuple[str, ...]] = ("edit", "file_edit")
    input_model: ClassVar[type[BaseModel]] = EditInput
    permission = PermissionLevel.EDIT
    description = """\
Replaces exact text in a file: old_string becomes new_string. file_path must be absolute.

- Read the file first in this session; the edit is refused otherwise, and also when the file \
changed on disk since you read it.
- old_string must match the file exactly, whitespace and indentation included. Copy it from \
the Read output without the line-number prefix (the number and the tab before each line).
- The edit fails when old_string is not found, or when it occurs more than once: then add \
surrounding lines to make it unique, or set replace_all to change every occurrence (useful to \
rename a variable).
- The file's line endings are kept; write old_string and new_string with plain newlines.
- An empty old_string on a file that does not exist creates it with new_string as content.
"""

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """The file it writes."""
        return [self._typed(tool_input).file_path]

    def describe(self, tool_input: EditInput) -> str:
        return f"Edit {tool_input.file_path}"

    def check(self, tool_input: EditInput, ctx: ToolContext) -> None:
        """Every refusal of the edit itself (file not read, text not found...), without writing."""
        self._plan(tool_input, ctx)

    async def execute(self, tool_input: EditInput, ctx: ToolContext) -> ToolResult:
        plan = self._plan(tool_input, ctx)
        return await self._write(ctx, plan.path, plan.old_text, plan.new_text, plan.message)

    def _plan(self, tool_input: EditInput, ctx: ToolContext) -> _Plan:
        path = absolute_path(tool_input.file_path, ctx)
        old_string, new_string = tool_input.old_string, tool_input.new_string
        if old_string == new_string:
            raise ToolError(
                "old_string and new_string are identical, so there is nothing to change."
            )
        if not path.exists():
            if old_string:
                raise ToolError(
                    f"File does not exist: {path}. To create it, use Write (or Edit with an "
                    "empty old_string)."
                )
            return _Plan(path, "", new_string, f"Created {path}.")
        if path.is_dir():
            raise ToolError(f"{path} is a directory; give the path of a file to edit.")
        check_unchanged(ctx.state, path, path.stat(), "edit")
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ToolError(
                f"{path} is not UTF-8 text, so Edit cannot change it safely; use Bash instead."
            ) from None
        except OSError as exc:
            raise ToolError(f"Cannot read {path}: {exc.strerror or exc}") from exc

        if not old_string:
            if text.strip():
                raise ToolError(
                    f"{path} already exists and is not empty, so old_string cannot be empty. "
                    "Give the exact text to replace, or use Write to replace the whole file."
                )
            return _Plan(path, text, new_string, f"Wrote {path}.")

        crlf = _uniform_crlf(text)
        work = text.replace("\r\n", "\n") if crlf else text
        if crlf:
            old_string = old_string.replace("\r\n", "\n")
            new_string = new_string.replace("\r\n", "\n")
        count = work.count(old_string)
        if count == 0:
            hint = ""
            if _LINE_NUMBER_PREFIX.search(old_string):
                hint = (
                    " It looks like old_string contains the line numbers that Read adds; "
                    "leave them out."
                )
            raise ToolError(
                f"old_string was not found in {path}. It must match the file exactly, "
                f"including whitespace and indentation.{hint} Read the file again to see its "
                "current content."
            )
        if count > 1 and not tool_input.replace_all:
            raise ToolError(
                f"old_string occurs {count} times in {path}. Include more surrounding lines to "
                "make it unique, or set replace_all to true to replace every occurrence."
            )
        first = work.index(old_string)
        updated = (
            work.replace(old_string, new_string)
            if tool_input.replace_all
            else work.replace(old_string, new_string, 1)
        )
        first_line = work.count("\n", 0, first) + 1
        last_line = first_line + new_string.count("\n")
        replaced = f" ({count} occurrences replaced)" if tool_input.replace_all else ""
        message = (
            f"Edited {path}{replaced}. The changed part now reads (with line numbers):\n"
            + _snippet(updated, first_line, last_line)
        )
        new_text = updated.replace("\n", "\r\n") if crlf else updated
        return _Plan(path, text, new_text, message)

    async def _write(
        self, ctx: ToolContext, path: Path, old_text: str, new_text: str, message: str
    ) -> ToolResult:
        try:
            await asyncio.to_thread(write_text, path, new_text)
        except OSError as exc:
            raise ToolError(f"Cannot write {path}: {exc.strerror or exc}") from exc
        record_read(ctx.state, path, path.stat())
        return ToolResult(
            content=message,
            display=[DiffDisplay(path=str(path), old_text=old_text, new_text=new_text)],
        )
