"""One writer per session file, across daemons; a file deleted or replaced under a live session
is noticed and written again from the writer's own descriptor (nothing is lost)."""

from __future__ import annotations

import pytest
from claude_server.errors import SessionBusyError
from claude_server.model import AgentTextEvent, Message
from claude_server.sessions import SessionStore

CWD = "/home/me/project"


def test_another_store_can_neither_write_nor_delete_an_open_session(store: SessionStore) -> None:
    other = SessionStore(store.root)  # a second daemon on the same data dir
    with store.create("s1", CWD, "m") as writer:
        writer.append_message(Message.user_text("hello"))
        with pytest.raises(SessionBusyError):
            other.open_writer("s1")
        with pytest.raises(SessionBusyError, match="open in another claude-py daemon"):
            other.delete("s1")
        assert store.path_of("s1").exists()
    path = store.path_of("s1")
    other.delete("s1")
    assert not path.exists()


def test_a_deleted_file_is_written_again_with_everything(store: SessionStore) -> None:
    told: list[str] = []
    writer = store.create("s2", CWD, "m")
    writer.on_restored = told.append
    writer.append_message(Message.user_text("first"))
    path = store.path_of("s2")
    path.unlink()
    writer.append_message(Message.user_text("second"))
    writer.append_event(1, AgentTextEvent("after"))
    writer.close()
    loaded = store.load("s2")
    texts = [block.text for m in loaded.messages for block in m.content]  # type: ignore[union-attr]
    assert texts == ["first", "second"]
    assert [e.text for _, e in loaded.events] == ["after"]  # type: ignore[attr-defined]
    assert len(told) == 1 and "was deleted" in told[0]
    assert path.stat().st_mode & 0o777 == 0o600
    # The rewritten file is locked like the first: another daemon still cannot take it.
    writer = store.open_writer("s2")
    with pytest.raises(SessionBusyError):
        SessionStore(store.root).open_writer("s2")
    writer.close()


def test_a_replaced_file_is_kept_beside_and_ours_put_back(store: SessionStore) -> None:
    told: list[str] = []
    writer = store.create("s3", CWD, "m")
    writer.on_restored = told.append
    writer.append_message(Message.user_text("mine"))
    path = store.path_of("s3")
    foreign = path.with_name("elsewhere.jsonl")
    foreign.write_text('{"type": "not ours"}\n')
    foreign.replace(path)  # a sync tool or an editor saved another version over it
    writer.append_message(Message.user_text("still mine"))
    writer.close()
    kept = [p for p in path.parent.iterdir() if p.name.startswith("s3.jsonl.replaced-")]
    assert len(kept) == 1 and kept[0].read_text() == '{"type": "not ours"}\n'
    assert kept[0].name in told[0]
    texts = [b.text for m in store.load("s3").messages for b in m.content]  # type: ignore[union-attr]
    assert texts == ["mine", "still mine"]
