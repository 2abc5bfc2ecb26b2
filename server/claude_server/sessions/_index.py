"""The listing index: a cache of each session file's summary, kept up to date by reading tails.

Listing must not read every session in full. ``<root>/index.json`` remembers, per file, its
summary and how many bytes of it were read. Files only grow, so on the next listing a file whose
size and mtime are unchanged is not opened at all, and one that grew is read from where the last
scan stopped. The index is only a cache: the writer never touches it, a missing or damaged index
is rebuilt, and a file that shrank or was replaced is read again from the start.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_server.errors import SessionError
from claude_server.sessions._fs import SESSION_SUFFIX, valid_session_id, write_private_file
from claude_server.sessions._records import (
    FIRST_PROMPT_KEEP,
    first_text,
    loads,
    parse_meta,
    raw_message,
)

log = logging.getLogger(__name__)

INDEX_NAME = "index.json"
_INDEX_VERSION = 1
_READ_CHUNK = 1 << 20


@dataclass(slots=True)
class Entry:
    """What the index knows of one session file."""

    session_id: str
    rel_path: str
    size: int
    mtime_ns: int
    inode: int
    offset: int
    """Bytes read so far (always the end of a complete line)."""
    cwd: str
    created_at: str
    model: str
    title: str | None
    first_prompt: str | None
    roles: str
    """One letter per message of the conversation (``u``/``a``), after rewinds and compactions."""
    last_seq: int
    forked_from: str | None

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the index file."""
        return {
            "path": self.rel_path,
            "size": self.size,
            "mtimeNs": self.mtime_ns,
            "inode": self.inode,
            "offset": self.offset,
            "cwd": self.cwd,
            "createdAt": self.created_at,
            "model": self.model,
            "title": self.title,
            "firstPrompt": self.first_prompt,
            "roles": self.roles,
            "lastSeq": self.last_seq,
            "forkedFrom": self.forked_from,
        }

    @classmethod
    def from_json(cls, session_id: str, data: dict[str, Any]) -> Entry:
        """An entry read back from the index file (KeyError/TypeError when it is damaged)."""
        return cls(
            session_id=session_id,
            rel_path=str(data["path"]),
            size=int(data["size"]),
            mtime_ns=int(data["mtimeNs"]),
            inode=int(data["inode"]),
            offset=int(data["offset"]),
            cwd=str(data["cwd"]),
            created_at=str(data["createdAt"]),
            model=str(data["model"]),
            title=data["title"],
            first_prompt=data["firstPrompt"],
            roles=str(data["roles"]),
            last_seq=int(data["lastSeq"]),
            forked_from=data["forkedFrom"],
        )


class Index:
    """The cached summaries of every session file under ``root``. Not thread-safe by itself."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._path = root / INDEX_NAME
        self._entries: dict[str, Entry] | None = None
        self._dirty = False

    def _load(self) -> dict[str, Entry]:
        if self._entries is not None:
            return self._entries
        entries: dict[str, Entry] = {}
        try:
            data = json.loads(self._path.read_bytes())
            if data.get("version") == _INDEX_VERSION:
                for sid, item in data["sessions"].items():
                    entries[sid] = Entry.from_json(sid, item)
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("session index %s is unreadable (%s); rebuilding it", self._path, exc)
            entries = {}
        self._entries = entries
        return entries

    def save(self) -> None:
        """Write the index if anything changed (atomically; it is only a cache)."""
        if not self._dirty or self._entries is None:
            return
        payload = {
            "version": _INDEX_VERSION,
            "sessions": {sid: e.to_json() for sid, e in self._entries.items()},
        }
        try:
            write_private_file(self._path, json.dumps(payload, separators=(",", ":")).encode())
            self._dirty = False
        except OSError as exc:
            log.warning("could not save the session index %s: %s", self._path, exc)

    def get(self, session_id: str) -> Entry | None:
        """The cached entry of a session, possibly stale."""
        return self._load().get(session_id)

    def forget(self, session_id: str) -> None:
        """Drop a session's entry (it was deleted)."""
        if self._load().pop(session_id, None) is not None:
            self._dirty = True

    def refresh(self, project_dirs: list[Path]) -> list[Entry]:
        """Up-to-date entries of every session file in ``project_dirs``."""
        entries = self._load()
        seen: set[str] = set()
        result: list[Entry] = []
        scanned_dirs = {d.name for d in project_dirs}
        for directory in project_dirs:
            try:
                listing = list(os.scandir(directory))
            except FileNotFoundError:
                continue
            for item in listing:
                name = item.name
                if not name.endswith(SESSION_SUFFIX) or not item.is_file():
                    continue
                sid = name[: -len(SESSION_SUFFIX)]
                if not valid_session_id(sid) or sid in seen:
                    continue
                entry = self._refresh_one(sid, Path(item.path), item.stat())
                if entry is not None:
                    seen.add(sid)
                    result.append(entry)
        for sid in [s for s, e in entries.items() if s not in seen]:
            if entries[sid].rel_path.split("/", 1)[0] in scanned_dirs:
                del entries[sid]
                self._dirty = True
        return result

    def refresh_path(self, session_id: str, path: Path) -> Entry | None:
        """The up-to-date entry of one file (``None`` when it is not a readable session)."""
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        return self._refresh_one(session_id, path, st)

    def _refresh_one(self, sid: str, path: Path, st: os.stat_result) -> Entry | None:
        entries = self._load()
        rel = f"{path.parent.name}/{path.name}"
        entry = entries.get(sid)
        if entry is not None and (entry.rel_path != rel or entry.inode != st.st_ino):
            entry = None  # moved or replaced: read it afresh
        if entry is not None and entry.size == st.st_size and entry.mtime_ns == st.st_mtime_ns:
            return entry
        if entry is not None and st.st_size < entry.offset:
            entry = None  # shrank: not ours to explain; start over
        try:
            updated = _scan(sid, rel, path, st, entry)
        except (OSError, SessionError) as exc:
            log.warning("skipping session file %s: %s", path, exc)
            if sid in entries:
                del entries[sid]
                self._dirty = True
            return None
        entries[sid] = updated
        self._dirty = True
        return updated


def _scan(sid: str, rel: str, path: Path, st: os.stat_result, entry: Entry | None) -> Entry:
    with path.open("rb") as handle:
        if entry is None:
            first = handle.readline()
            if not first.endswith(b"\n"):
                raise SessionError(f"{path} has no complete meta line")
            meta = parse_meta(first, str(path))
            forked = meta.forked_from.get("sessionId") if meta.forked_from else None
            entry = Entry(
                session_id=sid,
                rel_path=rel,
                size=0,
                mtime_ns=0,
                inode=st.st_ino,
                offset=len(first),
                cwd=meta.cwd,
                created_at=meta.created_at.isoformat(),
                model=meta.model,
                title=None,
                first_prompt=None,
                roles="",
                last_seq=0,
                forked_from=forked if isinstance(forked, str) else None,
            )
        else:
            handle.seek(entry.offset)
        pending = b""
        while chunk := handle.read(_READ_CHUNK):
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                _apply(entry, line)
                entry.offset += len(line) + 1
        if pending and _is_json(pending):
            # Whole but for its newline (the loader reads it too); the writer adds the newline.
            _apply(entry, pending)
            entry.offset += len(pending)
    # Any other partial last line stays unread: it is being written or was torn by a crash.
    entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns
    return entry


def _is_json(line: bytes) -> bool:
    try:
        loads(line)
    except ValueError:
        return False
    return True


def _apply(entry: Entry, line: bytes) -> None:
    if not line.strip():
        return
    try:
        record = loads(line)
        kind = record.get("type")
        if kind == "event":
            seq = record["seq"]
            if isinstance(seq, int) and seq > entry.last_seq:
                entry.last_seq = seq
        elif kind == "message":
            message = raw_message(record["message"])
            role = message["role"][0]
            if entry.first_prompt is None and role == "u":
                prompt = first_text(message)
                entry.first_prompt = prompt[:FIRST_PROMPT_KEEP] if prompt else None
            if not entry.roles.endswith(role):
                entry.roles += role
        elif kind == "title" and isinstance(record["title"], str):
            entry.title = record["title"]
        elif kind == "rewind":
            entry.roles = entry.roles[: max(0, int(record["messages"]))]
        elif kind == "compaction":
            summary_role = raw_message(record["summary"])["role"][0]
            rest = entry.roles[max(0, int(record["replaces"])) :]
            entry.roles = summary_role + (rest[1:] if rest.startswith(summary_role) else rest)
    except (ValueError, KeyError, TypeError, AttributeError):
        return  # the loader reports damaged lines; the index just skips them
