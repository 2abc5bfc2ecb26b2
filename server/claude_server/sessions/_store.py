"""Session files on disk: create, append, load, list, fork, delete.

Layout: ``<root>/<project key>/<session id>.jsonl``, where ``root`` is ``<data dir>/sessions``
and the project key encodes the session's cwd (:func:`project_key`). Directories are 0700,
files 0600. Edited-file snapshots for rewinds live next to the session in
``<session id>.files/`` (see :class:`FileHistory`). ``<root>/index.json`` caches summaries for
listing (see ``_index``).
"""

from __future__ import annotations

import base64
import binascii
import builtins
import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from claude_server.config import data_dir
from claude_server.errors import SessionBusyError, SessionError, SessionNotFoundError
from claude_server.model import Message, SessionEvent
from claude_server.sessions._export import render_markdown
from claude_server.sessions._files import FileHistory
from claude_server.sessions._fs import (
    FILES_SUFFIX,
    SESSION_SUFFIX,
    check_session_id,
    dumps_line,
    from_timestamp,
    open_private,
    parse_iso,
    private_dir,
    project_key,
    read_all,
    valid_session_id,
    write_all,
)
from claude_server.sessions._index import Entry, Index
from claude_server.sessions._records import (
    FORMAT_VERSION,
    close_open_turn,
    compaction_record,
    event_record,
    message_record,
    meta_record,
    parse_session,
    rewind_record,
    title_record,
)
from claude_server.sessions._title import UNTITLED, derive_title
from claude_server.sessions._types import LoadedSession, SessionMeta, SessionPage, SessionSummary

log = logging.getLogger(__name__)

DEFAULT_PAGE = 50


class SessionWriter:
    """Appends records to one session file; the only writer of that file.

    Every ``append_*`` writes one whole line with ``os.write`` on an ``O_APPEND`` descriptor
    before it returns, so once it returns the line is in the kernel and survives the daemon
    being killed (SIGKILL, OOM). Surviving a power cut too needs ``fsync=True``: an fsync per
    line makes a small append 20 to 40 times slower (``bench/session_store.py``), so it is off by
    default; ``close`` always fsyncs once. A write error raises :class:`SessionError`; the next line then starts on a
    fresh line so one failure cannot glue two records together.

    The file is locked (``flock``) while the writer is open, so a second daemon cannot append
    to the same session. Writes are synchronous: a line costs microseconds (see
    ``bench/session_store.py``), less than handing it to a thread.

    Before each line the writer checks that its path still names its file: one deleted or
    replaced under it (``rm``, a sync tool, an editor) is written again from the open
    descriptor, a replacing file is kept beside it, and :attr:`on_restored` is told why.
    """

    def __init__(self, path: Path, session_id: str, fd: int, *, fsync: bool, last_seq: int) -> None:
        self.path = path
        self.session_id = session_id
        self._fd: int | None = fd
        self._fsync = fsync
        self._last_seq = last_seq
        self._broken_line = False
        self.on_restored: Callable[[str], None] | None = None
        """Called with a readable message after the file was written again."""

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._fd is None

    @property
    def last_seq(self) -> int:
        """The seq of the newest event in the file (0 when none)."""
        return self._last_seq

    def append_event(self, seq: int, event: SessionEvent) -> None:
        """Record a session event under its ``seq`` (which must grow).

        Its signature is a :data:`Watcher`'s, so it can be an :class:`EventLog`'s ``persist``.
        """
        if seq <= self._last_seq:
            raise SessionError(
                f"session {self.session_id}: event seq {seq} does not follow {self._last_seq}"
            )
        self._write(event_record(seq, event))
        self._last_seq = seq

    def append_message(self, message: Message) -> None:
        """Record a message of the conversation (one with the previous role extends it)."""
        self._write(message_record(message))

    def append_title(self, title: str) -> None:
        """Set the session's title (otherwise it is derived from the first prompt)."""
        self._write(title_record(title))

    def append_rewind(
        self,
        keep_messages: int,
        *,
        keep_events: int | None = None,
        restored_files: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        """Cut the conversation back to its first ``keep_messages`` messages.

        ``keep_events`` is the last seq a replay keeps (default: the events recorded before the
        first dropped message, less a turn that was left open). ``restored_files`` are the files
        put back by :meth:`FileHistory.restore`, recorded for the user's information.
        """
        if keep_messages < 0:
            raise ValueError("keep_messages must be >= 0")
        files = [os.fspath(p) for p in restored_files]
        self._write(rewind_record(keep_messages, keep_events, files))

    def append_compaction(
        self,
        summary: Message,
        replaces: int,
        *,
        trigger: str = "manual",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Replace the first ``replaces`` messages of the conversation by ``summary``.

        ``trigger`` says why (``manual`` or ``auto``); ``details`` (token counts, the model
        used...) must be JSON values and are stored with the record.
        """
        if replaces < 0:
            raise ValueError("replaces must be >= 0")
        self._write(compaction_record(summary, replaces, trigger, dict(details or {})))

    def _write(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            raise SessionError(f"session {self.session_id}: the writer is closed")
        data = dumps_line(record)
        if self._broken_line:
            data = b"\n" + data
        try:
            self._keep_file()
            write_all(self._fd, data)
            if self._fsync:
                os.fsync(self._fd)
        except OSError as exc:
            self._broken_line = True
            raise SessionError(
                f"could not write to session {self.session_id} ({self.path}): {exc.strerror}"
            ) from exc
        self._broken_line = False

    def _keep_file(self) -> None:
        assert self._fd is not None
        try:
            on_disk: os.stat_result | None = os.stat(self.path)
        except FileNotFoundError:
            on_disk = None
        mine = os.fstat(self._fd)
        if on_disk is not None and (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino):
            return
        content = read_all(self._fd)
        private_dir(self.path.parent)
        aside = None
        if on_disk is not None:
            aside = self.path.with_name(f"{self.path.name}.replaced-{time.time_ns()}")
            os.replace(self.path, aside)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.restore")
        fd = os.open(tmp, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            write_all(fd, content)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.replace(tmp, self.path)
        except OSError:
            os.close(fd)
            raise
        os.close(self._fd)
        self._fd = fd
        what = f"was replaced (the other file is kept as {aside.name})" if aside else "was deleted"
        message = f"the session file {self.path} {what}; it was written again from this session"
        log.warning("session %s: %s", self.session_id, message)
        if self.on_restored is not None:
            self.on_restored(message)

    def close(self) -> None:
        """Flush to disk and release the file (safe to call twice)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)  # also drops the flock

    def __enter__(self) -> SessionWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SessionStore:
    """Every session of this user, as files under ``root``.

    Thread-safe: the listing index is guarded by a lock; writers are independent.
    """

    def __init__(self, root: Path, *, fsync: bool = False) -> None:
        self._root = root
        self._fsync = fsync
        self._index = Index(root)
        self._lock = threading.Lock()

    @classmethod
    def default(cls, env: Mapping[str, str] | None = None) -> SessionStore:
        """The store under the data directory (``$CLAUDE_PY_HOME/sessions``)."""
        return cls(data_dir(env) / "sessions")

    @property
    def root(self) -> Path:
        """The folder holding every project's sessions."""
        return self._root

    # -- paths ------------------------------------------------------------------------------

    def project_dir(self, cwd: str) -> Path:
        """The folder of the sessions started in ``cwd``."""
        return self._root / project_key(cwd)

    def path_of(self, session_id: str) -> Path:
        """The file of a session; :class:`SessionNotFoundError` when there is none."""
        path = self._find(session_id)
        if path is None:
            raise SessionNotFoundError(f"no saved session has the id {session_id!r}")
        return path

    def exists(self, session_id: str) -> bool:
        """Whether a saved session has this id."""
        return self._find(session_id) is not None

    def _find(self, session_id: str) -> Path | None:
        if not valid_session_id(session_id):
            return None
        with self._lock:
            entry = self._index.get(session_id)
        if entry is not None:
            candidate = self._root / entry.rel_path
            if candidate.is_file():
                return candidate
        name = session_id + SESSION_SUFFIX
        try:
            dirs = list(os.scandir(self._root))
        except FileNotFoundError:
            return None
        for item in dirs:
            candidate = Path(item.path) / name
            if item.is_dir() and candidate.is_file():
                return candidate
        return None

    # -- writing ----------------------------------------------------------------------------

    def create(
        self,
        session_id: str,
        cwd: str,
        model: str,
        mode: str = "default",
        *,
        created_at: datetime | None = None,
        forked_from: dict[str, Any] | None = None,
    ) -> SessionWriter:
        """Start a new session file and return its writer (the meta line is already written)."""
        check_session_id(session_id)
        if self._find(session_id) is not None:
            raise SessionError(f"a session with the id {session_id!r} already exists")
        meta = SessionMeta(
            session_id=session_id,
            cwd=cwd,
            created_at=created_at or datetime.now().astimezone(),
            model=model,
            mode=mode,
            version=FORMAT_VERSION,
            forked_from=forked_from,
        )
        private_dir(self._root)
        directory = private_dir(self.project_dir(cwd))
        path = directory / (session_id + SESSION_SUFFIX)
        try:
            fd = open_private(path, create=True)
        except FileExistsError as exc:
            raise SessionError(f"a session with the id {session_id!r} already exists") from exc
        except OSError as exc:
            raise SessionError(f"could not create session file {path}: {exc.strerror}") from exc
        writer = self._writer(path, session_id, fd, last_seq=0)
        try:
            writer._write(meta_record(meta))
        except SessionError:
            writer.close()
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return writer

    def open_writer(self, session_id: str, *, last_seq: int | None = None) -> SessionWriter:
        """A writer appending to an existing session (to resume it).

        ``last_seq`` is the seq of its newest event (``LoadedSession.last_seq``); it is read
        from the file when not given. A last line torn by a crash is closed with a newline first,
        so it stays one skipped line instead of spoiling the next record.
        """
        path = self.path_of(session_id)
        try:
            fd = open_private(path, create=False)
        except OSError as exc:
            raise SessionError(f"could not open session file {path}: {exc.strerror}") from exc
        writer = self._writer(path, session_id, fd, last_seq=0)  # closes fd if it fails
        try:
            if last_seq is None:
                with self._lock:
                    entry = self._index.refresh_path(session_id, path)
                    self._index.save()
                last_seq = entry.last_seq if entry is not None else 0
            writer._last_seq = last_seq
            # A torn last line gets its newline with the next record, so the two stay apart.
            writer._broken_line = not _ends_with_newline(path)
        except BaseException:
            writer.close()
            raise
        return writer

    def _writer(self, path: Path, session_id: str, fd: int, *, last_seq: int) -> SessionWriter:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise SessionBusyError(
                    f"session {session_id} is being written by another writer or daemon"
                ) from exc
            raise SessionError(f"could not lock session file {path}: {exc.strerror}") from exc
        return SessionWriter(path, session_id, fd, fsync=self._fsync, last_seq=last_seq)

    # -- reading ----------------------------------------------------------------------------

    def load(self, session_id: str) -> LoadedSession:
        """Read a session back (see :class:`LoadedSession`).

        Damaged lines are skipped and reported in ``warnings``; only a missing file
        (:class:`SessionNotFoundError`) or an unreadable meta line (:class:`SessionError`) fail.
        """
        path = self.path_of(session_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise SessionNotFoundError(f"no saved session has the id {session_id!r}") from exc
        except OSError as exc:
            raise SessionError(f"could not read session file {path}: {exc.strerror}") from exc
        return parse_session(data, str(path), path)

    def list(
        self, cwd: str | None = None, *, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> SessionPage:
        """Saved sessions, most recently active first, ``limit`` per page.

        ``cwd`` keeps only the sessions started there. ``cursor`` is a page's ``next_cursor``.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        after = _decode_cursor(cursor) if cursor else None
        with self._lock:
            entries = self._index.refresh(self._project_dirs(cwd))
            self._index.save()
        if cwd is not None:
            wanted = os.path.normpath(cwd)
            entries = [e for e in entries if os.path.normpath(e.cwd) == wanted]
        keyed = sorted(((-e.mtime_ns, e.session_id), e) for e in entries)
        if after is not None:
            keyed = [item for item in keyed if item[0] > after]
        page = keyed[:limit]
        next_cursor = _encode_cursor(page[-1][0]) if len(keyed) > limit else None
        return SessionPage([_summary(e) for _, e in page], next_cursor)

    def latest(self, cwd: str) -> SessionSummary | None:
        """The most recently active session started in ``cwd`` (for ``--continue``)."""
        sessions = self.list(cwd, limit=1).sessions
        return sessions[0] if sessions else None

    def _project_dirs(self, cwd: str | None) -> builtins.list[Path]:
        if cwd is not None:
            return [self.project_dir(cwd)]
        try:
            return [Path(i.path) for i in os.scandir(self._root) if i.is_dir()]
        except FileNotFoundError:
            return []

    # -- whole-session operations -----------------------------------------------------------

    def delete(self, session_id: str) -> None:
        """Remove a session, its file snapshots and its index entry.

        :class:`SessionBusyError` when a writer (this daemon's or another's) holds the file."""
        path = self.path_of(session_id)
        files = path.with_name(session_id + FILES_SUFFIX)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError as exc:
            raise SessionNotFoundError(f"no saved session has the id {session_id!r}") from exc
        except OSError as exc:
            raise SessionError(f"could not open session file {path}: {exc.strerror}") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise SessionBusyError(
                        f"session {session_id} is open in another claude-py daemon; "
                        "close it there before deleting it"
                    ) from exc
                raise SessionError(f"could not lock session file {path}: {exc.strerror}") from exc
            # Unlinked while locked: no writer can open it in between.
            path.unlink()
        except FileNotFoundError as exc:
            raise SessionNotFoundError(f"no saved session has the id {session_id!r}") from exc
        except OSError as exc:
            raise SessionError(f"could not delete session file {path}: {exc.strerror}") from exc
        finally:
            os.close(fd)
        shutil.rmtree(files, ignore_errors=True)
        with self._lock:
            self._index.forget(session_id)
            self._index.save()

    def fork(
        self,
        session_id: str,
        *,
        up_to_messages: int | None = None,
        new_id: str | None = None,
    ) -> str:
        """Copy a session (its first ``up_to_messages`` messages) into a new one; its id.

        The fork holds the conversation as it stands (rewinds and compactions applied, the
        summary in place of what it replaced) and the replay events that went with those
        messages, renumbered from 1 in their original order, so loading the fork shows the same
        history. Its meta line says ``forkedFrom: {sessionId, messages}``; the title is kept.
        File snapshots are not copied: a rewind in the fork restores nothing from before it.
        """
        loaded = self.load(session_id)
        return self.import_session(loaded, up_to_messages=up_to_messages, new_id=new_id)

    def import_session(
        self,
        loaded: LoadedSession,
        *,
        up_to_messages: int | None = None,
        new_id: str | None = None,
    ) -> str:
        """Save a loaded session (ours or Claude Code's) as a new session of ours; its id.

        This is how a read-only Claude Code transcript is resumed: import it, then resume the
        copy. Same semantics as :meth:`fork`.
        """
        count = len(loaded.messages) if up_to_messages is None else up_to_messages
        count = max(0, min(count, len(loaded.messages)))
        messages = loaded.messages[:count]
        marks = loaded.event_marks[:count]
        if count < len(loaded.messages):
            cut = loaded.event_marks[count] if count < len(loaded.event_marks) else 0
            events = close_open_turn(loaded.events[:cut])
        else:
            events = list(loaded.events)
        origin: dict[str, Any] = {"sessionId": loaded.session_id, "messages": count}
        if loaded.source != "claude-py":
            origin["source"] = loaded.source
        sid = new_id or str(uuid.uuid4())
        with self.create(sid, loaded.cwd, loaded.model, loaded.mode, forked_from=origin) as writer:
            if loaded.title != UNTITLED:
                writer.append_title(loaded.title)
            # Events and messages interleave as they did, so rewinds in the fork cut the same way.
            written = 0
            for index, message in enumerate(messages):
                mark = min(marks[index] if index < len(marks) else len(events), len(events))
                for seq in range(written + 1, mark + 1):
                    writer.append_event(seq, events[seq - 1][1])
                written = max(written, mark)
                writer.append_message(message)
            for seq in range(written + 1, len(events) + 1):
                writer.append_event(seq, events[seq - 1][1])
        return sid

    def export_markdown(self, session_id: str) -> str:
        """The session as a readable Markdown transcript."""
        return render_markdown(self.load(session_id))

    def file_history(self, session_id: str, cwd: str | None = None) -> FileHistory:
        """The snapshots of files the session's turns edited (for rewinds).

        ``cwd`` spares a lookup when the session file may not exist yet.
        """
        check_session_id(session_id)
        directory = self.project_dir(cwd) if cwd is not None else self.path_of(session_id).parent
        return FileHistory(directory / (session_id + FILES_SUFFIX))


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _summary(entry: Entry) -> SessionSummary:
    title = entry.title or (derive_title(entry.first_prompt) if entry.first_prompt else UNTITLED)
    created = parse_iso(entry.created_at) or from_timestamp(0)
    return SessionSummary(
        session_id=entry.session_id,
        title=title,
        cwd=entry.cwd,
        created_at=created,
        updated_at=from_timestamp(entry.mtime_ns / 1e9),
        message_count=len(entry.roles),
        model=entry.model,
        forked_from=entry.forked_from,
    )


def _encode_cursor(key: tuple[int, str]) -> str:
    raw = json.dumps([key[0], key[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))
        key = (int(value[0]), str(value[1]))
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, binascii.Error) as exc:
        raise SessionError(f"invalid session list cursor {cursor[:40]!r}") from exc
    return key
