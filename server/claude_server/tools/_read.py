"""``Read``: a window of a text file with line numbers, or an image or PDF for the model to see."""

from __future__ import annotations

import asyncio
import base64
import os
import stat as stat_module
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from pydantic import BaseModel, Field

from claude_server.model import (
    PermissionLevel,
    TextDisplay,
    ToolContext,
    ToolError,
    ToolResult,
)
from claude_server.tools._common import BaseTool, ToolInput, absolute_path
from claude_server.tools._file_state import record_read

DEFAULT_LIMIT = 2000
MAX_LINE_CHARS = 2000
MAX_OUTPUT_CHARS = 100_000
"""A window stops early rather than return more than this (about 25k tokens)."""
MAX_IMAGE_BYTES = 3_750_000
"""The API takes images up to 5 MB of base64, which is this many raw bytes."""
MAX_PDF_BYTES = 20_000_000
_LINE_READ_BYTES = MAX_LINE_CHARS * 4  # enough bytes for MAX_LINE_CHARS of any UTF-8 text
_SNIFF_BYTES = 8192


class ReadInput(ToolInput):
    """Input of ``Read``."""

    file_path: str = Field(description="The absolute path of the file to read.")
    offset: int | None = Field(
        default=None,
        ge=0,
        description=(
            "The line number to start reading from (1-based). Only needed for files too long "
            "to read at once."
        ),
    )
    limit: int | None = Field(
        default=None,
        ge=1,
        description=f"How many lines to read (default {DEFAULT_LIMIT}).",
    )


def _media_type(head: bytes) -> str | None:
    """The image or PDF type of a file, from its first bytes (extensions lie)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


@dataclass(slots=True)
class _Window:
    lines: list[str] = field(default_factory=list)
    total: int = 0
    """Lines in the whole file."""
    cut_lines: int = 0
    stopped_at: int | None = None
    """The last line shown when the character budget ended the window early."""


def _physical_lines(f: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """Each line's first bytes, and whether the line was longer (its rest is skipped).

    Reading in bounded pieces keeps a huge single-line file (minified code, a data dump) from
    being loaded whole.
    """
    while chunk := f.readline(_LINE_READ_BYTES):
        if chunk.endswith(b"\n") or len(chunk) < _LINE_READ_BYTES:
            yield chunk, False
            continue
        while more := f.readline(1 << 16):
            if more.endswith(b"\n"):
                break
        yield chunk, True


def _read_window(path: Path, start: int, limit: int) -> _Window:
    window = _Window()
    chars = 0
    with path.open("rb") as f:
        for number, (raw, longer) in enumerate(_physical_lines(f), 1):
            window.total = number
            if number < start or len(window.lines) >= limit or window.stopped_at is not None:
                continue
            line = raw.decode("utf-8", "replace").rstrip("\n").removesuffix("\r")
            if longer or len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + f" … [line cut at {MAX_LINE_CHARS} characters]"
                window.cut_lines += 1
            entry = f"{number:>6}\t{line}"
            if window.lines and chars + len(entry) > MAX_OUTPUT_CHARS:
                window.stopped_at = number - 1
                continue
            chars += len(entry) + 1
            window.lines.append(entry)
    return window


def _similar_names(path: Path) -> list[str]:
    parent = path.parent
    if not parent.is_dir():
        return []
    try:
        names = [p for p in parent.iterdir() if p.name != path.name]
    except OSError:
        return []
    wanted = {path.name.lower(), path.stem.lower()}
    return sorted(str(p) for p in names if p.name.lower() in wanted or p.stem.lower() in wanted)[:3]


def _missing(path: Path, ctx: ToolContext) -> ToolError:
    hint = ""
    similar = _similar_names(path)
    if similar:
        hint = f" Did you mean {' or '.join(similar)}?"
    return ToolError(
        f"File does not exist: {path}.{hint} The project directory is {ctx.cwd}; "
        "use Glob to find files by name."
    )


class ReadTool(BaseTool[ReadInput]):
    """Reads a file: numbered lines of text, or an image or PDF as a content block."""

    name = "Read"
    aliases: ClassVar[tuple[str, ...]] = ("read", "file_read")
    input_model: ClassVar[type[BaseModel]] = ReadInput
    permission = PermissionLevel.READ_ONLY
    description = f"""\
Reads a file from the local filesystem. file_path must be an absolute path.

- By default it returns up to {DEFAULT_LIMIT} lines from the start of the file. For long files, \
pass offset (1-based line number) and limit to read a window; the result says how to continue.
- Lines come numbered like `cat -n`: the line number, a tab, then the line. The number and tab \
are not part of the file: leave them out of old_string when you Edit.
- Lines longer than {MAX_LINE_CHARS} characters are cut.
- Images (PNG, JPEG, GIF, WebP) are shown to you as images, and PDFs as documents.
- It reads files only; list a directory with Bash `ls`, find files with Glob.
- Read every file you intend to Edit or overwrite first. When several files may be useful, \
read them in parallel in one response.
"""

    def describe(self, tool_input: ReadInput) -> str:
        text = f"Read {tool_input.file_path}"
        if tool_input.offset or tool_input.limit:
            start = max(tool_input.offset or 1, 1)
            end = start + (tool_input.limit or DEFAULT_LIMIT) - 1
            text += f" (lines {start}-{end})"
        return text

    async def execute(self, tool_input: ReadInput, ctx: ToolContext) -> ToolResult:
        path = absolute_path(tool_input.file_path, ctx)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise _missing(path, ctx) from None
        except OSError as exc:
            raise ToolError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        if stat_module.S_ISDIR(stat.st_mode):
            raise ToolError(
                f"{path} is a directory, not a file. List it with Bash `ls`, or find files in "
                "it with Glob."
            )
        if not stat_module.S_ISREG(stat.st_mode):
            # A FIFO or device could block the read forever or never end.
            raise ToolError(f"{path} is not a regular file (a pipe, socket or device).")
        try:
            with path.open("rb") as f:
                head = f.read(_SNIFF_BYTES)
        except OSError as exc:
            raise ToolError(f"Cannot read {path}: {exc.strerror or exc}") from exc

        media_type = _media_type(head)
        if media_type is not None:
            result = await asyncio.to_thread(_read_media, path, media_type, stat)
            record_read(ctx.state, path, stat)
            return result
        if b"\0" in head:
            raise ToolError(
                f"{path} is a binary file; Read shows text, images and PDFs only. Inspect it "
                "with Bash (`file`, `xxd | head`) if you need to."
            )
        record_read(ctx.state, path, stat)
        if stat.st_size == 0:
            return ToolResult(content=f"(The file {path} exists but is empty.)")

        start = max(tool_input.offset or 1, 1)
        limit = tool_input.limit or DEFAULT_LIMIT
        try:
            window = await asyncio.to_thread(_read_window, path, start, limit)
        except OSError as exc:
            raise ToolError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        if not window.lines:
            return ToolResult(
                content=(
                    f"(The file {path} has {window.total} lines; offset {start} is past its "
                    "end. Call Read with a smaller offset.)"
                )
            )
        last = window.stopped_at or start + len(window.lines) - 1
        notes: list[str] = []
        if window.stopped_at is not None:
            notes.append(
                f"(Stopped at line {last} to keep the result under {MAX_OUTPUT_CHARS} "
                f"characters; the file has {window.total} lines. Call Read with "
                f"offset={last + 1} to continue.)"
            )
        elif start > 1 or last < window.total:
            notes.append(
                f"(Showing lines {start}-{last} of {window.total}."
                + (
                    f" Call Read with offset={last + 1} to read more.)"
                    if last < window.total
                    else ")"
                )
            )
        if window.cut_lines:
            notes.append(
                f"({window.cut_lines} line(s) longer than {MAX_LINE_CHARS} characters were cut; "
                "use Bash to see them whole if needed.)"
            )
        text = "\n".join(window.lines)
        if notes:
            text += "\n\n" + "\n".join(notes)
        return ToolResult(
            content=text,
            display=[TextDisplay(text=_read_line(start, last, window.total))],
        )


def _read_line(start: int, last: int, total: int) -> str:
    # Claude Code's collapsed line: "Read 40 lines", with the range when only part was read.
    count = max(0, last - start + 1)
    line = f"Read {count} line{'s' * (count != 1)}"
    return line if count == total else f"{line} ({start}-{last} of {total})"


def _read_media(path: Path, media_type: str, stat: os.stat_result) -> ToolResult:
    limit = MAX_PDF_BYTES if media_type == "application/pdf" else MAX_IMAGE_BYTES
    if stat.st_size > limit:
        raise ToolError(
            f"{path} is too large to show ({stat.st_size / 1e6:.1f} MB; the limit is "
            f"{limit / 1e6:.2f} MB). Make a smaller copy with Bash (for an image, e.g. "
            "ImageMagick `convert -resize 50%`) and Read that."
        )
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    kind = "document" if media_type == "application/pdf" else "image"
    block: dict[str, Any] = {
        "type": kind,
        "source": {"type": "base64", "media_type": media_type, "data": data},
    }
    return ToolResult(
        content=[block],
        display=[TextDisplay(text=f"Read {kind} {path.name} ({stat.st_size / 1024:.1f} KB)")],
    )
