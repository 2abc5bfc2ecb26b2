"""Opening, finding and re-attaching sessions (the protocol side; no rendering)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claude_cli._connect import DaemonLink
from claude_cli._rpc import RpcError
from claude_cli._session_client import SessionView


class SessionGone(Exception):
    """The session is neither live in the daemon nor loadable."""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A session as listed for ``--continue`` / ``--resume``."""

    session_id: str
    cwd: str = ""
    title: str = ""
    updated: str = ""
    model: str = ""
    live: bool = False
    last_seq: int | None = None
    """Updates so far (live sessions only); 0 means nothing happened in it yet."""
    messages: int | None = None

    @classmethod
    def from_wire(cls, raw: dict[str, Any], live: bool = False) -> SessionInfo:
        """Read an entry of ``session/list`` or of ``daemon/status`` ``liveSessions``."""
        title = raw.get("title") or raw.get("summary") or raw.get("firstPrompt") or ""
        updated = raw.get("updatedAt") or raw.get("lastActivity") or raw.get("createdAt") or ""
        return cls(
            session_id=str(raw.get("sessionId", "")),
            cwd=str(raw.get("cwd", "")),
            title=" ".join(str(title).split()),
            updated=str(updated),
            model=str(raw.get("model") or ""),
            live=bool(raw.get("live", live)),
            last_seq=raw.get("lastSeq") if isinstance(raw.get("lastSeq"), int) else None,
            messages=raw.get("messageCount") if isinstance(raw.get("messageCount"), int) else None,
        )

    def when(self) -> str:
        """The last activity as local ``YYYY-MM-DD HH:MM`` (or as given when unparsable)."""
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(self.updated)
        except ValueError:
            return self.updated
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")


async def list_sessions(link: DaemonLink, cwd: str | None) -> list[SessionInfo]:
    """Sessions, most recent first; only ``cwd``'s when given.

    Uses ``session/list`` when the daemon has it, else the live sessions of ``daemon/status``
    (which the daemon lists oldest first); sessions where nothing happened yet come last.
    """
    if link.features.has("session/list"):
        params: dict[str, Any] = {"cwd": cwd} if cwd else {}
        result = await link.request("session/list", params)
        raw = result.get("sessions", []) if isinstance(result, dict) else result
        found = [SessionInfo.from_wire(r) for r in raw or [] if isinstance(r, dict)]
        found = [s for s in found if s.session_id and (cwd is None or not s.cwd or s.cwd == cwd)]
        if any(s.updated for s in found):
            found.sort(key=lambda s: s.updated, reverse=True)
        return found
    status = await link.request("daemon/status")
    live = [
        SessionInfo.from_wire(r, live=True)
        for r in status.get("liveSessions", [])
        if isinstance(r, dict) and (cwd is None or r.get("cwd") == cwd)
    ]
    newest_first = list(reversed(live))
    return [s for s in newest_first if s.last_seq != 0] + [
        s for s in newest_first if s.last_seq == 0
    ]


async def new_session(
    link: DaemonLink, view_for: Any, cwd: str, model: str | None, mode: str | None
) -> SessionView:
    """Create a session; ``view_for(session_id)`` registers its view before updates arrive."""
    params: dict[str, Any] = {"cwd": cwd}
    if model:
        params["model"] = model
    if mode:
        params["mode"] = mode
    result = await link.request("session/new", params)
    view: SessionView = view_for(result["sessionId"])
    view.cwd = cwd
    view.model = str(result.get("model", model or ""))
    view.mode = str(result.get("mode", mode or "default"))
    return view


def _fill(view: SessionView, result: Any, cwd: str) -> None:
    result = result if isinstance(result, dict) else {}
    view.cwd = str(result.get("cwd") or view.cwd or cwd)
    view.model = str(result.get("model") or view.model)
    view.mode = str(result.get("mode") or view.mode)
    last_seq = result.get("lastSeq")
    if isinstance(last_seq, int) and last_seq < view.last_seq:
        # A restarted daemon numbers from its own log: follow it, or every new update would
        # look like one already seen.
        view.last_seq = last_seq


async def attach_or_load(
    link: DaemonLink,
    view: SessionView,
    cwd: str,
    views: dict[str, SessionView] | None = None,
) -> str:
    """Follow ``view``'s session from ``view.last_seq`` on; returns ``"attached"`` or ``"loaded"``.

    A live session is attached (missed updates are replayed into the view first). A session the
    daemon no longer holds is loaded from disk with ``session/load`` when the daemon has it;
    otherwise :class:`SessionGone`. ``views`` (the registry's) lets a view that already shows
    the history skip ``session/load``'s full replay.
    """
    view.replaying = True
    try:
        try:
            result = await link.request(
                "session/attach", {"sessionId": view.session_id, "sinceSeq": view.last_seq}
            )
            _fill(view, result, cwd)
            return "attached"
        except RpcError as exc:
            if exc.error_code != "session_not_found" and exc.code != -32031:
                raise
        if not link.features.has("session/load"):
            raise SessionGone(view.session_id)
        shown = view.last_seq > 0 and views is not None
        if shown and views is not None:
            # The load replays everything from the start; this view has it on screen already.
            views[view.session_id] = SessionView(view.session_id, cwd=view.cwd)
        try:
            result = await link.request("session/load", {"sessionId": view.session_id})
        except RpcError as exc:
            if exc.error_code == "session_not_found" or exc.code == -32031:
                raise SessionGone(view.session_id) from None
            raise
        finally:
            if views is not None:
                views[view.session_id] = view
        if shown and isinstance(result, dict) and isinstance(result.get("lastSeq"), int):
            view.last_seq = result["lastSeq"]
        _fill(view, result, cwd)
        return "loaded"
    finally:
        view.replaying = False
