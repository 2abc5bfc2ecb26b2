"""Listing sessions: order, pages, the cwd filter and the summary index."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from claude_server.errors import SessionError
from claude_server.model import AgentTextEvent, Message, TextBlock
from claude_server.sessions import SessionStore

BASE_NS = 1_700_000_000 * 10**9


def _make(store: SessionStore, sid: str, cwd: str, age: int, prompts: int = 1) -> None:
    with store.create(sid, cwd, "m") as writer:
        for i in range(prompts):
            writer.append_message(Message.user_text(f"{sid} prompt {i}"))
            writer.append_message(Message(role="assistant", content=[TextBlock(text="ok")]))
    _touch(store, sid, age)


def _touch(store: SessionStore, sid: str, age: int) -> None:
    moment = BASE_NS - age * 10**9
    os.utime(store.path_of(sid), ns=(moment, moment))


def test_newest_first_with_summaries(store: SessionStore) -> None:
    _make(store, "old", "/p/a", age=30, prompts=2)
    _make(store, "new", "/p/b", age=10)
    _make(store, "mid", "/p/a", age=20, prompts=3)
    page = store.list()
    assert [s.session_id for s in page.sessions] == ["new", "mid", "old"]
    assert page.next_cursor is None
    mid = page.sessions[1]
    assert mid.title == "mid prompt 0"
    assert mid.cwd == "/p/a"
    assert mid.message_count == 6
    assert mid.model == "m"
    assert mid.updated_at.timestamp() == pytest.approx((BASE_NS - 20 * 10**9) / 1e9)
    assert abs(mid.created_at.timestamp() - time.time()) < 60  # from the meta line


def test_filter_by_cwd(store: SessionStore) -> None:
    _make(store, "a1", "/p/a", age=3)
    _make(store, "b1", "/p/b", age=2)
    _make(store, "a2", "/p/a/", age=1)
    assert [s.session_id for s in store.list("/p/a").sessions] == ["a2", "a1"]
    assert [s.session_id for s in store.list("/p/b").sessions] == ["b1"]
    assert store.list("/p/none").sessions == []
    latest = store.latest("/p/a")
    assert latest is not None and latest.session_id == "a2"
    assert store.latest("/p/none") is None


def test_paging_visits_every_session_once(store: SessionStore) -> None:
    for i in range(23):
        _make(store, f"s{i:02d}", "/p", age=i // 2)  # pairs share an mtime: ties break by id
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = store.list(limit=5, cursor=cursor)
        seen += [s.session_id for s in page.sessions]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 5
    assert len(seen) == 23 and len(set(seen)) == 23
    assert seen == [s.session_id for s in store.list(limit=100).sessions]
    with pytest.raises(SessionError, match="cursor"):
        store.list(cursor="not a cursor!")
    with pytest.raises(ValueError, match="limit"):
        store.list(limit=0)


def test_index_follows_appends_rewinds_and_deletes(store: SessionStore) -> None:
    _make(store, "s1", "/p", age=5)
    assert store.list().sessions[0].message_count == 2
    with store.open_writer("s1") as writer:
        writer.append_message(Message.user_text("more"))
        writer.append_event(1, AgentTextEvent("x"))
        assert store.list().sessions[0].message_count == 3  # read while the writer is open
        writer.append_rewind(1)
        writer.append_title("Renamed")
    summary = store.list().sessions[0]
    assert (summary.message_count, summary.title) == (1, "Renamed")
    index = json.loads((store.root / "index.json").read_text())
    assert index["sessions"]["s1"]["lastSeq"] == 1
    store.path_of("s1").unlink()  # deleted behind the store's back
    assert store.list().sessions == []


def test_index_reads_only_the_new_tail(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make(store, "s1", "/p", age=5, prompts=50)
    store.list()
    from claude_server.sessions import _index

    scanned: list[int] = []
    real = _index._apply

    def counting(entry: _index.Entry, line: bytes) -> None:
        scanned.append(len(line))
        real(entry, line)

    monkeypatch.setattr(_index, "_apply", counting)
    assert store.list().sessions[0].message_count == 100
    assert scanned == []  # unchanged file: not read at all
    with store.open_writer("s1") as writer:
        writer.append_message(Message.user_text("one more"))
    assert store.list().sessions[0].message_count == 101
    assert len(scanned) == 1


def test_damaged_or_missing_index_is_rebuilt(store: SessionStore, tmp_path: Path) -> None:
    _make(store, "s1", "/p", age=5)
    store.list()
    (store.root / "index.json").write_text("{not json")
    fresh = SessionStore(store.root)
    assert [s.session_id for s in fresh.list().sessions] == ["s1"]
    (store.root / "index.json").unlink()
    assert [s.session_id for s in SessionStore(store.root).list().sessions] == ["s1"]


def test_replaced_file_is_read_afresh(store: SessionStore) -> None:
    _make(store, "s1", "/p", age=5, prompts=3)
    assert store.list().sessions[0].message_count == 6
    path = store.path_of("s1")
    first_line = path.read_bytes().split(b"\n")[0] + b"\n"
    tmp = path.with_name("tmp")
    tmp.write_bytes(first_line)
    os.replace(tmp, path)
    assert store.list().sessions[0].message_count == 0


def test_empty_store_lists_nothing(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "nowhere")
    assert store.list().sessions == []
    assert not store.exists("x")
