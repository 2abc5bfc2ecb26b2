"""``Write``: create a file or replace its whole content."""

from __future__ import annotations

import asyncio
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


class WriteInput(ToolInput):
    """Input of ``Write``."""

    file_path: str = Field(description="The absolute path of the file to write.")
    content: str = Field(description="The complete content of the file.")


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 exactly as given (no newline translation), creating parents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # In place rather than replace-by-rename: keeps the file's mode, owner and hard links.
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


class WriteTool(BaseTool[WriteInput]):
    """Creates a file or overwrites one the model has read."""

    name = "Write"
    aliases: ClassVar[tuple[str, ...]] = ("write", "file_write")
    input_model: ClassVar[type[BaseModel]] = WriteInput
    permission = PermissionLevel.EDIT
    description = """\
Writes a file to the local filesystem, creating it (and its parent directories) or replacing \
its whole content. file_path must be an absolute path.

- To overwrite an existing file you must Read it first in this session; the write is refused \
otherwise, and also when the file changed on disk since you read it.
- To change part of an existing file, prefer Edit: it sends only the change.
- Do not create documentation files (README, *.md) unless the user asks for them.
"""

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """The file it writes."""
        return [self._typed(tool_input).file_path]

    def describe(self, tool_input: WriteInput) -> str:
        return f"Write {tool_input.file_path}"

    def check(self, tool_input: WriteInput, ctx: ToolContext) -> None:
        """A relative path, a directory, or a file not read (or changed since) is refused."""
        path = absolute_path(tool_input.file_path, ctx)
        if path.exists():
            if path.is_dir():
                raise ToolError(f"{path} is a directory; give the path of a file to write.")
            check_unchanged(ctx.state, path, path.stat(), "overwrite")

    async def execute(self, tool_input: WriteInput, ctx: ToolContext) -> ToolResult:
        self.check(tool_input, ctx)
        path = absolute_path(tool_input.file_path, ctx)
        old_text = ""
        existed = path.exists()
        if existed:
            old_text = path.read_bytes().decode("utf-8", "replace")
        try:
            await asyncio.to_thread(write_text, path, tool_input.content)
        except OSError as exc:
            raise ToolError(f"Cannot write {path}: {exc.strerror or exc}") from exc
        record_read(ctx.state, path, path.stat())
        lines = tool_input.content.count("\n") + (
            1 if tool_input.content and not tool_input.content.endswith("\n") else 0
        )
        verb = "Updated" if existed else "Created"
        return ToolResult(
            content=f"{verb} {path} ({lines} lines).",
            display=[DiffDisplay(path=str(path), old_text=old_text, new_text=tool_input.content)],
        )
