"""The daemon's sessions: live ones in memory, every one on disk."""

from __future__ import annotations

import asyncio
import builtins
import time
import uuid
from pathlib import Path

from claude_server.engine._options import SessionOptions
from claude_server.engine._ports import EngineDeps
from claude_server.engine._record import SessionRecord
from claude_server.engine._session import LiveSession
from claude_server.errors import SessionBusyError, SessionNotFoundError
from claude_server.model import read_mode
from claude_server.sessions import (
    ClaudeCodeTranscripts,
    SessionPage,
    SessionStore,
)


class SessionManager:
    """Creates, resumes and finds sessions; the only place that opens a session's file."""

    def __init__(
        self,
        deps: EngineDeps,
        store: SessionStore | None = None,
        transcripts: ClaudeCodeTranscripts | None = None,
    ) -> None:
        self.deps = deps
        self.store = store
        """``None``: sessions live in memory only (tests that do not care about storage)."""
        self.transcripts = transcripts
        """Claude Code's own transcripts, listed and imported read-only."""
        self._sessions: dict[str, LiveSession] = {}
        self._loading: dict[str, asyncio.Lock] = {}

    def new(
        self,
        cwd: Path,
        model: str | None = None,
        mode: str | None = None,
        *,
        options: SessionOptions | None = None,
        session_id: str | None = None,
    ) -> LiveSession:
        """Start a session in the project directory ``cwd`` (with the id asked for, when it
        is free)."""
        if session_id is None:
            session_id = str(uuid.uuid4())
        elif session_id in self._sessions or (
            self.store is not None and self.store.exists(session_id)
        ):
            raise SessionBusyError(f"session id {session_id} is already in use")
        project = self.deps.projects.project(cwd)
        limits = self.deps.limits
        model = model or project.model() or limits.default_model
        record = SessionRecord()
        if self.store is not None:
            record.writer = self.store.create(session_id, str(cwd), model, limits.default_mode)
            record.files = self.store.file_history(session_id, str(cwd))
        session = LiveSession(
            session_id,
            project,
            model,
            limits.default_mode,
            self.deps,
            record=record,
            options=options,
        )
        if mode is not None:
            session.set_mode(mode)
        self._sessions[session.session_id] = session
        return session

    def live(self) -> list[LiveSession]:
        """Every live session, oldest first."""
        return list(self._sessions.values())

    def get_live(self, session_id: str) -> LiveSession:
        """The live session with this id, or :class:`SessionNotFoundError`."""
        try:
            return self._sessions[session_id]
        except KeyError:
            raise SessionNotFoundError(f"no live session with id {session_id!r}") from None

    async def get(self, session_id: str, options: SessionOptions | None = None) -> LiveSession:
        """The session with this id, resumed from disk when it is not live (with ``options``,
        which a live session keeps its own instead of)."""
        live = self._sessions.get(session_id)
        if live is not None:
            return live
        if self.store is None or not self.store.exists(session_id):
            raise SessionNotFoundError(f"no session with id {session_id!r}")
        lock = self._loading.setdefault(session_id, asyncio.Lock())
        async with lock:
            if session_id in self._sessions:
                return self._sessions[session_id]
            loaded = await asyncio.to_thread(self.store.load, session_id)
            record = SessionRecord(
                writer=self.store.open_writer(session_id, last_seq=loaded.last_seq),
                files=self.store.file_history(session_id, loaded.cwd),
                loaded=loaded,
            )
            project = self.deps.projects.project(Path(loaded.cwd))
            mode = read_mode(loaded.mode) or "default"
            session = LiveSession(
                session_id, project, loaded.model, mode, self.deps, record=record, options=options
            )
            self._sessions[session_id] = session
            return session

    def list(self, cwd: str | None, *, limit: int, cursor: str | None) -> SessionPage:
        """Stored sessions with a conversation, newest first (a session opened and left
        without a prompt is not worth resuming; a page may then hold fewer than ``limit``)."""
        if self.store is None:
            return SessionPage(sessions=[])
        page = self.store.list(cwd, limit=limit, cursor=cursor)
        kept = [s for s in page.sessions if s.message_count > 0]
        return SessionPage(sessions=kept, next_cursor=page.next_cursor)

    def list_claude_code(self, cwd: str | None, *, limit: int, cursor: str | None) -> SessionPage:
        """Claude Code's own sessions (read-only sources)."""
        if self.transcripts is None:
            return SessionPage(sessions=[])
        return self.transcripts.list(cwd, limit=limit, cursor=cursor)

    async def import_claude_code(self, transcript_id: str) -> LiveSession:
        """Copy a Claude Code transcript into a new session of ours and resume it."""
        if self.transcripts is None or self.store is None:
            raise SessionNotFoundError("Claude Code transcripts are not available here")
        loaded = await asyncio.to_thread(self.transcripts.load, transcript_id)
        assert self.store is not None
        new_id = await asyncio.to_thread(self.store.import_session, loaded)
        return await self.get(new_id)

    async def fork(self, session_id: str, up_to_messages: int | None) -> str:
        """A copy of a session (up to a number of messages); the new id."""
        if self.store is None:
            raise SessionNotFoundError("sessions are not stored in this daemon")
        await self.get(session_id)  # not found -> clear error
        return await asyncio.to_thread(self.store.fork, session_id, up_to_messages=up_to_messages)

    async def delete(self, session_id: str) -> None:
        """Forget a session: stop it if live, remove its file."""
        live = self._sessions.get(session_id)
        if live is not None:
            if live.busy:
                raise SessionBusyError("cannot delete a session while a turn runs; cancel it first")
            await live.close(reason="other")
            del self._sessions[session_id]
        if self.store is None or not self.store.exists(session_id):
            if live is None:
                raise SessionNotFoundError(f"no session with id {session_id!r}")
            return
        await asyncio.to_thread(self.store.delete, session_id)

    async def export_markdown(self, session_id: str) -> str:
        """The session as a Markdown transcript."""
        if self.store is None:
            raise SessionNotFoundError("sessions are not stored in this daemon")
        await self.get(session_id)
        return await asyncio.to_thread(self.store.export_markdown, session_id)

    async def unload_idle(self, idle_seconds: float) -> builtins.list[str]:
        """Free the memory of stored sessions nobody watches and nothing happened in for
        ``idle_seconds``; they load again on demand. Returns the ids unloaded."""
        if self.store is None:
            return []
        now = time.monotonic()
        idle = [
            s
            for s in self._sessions.values()
            if not s.busy and s.log.watcher_count == 0 and now - s.last_active >= idle_seconds
        ]
        for session in idle:
            await session.close(end=False)
            del self._sessions[session.session_id]
        return [s.session_id for s in idle]

    async def close(self) -> None:
        """Stop every running turn (SessionEnd hooks run) and close the session files."""
        for session in self._sessions.values():
            await session.close()
