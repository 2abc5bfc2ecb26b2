"""Snapshots of the files a session's turns edit, so a rewind can put them back.

Before a tool edits a file for the first time in a turn, the engine calls
:meth:`FileHistory.snapshot`: the file's bytes go to a content-addressed blob (``blobs/<sha256>``,
stored once however often they recur) and a line ``{"turn", "path", "blob", "mode"}`` goes to
``snapshots.jsonl``; ``blob`` is ``null`` when the file did not exist yet. Rewinding turns
restores, for every path they touched, the state before the earliest of them edited it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from claude_server.errors import SessionError
from claude_server.sessions._fs import dumps_line, open_private, private_dir, write_all

log = logging.getLogger(__name__)

_INDEX = "snapshots.jsonl"
_BLOBS = "blobs"


@dataclass(frozen=True, slots=True)
class FileSnapshot:
    """A file's state before a turn first edited it (``blob`` ``None``: it did not exist)."""

    turn_id: str
    path: Path
    blob: str | None
    mode: int | None


class FileHistory:
    """The file snapshots of one session, kept in ``directory`` (created on first use)."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory
        self._snapshots: list[FileSnapshot] | None = None
        self._lock = threading.Lock()

    @property
    def directory(self) -> Path:
        """Where the snapshots live."""
        return self._dir

    def snapshots(self) -> list[FileSnapshot]:
        """Every snapshot taken, oldest first."""
        with self._lock:
            return list(self._load())

    def snapshot(self, path: str | os.PathLike[str], turn_id: str) -> bool:
        """Keep ``path`` as it is now, unless turn ``turn_id`` already did.

        Call it before each edit; only the first call per (turn, file) stores anything.
        Returns whether a snapshot was taken.
        """
        target = Path(os.path.abspath(path))
        with self._lock:
            known = self._load()
            if any(s.turn_id == turn_id and s.path == target for s in known):
                return False
            try:
                data = target.read_bytes()
                mode: int | None = target.stat().st_mode & 0o7777
            except FileNotFoundError:
                data, mode = None, None
            except OSError as exc:
                raise SessionError(f"could not snapshot {target}: {exc.strerror}") from exc
            blob = self._store_blob(data) if data is not None else None
            snap = FileSnapshot(turn_id, target, blob, mode)
            record = {"turn": turn_id, "path": str(target), "blob": blob, "mode": mode}
            self._append(dumps_line(record))
            known.append(snap)
            return True

    def restore(self, turn_ids: Iterable[str]) -> list[Path]:
        """Put back every file the given turns edited, as it was before the first of them.

        A file that did not exist before is deleted. Returns the restored paths, in the order
        they were first snapshotted.
        """
        wanted = set(turn_ids)
        with self._lock:
            earliest: dict[Path, FileSnapshot] = {}
            for snap in self._load():
                if snap.turn_id in wanted and snap.path not in earliest:
                    earliest[snap.path] = snap
        restored: list[Path] = []
        for path, snap in earliest.items():
            try:
                self._restore_one(snap)
            except OSError as exc:
                raise SessionError(f"could not restore {path}: {exc.strerror}") from exc
            restored.append(path)
        return restored

    def _restore_one(self, snap: FileSnapshot) -> None:
        if snap.blob is None:
            with contextlib.suppress(FileNotFoundError):
                snap.path.unlink()
            return
        data = (self._dir / _BLOBS / snap.blob).read_bytes()
        snap.path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the file and rename, so a crash leaves the old or the new file, not half.
        tmp = snap.path.with_name(f".{snap.path.name}.claude-py-restore")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            write_all(fd, data)
            if snap.mode is not None:
                os.fchmod(fd, snap.mode)
        finally:
            os.close(fd)
        os.replace(tmp, snap.path)

    def _load(self) -> list[FileSnapshot]:
        if self._snapshots is not None:
            return self._snapshots
        snapshots: list[FileSnapshot] = []
        try:
            lines = (self._dir / _INDEX).read_bytes().split(b"\n")
        except FileNotFoundError:
            lines = []
        for line in lines:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                blob, mode = item["blob"], item["mode"]
                snapshots.append(
                    FileSnapshot(
                        str(item["turn"]),
                        Path(item["path"]),
                        blob if isinstance(blob, str) else None,
                        mode if isinstance(mode, int) else None,
                    )
                )
            except (ValueError, KeyError, TypeError):
                log.warning("skipping a damaged line of %s", self._dir / _INDEX)
        self._snapshots = snapshots
        return snapshots

    def _store_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        blobs = private_dir(self._dir / _BLOBS)
        target = blobs / digest
        if target.exists():
            return digest
        tmp = blobs / f".{digest}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, target)  # the blob appears whole or not at all
        return digest

    def _append(self, line: bytes) -> None:
        private_dir(self._dir)
        path = self._dir / _INDEX
        try:
            fd = open_private(path, create=True)
        except FileExistsError:
            fd = open_private(path, create=False)
        try:
            write_all(fd, line)
        finally:
            os.close(fd)
