"""File snapshots taken before edits, restored by rewinds."""

from __future__ import annotations

import stat
from pathlib import Path

from claude_server.sessions import FileHistory, SessionStore


def test_restore_puts_back_the_state_before_the_earliest_turn(tmp_path: Path) -> None:
    history = FileHistory(tmp_path / "s1.files")
    a = tmp_path / "proj" / "a.py"
    a.parent.mkdir()
    a.write_text("v1")
    assert history.snapshot(a, "t1")
    a.write_text("v2")
    assert not history.snapshot(a, "t1")  # later edits of the same turn keep the first state
    a.write_text("v3")
    assert history.snapshot(a, "t2")
    a.write_text("v4")
    assert history.restore(["t2"]) == [a]
    assert a.read_text() == "v3"
    a.write_text("v5")
    assert history.restore(["t2", "t1"]) == [a]
    assert a.read_text() == "v1"


def test_new_files_are_deleted_and_deleted_files_come_back(tmp_path: Path) -> None:
    history = FileHistory(tmp_path / "h")
    new = tmp_path / "new.txt"
    old = tmp_path / "sub" / "old.sh"
    old.parent.mkdir()
    old.write_bytes(b"#!/bin/sh\n\x00binary")
    old.chmod(0o755)
    history.snapshot(new, "t1")
    history.snapshot(old, "t1")
    new.write_text("created by the turn")
    old.unlink()
    old.parent.rmdir()
    restored = history.restore(["t1"])
    assert restored == [new, old]
    assert not new.exists()
    assert old.read_bytes() == b"#!/bin/sh\n\x00binary"
    assert stat.S_IMODE(old.stat().st_mode) == 0o755


def test_unrelated_turns_restore_nothing(tmp_path: Path) -> None:
    history = FileHistory(tmp_path / "h")
    f = tmp_path / "f"
    f.write_text("x")
    history.snapshot(f, "t1")
    f.write_text("y")
    assert history.restore(["t9"]) == []
    assert f.read_text() == "y"
    assert FileHistory(tmp_path / "never-used").restore(["t1"]) == []


def test_snapshots_are_content_addressed_private_and_survive_reopening(tmp_path: Path) -> None:
    directory = tmp_path / "h"
    history = FileHistory(directory)
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("same")
    two.write_text("same")
    history.snapshot(one, "t1")
    history.snapshot(two, "t1")
    blobs = list((directory / "blobs").iterdir())
    assert len(blobs) == 1
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(blobs[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((directory / "snapshots.jsonl").stat().st_mode) == 0o600
    reopened = FileHistory(directory)
    assert [s.path for s in reopened.snapshots()] == [one, two]
    assert not reopened.snapshot(one, "t1")
    one.write_text("changed")
    assert reopened.restore(["t1"]) == [one, two]
    assert one.read_text() == "same"


def test_damaged_index_lines_are_skipped(tmp_path: Path) -> None:
    history = FileHistory(tmp_path / "h")
    f = tmp_path / "f"
    f.write_text("x")
    history.snapshot(f, "t1")
    with (tmp_path / "h" / "snapshots.jsonl").open("ab") as handle:
        handle.write(b"{broken\n")
    assert len(FileHistory(tmp_path / "h").snapshots()) == 1


def test_store_places_history_next_to_the_session(store: SessionStore) -> None:
    store.create("s1", "/p", "m").close()
    history = store.file_history("s1")
    assert history.directory == store.path_of("s1").with_name("s1.files")
    assert store.file_history("s2", cwd="/p").directory == history.directory.with_name("s2.files")
