"""The in-memory log writing through to a session file, and resuming from its history."""

from __future__ import annotations

import pytest
from claude_server.errors import SessionError
from claude_server.model import AgentTextEvent, SessionEvent
from claude_server.sessions import EventLog, SessionStore


def test_persist_runs_before_watchers_and_its_failure_hides_the_event(
    store: SessionStore,
) -> None:
    order: list[str] = []
    writer = store.create("s1", "/p", "m")

    def persist(seq: int, event: SessionEvent) -> None:
        order.append(f"persist {seq}")
        writer.append_event(seq, event)

    log = EventLog(persist=persist)
    log.subscribe(lambda seq, _e: order.append(f"watch {seq}"))
    assert log.append(AgentTextEvent("a")) == 1
    assert order == ["persist 1", "watch 1"]
    writer.close()
    with pytest.raises(SessionError):
        log.append(AgentTextEvent("b"))
    assert log.last_seq == 1 and "watch 2" not in order  # nobody saw the unsaved event
    assert store.load("s1").events == [(1, AgentTextEvent("a"))]
    log.set_persist(None)
    assert log.append(AgentTextEvent("c")) == 2


def test_history_with_gaps_and_numbering_after_it() -> None:
    history = [(1, AgentTextEvent("a")), (2, AgentTextEvent("b")), (7, AgentTextEvent("c"))]
    log = EventLog(history=history, last_seq=9)
    assert log.last_seq == 9
    assert log.since(1) == history[1:]
    assert log.since(2) == history[2:]
    assert log.since(0) == history
    seen: list[int] = []
    assert log.subscribe(lambda seq, _e: seen.append(seq), since_seq=5) == 1
    assert log.append(AgentTextEvent("d")) == 10
    assert seen == [7, 10]
    with pytest.raises(ValueError, match="does not follow"):
        EventLog(history=[(2, AgentTextEvent("x")), (2, AgentTextEvent("y"))])


def test_writer_append_event_is_a_watcher(store: SessionStore) -> None:
    with store.create("s1", "/p", "m") as writer:
        log = EventLog(persist=writer.append_event)
        for i in range(5):
            log.append(AgentTextEvent(str(i)))
    loaded = store.load("s1")
    resumed = EventLog(history=loaded.events, last_seq=loaded.last_seq)
    assert resumed.append(AgentTextEvent("next")) == 6
