"""Handlers of the stored-session methods: list, load, fork, delete, export, rewind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_server import protocol as p
from claude_server.rpc._dispatch import Handler
from claude_server.services import Application, wire_summary, wire_workspace

if TYPE_CHECKING:
    from claude_server.rpc._connection import Connection


def storage_handlers(app: Application, conn: Connection) -> dict[str, Handler]:
    """The stored-session methods, bound to one connection."""
    sessions = app.sessions

    async def list_(params: p.SessionListParams) -> p.SessionListResult:
        lister = sessions.list if params.source == "claude-py" else sessions.list_claude_code
        page = lister(params.cwd, limit=params.limit, cursor=params.cursor)
        return p.SessionListResult(
            sessions=[wire_summary(s) for s in page.sessions], next_cursor=page.next_cursor
        )

    async def load(params: p.SessionLoadParams) -> p.SessionLoadResult:
        if params.source == "claude-code":
            session = await sessions.import_claude_code(params.session_id)
        else:
            session = await sessions.get(params.session_id)
        replayed = await conn.replay_and_watch(session, 0)
        loaded = session.record.loaded
        return p.SessionLoadResult(
            session_id=session.session_id,
            title=session.title,
            cwd=str(session.cwd),
            model=session.model,
            mode=session.mode,
            last_seq=session.log.last_seq,
            replayed=replayed,
            message_count=len(session.messages),
            busy=session.busy,
            warnings=list(loaded.warnings) if loaded is not None else [],
            workspace=wire_workspace(report)
            if (report := app.session_workspace(session))
            else None,
        )

    async def fork(params: p.SessionForkParams) -> p.SessionForkResult:
        return p.SessionForkResult(
            session_id=await sessions.fork(params.session_id, params.messages)
        )

    async def delete(params: p.SessionIdParams) -> p.Empty:
        await sessions.delete(params.session_id)
        return p.Empty()

    async def export(params: p.SessionIdParams) -> p.SessionExportResult:
        return p.SessionExportResult(markdown=await sessions.export_markdown(params.session_id))

    async def rewind(params: p.SessionRewindParams) -> p.SessionRewindResult:
        session = await sessions.get(params.session_id)
        kept, restored = session.rewind(params.messages, restore_files=params.restore_files)
        return p.SessionRewindResult(kept_messages=kept, restored_files=restored)

    return {
        "session/list": list_,
        "session/load": load,
        "session/fork": fork,
        "session/delete": delete,
        "session/export": export,
        "session/rewind": rewind,
    }
