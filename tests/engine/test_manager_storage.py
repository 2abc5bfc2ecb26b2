"""The session manager with real storage: create, unload when idle, resume on demand."""

from __future__ import annotations

from pathlib import Path

from claude_server.engine import SessionManager
from claude_server.model import (
    AgentTextEvent,
    ModeChangedEvent,
    TurnCompletedEvent,
    TurnStartedEvent,
    UserMessageEvent,
)
from claude_server.sessions import SessionStore

from engine._helpers import offline_deps


async def test_idle_sessions_unload_and_come_back(tmp_path: Path) -> None:
    deps = offline_deps(tmp_path)
    manager = SessionManager(deps, SessionStore(tmp_path / "sessions"))
    session = manager.new(tmp_path, mode="plan")
    sid = session.session_id
    watched = manager.new(tmp_path)
    watched.log.subscribe(lambda _seq, _event: None)

    assert await manager.unload_idle(3600) == []  # not idle long enough
    unloaded = await manager.unload_idle(0)
    assert unloaded == [sid]  # the watched one stays
    assert {s.session_id for s in manager.live()} == {watched.session_id}

    again = await manager.get(sid)
    assert again is not session
    assert again.mode == "plan"
    assert [type(e) for _, e in again.log.since(0)] == [ModeChangedEvent]
    assert again.log.last_seq == 1


async def test_a_turn_left_open_by_a_crash_is_closed_on_load(tmp_path: Path) -> None:
    # What a daemon killed mid-turn leaves behind: the prompt and some text, no turn end.
    store = SessionStore(tmp_path / "sessions")
    writer = store.create("crashed", str(tmp_path), "m")
    writer.append_event(1, TurnStartedEvent("t1"))
    writer.append_event(2, UserMessageEvent("hello"))
    writer.append_event(3, AgentTextEvent("Let me"))
    writer.close()

    manager = SessionManager(offline_deps(tmp_path), store)
    session = await manager.get("crashed")
    last_seq, last = list(session.log.since(0))[-1]
    assert last_seq == 4
    assert isinstance(last, TurnCompletedEvent)
    assert (last.turn_id, last.stop_reason) == ("t1", "interrupted")
    assert not session.busy
    await manager.close()

    # Closed once and for all: loading again adds nothing.
    again = await SessionManager(offline_deps(tmp_path), store).get("crashed")
    assert again.log.last_seq == 4
