"""The session event log: seq numbers, replay and watchers."""

from __future__ import annotations

from claude_server.model import AgentTextEvent, SessionEvent
from claude_server.sessions import EventLog


def _text(n: int) -> AgentTextEvent:
    return AgentTextEvent(text=f"chunk {n}")


def test_seq_starts_at_one_and_grows_by_one() -> None:
    log = EventLog()
    assert log.last_seq == 0
    assert [log.append(_text(i)) for i in range(3)] == [1, 2, 3]
    assert log.last_seq == 3


def test_subscribe_replays_then_follows_without_gap_or_duplicate() -> None:
    log = EventLog()
    for i in range(5):
        log.append(_text(i))
    seen: list[tuple[int, SessionEvent]] = []
    replayed = log.subscribe(lambda seq, e: seen.append((seq, e)), since_seq=2)
    assert replayed == 3
    log.append(_text(5))
    assert [seq for seq, _ in seen] == [3, 4, 5, 6]
    assert seen[0][1] == _text(2)


def test_subscribe_without_since_gets_only_new_events() -> None:
    log = EventLog()
    log.append(_text(0))
    seen: list[int] = []
    assert log.subscribe(lambda seq, e: seen.append(seq)) == 0
    log.append(_text(1))
    assert seen == [2]


def test_since_beyond_the_end_replays_nothing() -> None:
    log = EventLog()
    log.append(_text(0))
    assert log.since(10) == []
    assert log.since(0) == [(1, _text(0))]


def test_a_failing_watcher_is_dropped_and_others_continue() -> None:
    log = EventLog()
    good: list[int] = []

    def bad(seq: int, event: SessionEvent) -> None:
        raise ConnectionResetError("client vanished")

    log.subscribe(bad)
    log.subscribe(lambda seq, e: good.append(seq))
    log.append(_text(0))
    log.append(_text(1))
    assert good == [1, 2]
    assert log.watcher_count == 1


def test_unsubscribe_stops_delivery() -> None:
    log = EventLog()
    seen: list[int] = []

    def watcher(seq: int, event: SessionEvent) -> None:
        seen.append(seq)

    log.subscribe(watcher)
    log.append(_text(0))
    log.unsubscribe(watcher)
    log.unsubscribe(watcher)  # twice is harmless
    log.append(_text(1))
    assert seen == [1]
