"""``@path`` references in a prompt, pinned files, and images a client attaches.

Syntax of a reference:

- ``@path``, ``@"path with spaces"`` (or single quotes), then optionally ``#10-20``, ``#10``,
  ``#10-`` (to the end) or the ``#L10-L20`` form editors produce;
- it starts at the beginning of the text or after whitespace or an opening bracket, so
  ``a@b.com`` and ``user@host`` are not references;
- inside inline code (`` `@x` ``) or a fenced code block it is not a reference;
- trailing punctuation (``@main.py,``) is dropped when the path does not exist with it;
- ``@name:...`` (an MCP resource) is left alone;
- relative paths are taken from the working directory; ``~/`` is the home directory.

A reference that does not resolve stays in the text as typed. It is reported as a warning when it
looks like a path (it has ``/``, ``.``, ``~``, quotes or a line range); a bare ``@alice`` is just
a mention. The text itself is never rewritten: the attachments carry the content, each labelled
with the path as typed, and are placed before the text (context first, then the request).
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from claude_server.errors import CommandError
from claude_server.model import DocumentBlock, ImageBlock, TextBlock

MAX_LINES = 2000
"""Lines of a file attached at most (the rest is announced as truncated)."""
MAX_LINE_CHARS = 2000
"""Characters of one line kept at most."""
MAX_TEXT_CHARS = 256_000
"""Characters of one attached file at most."""
MAX_DIRECTORY_ENTRIES = 200
MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""The Messages API refuses larger images."""
MAX_PDF_BYTES = 32 * 1024 * 1024
_COUNT_LIMIT_BYTES = 8 * 1024 * 1024

_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_media_type(data: bytes) -> str | None:
    """``image/png``, ``image/jpeg``, ``image/gif`` or ``image/webp`` by magic bytes, else None."""
    for signature, media_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return media_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_block(data: bytes) -> dict[str, Any]:
    """An API image block (base64) for image bytes a client attached.

    Raises :class:`CommandError` when the bytes are not PNG, JPEG, GIF or WebP, or too large.
    """
    media_type = image_media_type(data)
    if media_type is None:
        raise CommandError("the attachment is not a PNG, JPEG, GIF or WebP image")
    if len(data) > MAX_IMAGE_BYTES:
        raise CommandError(
            f"the image is {len(data) // 1024} KiB; images up to "
            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MiB can be sent"
        )
    source = {"type": "base64", "media_type": media_type, "data": base64.b64encode(data).decode()}
    return ImageBlock(source=source).to_api()


def image_block_from_base64(data: str) -> dict[str, Any]:
    """Like :func:`image_block` for base64 text (what clients send over JSON-RPC)."""
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise CommandError("the attachment is not valid base64") from None
    return image_block(raw)


# --- finding references ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One ``@`` reference found in a text."""

    start: int
    end: int
    """Offsets of the whole token (``@`` to the end of the range) in the text."""
    path: str
    """The path as typed, without quotes or range."""
    quoted: bool
    line_start: int | None = None
    line_end: int | None = None
    """Inclusive; ``None`` with a ``line_start`` means to the end of the file."""

    @property
    def has_range(self) -> bool:
        """Whether a line range was given."""
        return self.line_start is not None

    @property
    def looks_like_path(self) -> bool:
        """Whether a miss is worth a warning (a bare ``@word`` may be a mention)."""
        return self.quoted or self.has_range or any(c in self.path for c in "/.~")


_RANGE = r"(?:#L?(?P<a>\d+)(?:(?P<dash>-)L?(?P<b>\d+)?)?)?"
_REFERENCE = re.compile(
    r"(?:^|(?<=[\s(\[{]))@"
    rf"(?:\"(?P<dq>[^\"\n]+)\"|'(?P<sq>[^'\n]+)'|(?P<bare>[^\s\"'`#]+)){_RANGE}"
)
_MCP_RESOURCE = re.compile(r"[A-Za-z0-9_.-]+:")
_TRAILING_PUNCTUATION = ".,;:!?)]}>"


def find_references(text: str) -> list[Reference]:
    """Every ``@`` reference outside code, in order (see the module docstring for the syntax)."""
    code = _code_spans(text)
    found: list[Reference] = []
    for match in _REFERENCE.finditer(text):
        if any(a <= match.start() < b for a, b in code):
            continue
        quoted = match.group("bare") is None
        path = match.group("dq") or match.group("sq") or match.group("bare") or ""
        if not quoted and _MCP_RESOURCE.match(path):
            continue
        a, b = match.group("a"), match.group("b")
        line_start = int(a) if a else None
        line_end = int(b) if b else (None if match.group("dash") else line_start)
        found.append(Reference(match.start(), match.end(), path, quoted, line_start, line_end))
    return found


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Offsets covered by fenced code blocks and inline code spans."""
    spans: list[tuple[int, int]] = []
    offset = 0
    fence: str | None = None
    fence_start = 0
    prose: list[tuple[int, str]] = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if fence is None and marker:
            fence, fence_start = marker.group(1), offset
        elif (
            fence is not None
            and stripped.rstrip().startswith(fence)
            and not stripped.strip(fence[0]).strip()
        ):
            spans.append((fence_start, offset + len(line)))
            fence = None
        elif fence is None:
            prose.append((offset, line))
        offset += len(line)
    if fence is not None:
        spans.append((fence_start, len(text)))  # an unclosed fence runs to the end
    for start, line in prose:
        # Inline code may not span lines here; a simplification that errs towards expanding.
        for match in re.finditer(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", line):
            spans.append((start + match.start(), start + match.end()))
    return spans


# --- attachments -------------------------------------------------------------------------------

AttachmentKind = Literal["file", "directory", "image", "document"]


@dataclass(frozen=True)
class Attachment:
    """The content a reference or a pin adds to a message."""

    kind: AttachmentKind
    path: Path
    """Resolved absolute path."""
    display: str
    """The path as the user typed it (what the blocks are labelled with)."""
    blocks: tuple[dict[str, Any], ...]
    """API content blocks."""
    line_start: int | None = None
    line_end: int | None = None
    truncated: bool = False
    pinned: bool = False


@dataclass(frozen=True)
class ExpandedPrompt:
    """A prompt with its references resolved."""

    text: str
    """The prompt as typed (references are not rewritten)."""
    references: tuple[Reference, ...]
    attachments: tuple[Attachment, ...]
    warnings: tuple[str, ...]

    def content_blocks(self) -> list[dict[str, Any]]:
        """API content blocks for the user message: attachments first, then the text."""
        blocks = [block for attachment in self.attachments for block in attachment.blocks]
        if self.text:
            blocks.append(TextBlock(text=self.text).to_api())
        return blocks


def resolve_path(typed: str, cwd: Path, *, home: Path) -> Path:
    """An absolute path for what the user typed: ``~/`` is home, relative is from ``cwd``."""
    if typed == "~" or typed.startswith("~/"):
        path = home / typed[2:]
    else:
        path = Path(typed)
        if not path.is_absolute():
            path = cwd / path
    return Path(os.path.normpath(path))


def expand_references(
    text: str, cwd: Path, *, home: Path, pins: Pins | None = None
) -> ExpandedPrompt:
    """Resolve the ``@`` references of ``text`` (and the pinned files) into attachments.

    Never raises for a missing or unreadable file: it becomes a warning.
    """
    warnings: list[str] = []
    attachments: list[Attachment] = []
    seen: set[tuple[Path, int | None, int | None]] = set()
    if pins is not None:
        for pin in pins.list():
            key: tuple[Path, int | None, int | None] = (pin.path, None, None)
            if key in seen:
                continue
            seen.add(key)
            if not pin.path.exists():
                warnings.append(f"pinned file {pin.display} no longer exists")
                continue
            attachment, warning = _attach(pin.path, pin.display, None, None, pinned=True)
            if warning:
                warnings.append(warning)
            if attachment is not None:
                attachments.append(attachment)
    references = find_references(text)
    for ref in references:
        path, display = _locate(ref, cwd, home)
        if path is None:
            if ref.looks_like_path:
                warnings.append(f"@{ref.path}: no such file or directory")
            continue
        key = (path, ref.line_start, ref.line_end)
        if key in seen:
            continue
        seen.add(key)
        attachment, warning = _attach(path, display, ref.line_start, ref.line_end)
        if warning:
            warnings.append(warning)
        if attachment is not None:
            attachments.append(attachment)
    return ExpandedPrompt(text, tuple(references), tuple(attachments), tuple(warnings))


def _locate(ref: Reference, cwd: Path, home: Path) -> tuple[Path | None, str]:
    candidates = [ref.path]
    if not ref.quoted and not ref.has_range:
        trimmed = ref.path.rstrip(_TRAILING_PUNCTUATION)
        if trimmed and trimmed != ref.path:
            candidates.append(trimmed)
    for typed in candidates:
        path = resolve_path(typed, cwd, home=home)
        if path.exists():
            return path, typed
    return None, ref.path


def _attach(
    path: Path,
    display: str,
    line_start: int | None,
    line_end: int | None,
    *,
    pinned: bool = False,
) -> tuple[Attachment | None, str | None]:
    """The attachment for one path, or a warning saying why there is none."""
    try:
        if path.is_dir():
            if line_start is not None:
                return None, f"@{display}: a directory has no lines"
            return _directory(path, display, pinned), None
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        return None, f"@{display}: cannot be read ({exc.strerror or exc})"
    media_type = image_media_type(head)
    if media_type is not None or head.startswith(b"%PDF-"):
        if line_start is not None:
            return None, f"@{display}: a line range applies to text files only"
        return _binary(path, display, media_type, pinned)
    if b"\0" in head:
        return None, f"@{display}: binary file, not attached"
    return _text(path, display, line_start, line_end, pinned)


def _text(
    path: Path, display: str, line_start: int | None, line_end: int | None, pinned: bool
) -> tuple[Attachment | None, str | None]:
    first = line_start or 1
    if first < 1 or (line_end is not None and line_end < first):
        return None, f"@{display}#{line_start}-{line_end}: the range is empty"
    shown: list[str] = []
    chars = 0
    total = 0
    scanned = 0
    truncated = False
    complete_count = True
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, raw in enumerate(handle, start=1):
                total = number
                scanned += len(raw)
                if not truncated and number >= first and (line_end is None or number <= line_end):
                    line = raw.rstrip("\n")
                    if len(line) > MAX_LINE_CHARS:
                        line = line[:MAX_LINE_CHARS] + " [line truncated]"
                    if len(shown) >= MAX_LINES or chars + len(line) > MAX_TEXT_CHARS:
                        truncated = True
                    else:
                        shown.append(f"{number:>6}\t{line}")
                        chars += len(line) + 8
                done = truncated or (line_end is not None and number >= line_end)
                # Past what is shown we only count lines, and only up to a bound.
                if done and scanned > _COUNT_LIMIT_BYTES:
                    complete_count = False
                    break
    except OSError as exc:
        return None, f"@{display}: cannot be read ({exc.strerror or exc})"
    if line_start is not None and first > total and complete_count:
        return None, f"@{display}: line {first} is past the end (the file has {total} lines)"
    last = first + len(shown) - 1
    of_total = f"{total}" if complete_count else f"more than {total}"
    attrs = f'path="{display}"'
    if line_start is not None or truncated:
        attrs += f' lines="{first}-{max(last, first)}" of="{of_total}"'
    note = ""
    if truncated:
        note = (
            f"\n[truncated: showed lines {first}-{last} of {of_total}; "
            "read the file in parts for the rest]"
        )
    body = "\n".join(shown)
    text = f"<file {attrs}>\n{body}{note}\n</file>" if body else f"<file {attrs}>\n(empty)\n</file>"
    return (
        Attachment(
            "file",
            path,
            display,
            (TextBlock(text=text).to_api(),),
            line_start=line_start,
            line_end=line_end,
            truncated=truncated,
            pinned=pinned,
        ),
        None,
    )


def _directory(path: Path, display: str, pinned: bool) -> Attachment:
    with os.scandir(path) as scan:
        names = sorted(f"{e.name}/" if e.is_dir() else e.name for e in scan)
    shown = names[:MAX_DIRECTORY_ENTRIES]
    more = len(names) - len(shown)
    listing = "\n".join(shown) if shown else "(empty)"
    if more:
        listing += f"\n[... and {more} more entries]"
    label = display if display.endswith("/") else f"{display}/"
    text = f'<directory path="{label}">\n{listing}\n</directory>'
    return Attachment(
        "directory",
        path,
        display,
        (TextBlock(text=text).to_api(),),
        truncated=more > 0,
        pinned=pinned,
    )


def _binary(
    path: Path, display: str, media_type: str | None, pinned: bool
) -> tuple[Attachment | None, str | None]:
    limit = MAX_IMAGE_BYTES if media_type else MAX_PDF_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            return None, f"@{display}: {size // 1024} KiB is too large to attach"
        data = base64.b64encode(path.read_bytes()).decode()
    except OSError as exc:
        return None, f"@{display}: cannot be read ({exc.strerror or exc})"
    label = TextBlock(text=f'<attachment path="{display}"/>').to_api()
    if media_type is not None:
        source = {"type": "base64", "media_type": media_type, "data": data}
        block = ImageBlock(source=source).to_api()
        kind: AttachmentKind = "image"
    else:
        source = {"type": "base64", "media_type": "application/pdf", "data": data}
        block = DocumentBlock(source=source).to_api()
        kind = "document"
    return Attachment(kind, path, display, (label, block), pinned=pinned), None


# --- pins --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """A file pinned to every message."""

    path: Path
    display: str


class Pins:
    """The files ``/add`` pinned; rendered into each message like ``@`` references."""

    def __init__(self, cwd: Path, *, home: Path, paths: Iterable[str] = ()) -> None:
        self.cwd = cwd
        self.home = home
        self._pins: dict[Path, Pin] = {}
        for typed in paths:
            path = resolve_path(typed, cwd, home=home)
            self._pins.setdefault(path, Pin(path, typed))

    def add(self, typed: str) -> Pin:
        """Pin a file or directory; raises :class:`CommandError` if it does not exist."""
        typed = _unquote(typed.strip())
        if not typed:
            raise CommandError("name a file to pin: /add <path>")
        path = resolve_path(typed, self.cwd, home=self.home)
        if not path.exists():
            raise CommandError(f"cannot pin {typed}: no such file or directory ({path})")
        pin = self._pins.setdefault(path, Pin(path, typed))
        return pin

    def remove(self, typed: str) -> Pin:
        """Unpin; raises :class:`CommandError` if the path is not pinned."""
        typed = _unquote(typed.strip())
        path = resolve_path(typed, self.cwd, home=self.home)
        pin = self._pins.pop(path, None)
        if pin is None:
            raise CommandError(f"{typed} is not pinned")
        return pin

    def clear(self) -> None:
        """Unpin everything."""
        self._pins.clear()

    def list(self) -> list[Pin]:
        """The pins, in the order they were added."""
        return list(self._pins.values())

    def paths(self) -> Sequence[str]:
        """The pins as typed, to store with the session and give back to the constructor."""
        return [pin.display for pin in self._pins.values()]

    def __len__(self) -> int:
        return len(self._pins)

    def __contains__(self, typed: object) -> bool:
        if not isinstance(typed, str):
            return False
        return resolve_path(_unquote(typed), self.cwd, home=self.home) in self._pins


def _unquote(typed: str) -> str:
    if len(typed) >= 2 and typed[0] == typed[-1] and typed[0] in "\"'":
        return typed[1:-1]
    return typed
