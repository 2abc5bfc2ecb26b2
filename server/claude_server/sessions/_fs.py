"""File-level helpers of the session store: names, private files, JSON lines."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claude_server.config import ensure_private_dir
from claude_server.errors import SessionError

_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_UNSAFE = re.compile(r"[^A-Za-z0-9]")

SESSION_SUFFIX = ".jsonl"
FILES_SUFFIX = ".files"


def valid_session_id(session_id: str) -> bool:
    """Whether ``session_id`` can name a session file (letters, digits, ``-``, ``_``)."""
    return _ID_RE.fullmatch(session_id) is not None


def check_session_id(session_id: str) -> str:
    """``session_id`` unchanged, or :class:`SessionError` when it could escape its folder."""
    if not valid_session_id(session_id):
        raise SessionError(
            f"invalid session id {session_id!r}: use letters, digits, '-' and '_' (at most 128)"
        )
    return session_id


def project_key(cwd: str) -> str:
    """The folder name of a project: readable like Claude Code's, plus a hash against clashes.

    ``/home/me/my.app`` becomes ``-home-me-my-app-<10 hex>``: Claude Code's encoding maps
    ``/home/me/my.app`` and ``/home/me/my-app`` to the same name; the hash keeps them apart.
    """
    normalized = os.path.normpath(cwd) if cwd else cwd
    readable = _UNSAFE.sub("-", normalized)[-80:]  # the tail names the project; keep it
    digest = hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{readable}-{digest}"


def private_dir(path: Path) -> Path:
    """Create ``path`` as a 0700 directory (parents too) and return it."""
    return ensure_private_dir(path)


def open_private(path: Path, *, create: bool) -> int:
    """An appending descriptor on ``path``; a new file is made 0600 from the start.

    The mode is given to ``open`` itself so the file is never readable by others, not even
    between creating it and a later chmod. It can read too: a writer whose file was deleted
    under it reads its content back from the descriptor to write it again.
    """
    flags = os.O_RDWR | os.O_APPEND | os.O_CLOEXEC
    if create:
        flags |= os.O_CREAT | os.O_EXCL
    return os.open(path, flags, 0o600)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (a regular file may take a huge buffer in several writes)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_all(fd: int) -> bytes:
    """Everything in the file open on ``fd``, from its start (the offset is left alone)."""
    chunks: list[bytes] = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def write_private_file(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with ``data``, as a 0600 file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def dumps_line(record: dict[str, Any]) -> bytes:
    """One record as a compact JSON line, newline included.

    Text stays readable UTF-8; a string Python can hold but UTF-8 cannot (a lone surrogate from
    undecodable tool output) falls back to ASCII escapes for that one line, which JSON can carry.
    """
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record, separators=(",", ":")).encode("ascii") + b"\n"


def now_iso() -> str:
    """The current UTC time as ISO 8601 with milliseconds and a ``Z``."""
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    """``moment`` as ISO 8601 UTC with milliseconds and a ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: Any) -> datetime | None:
    """A datetime from an ISO 8601 string (``Z`` allowed), or ``None``."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def from_timestamp(seconds: float) -> datetime:
    """A UTC datetime from a POSIX timestamp."""
    return datetime.fromtimestamp(seconds, UTC)
