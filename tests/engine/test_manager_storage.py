"""The session manager with real storage: create, unload when idle, resume on demand."""

from __future__ import annotations

from pathlib import Path

from claude_server.engine import SessionManager
from claude_server.model import ModeChangedEvent
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
