"""Start-up: which session to open, the credential source, the banner, preloading the UI."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from claude_cli import __version__
from claude_cli._connect import DaemonLink
from claude_cli._registry import SessionRegistry
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._sessions import (
    SessionGone,
    SessionInfo,
    attach_or_load,
    list_sessions,
    new_session,
)

UI_MODULES = (
    "claude_cli._screen",  # prompt_toolkit: the bulk of it
    "claude_cli._input",
    "claude_cli._commands",
    "claude_cli._background",
)
"""What the prompt needs. rich is not among them: nothing is rendered with it before the prompt
(the banner is plain text), so it loads once the prompt is up (:data:`LATER_MODULES`)."""

LATER_MODULES = (
    "rich.console",
    "rich.text",
    "rich.table",
    "rich.theme",
    "rich.markdown",
    "rich.syntax",
    "claude_cli._pickers",
    "claude_cli._permission",
)


def import_ui() -> None:
    """Import what the screen needs (run in a thread while the daemon answers the handshake)."""
    for name in UI_MODULES:
        importlib.import_module(name)


def import_later() -> None:
    """Import what the first answer needs (run in a thread once the prompt is drawn)."""
    for name in LATER_MODULES:
        importlib.import_module(name)


class StartupError(Exception):
    """The session could not be opened; the message says why."""


PickSession = Callable[[list[SessionInfo]], Awaitable["str | None"]]


async def open_session(
    link: DaemonLink,
    sessions: SessionRegistry,
    *,
    model: str | None,
    mode: str | None,
    continue_last: bool,
    resume: str | None,
    pick: PickSession | None,
) -> bool:
    """Open the foreground session; True when an earlier one was resumed.

    ``--continue`` takes the newest session of the directory, ``--resume ID`` that one, and
    ``--resume`` alone asks ``pick`` to choose. Raises :class:`StartupError`.
    """
    cwd = sessions.cwd
    target = resume
    if continue_last:
        found = await list_sessions(link, cwd)
        if found:
            target = found[0].session_id
        else:
            sys.stderr.write("No earlier session in this directory; starting a new one.\n")
    elif pick is not None:
        found = await list_sessions(link, None)
        if not found:
            raise StartupError("there is no session to resume")
        target = await pick(found)
        if target is None:
            raise StartupError("no session chosen")
    if target is None:
        sessions.switch(await new_session(link, sessions.register, cwd, model, mode))
        return False
    view = sessions.register(target)
    sessions.switch(view)
    try:
        await attach_or_load(link, view, cwd)
    except SessionGone:
        hint = (
            ""
            if link.features.has("session/load")
            else " (this daemon cannot load saved sessions yet)"
        )
        raise StartupError(f"session {target} is not running in the daemon{hint}") from None
    if model:
        await link.request("session/setModel", {"sessionId": target, "model": model})
    if mode:
        await link.request("session/setMode", {"sessionId": target, "mode": mode})
    return True


def session_label(info: SessionInfo, cwd: str) -> str:
    """The title of a ``--resume`` picker entry."""
    where = "" if info.cwd in ("", cwd) else f"  [{info.cwd}]"
    title = info.title or "(no prompt yet)"
    return f"{info.session_id[:8]}  {title[:60]}{where}"


def session_details(info: SessionInfo) -> str:
    """The dimmed details of a ``--resume`` picker entry."""
    parts = [info.when()] if info.updated else []
    if info.messages is not None:
        parts.append(f"{info.messages} message{'s' * (info.messages != 1)}")
    if info.live:
        parts.append("live")
    return " · ".join(parts)


async def auth_source(link: DaemonLink) -> str:
    """Where the daemon's credential comes from (``auth/status``), never the secret.

    A daemon that was already running keeps the environment it started with; when this
    shell's endpoint or credential variable says otherwise, the user is told how to switch.
    """
    if link.features.has("auth/status"):
        with contextlib.suppress(RpcError, ConnectionLost):
            status = await link.request("auth/status", {})
            if isinstance(status, dict) and status.get("source"):
                if not link.spawned and (mismatch := environment_mismatch(status, os.environ)):
                    sys.stderr.write(
                        f"claude-py: {mismatch}; run `claude-py daemon restart` to use this "
                        "shell's settings.\n"
                    )
                return str(status["source"])
    # Without auth/status, the daemon we started has our environment: a fair guess.
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        if os.environ.get(name):
            return f"env:{name}"
    return "unknown (the daemon has no auth/status)"


def environment_mismatch(status: dict[str, Any], env: Mapping[str, str]) -> str | None:
    """How the running daemon's endpoint or credential source differs from ``env``'s."""
    wanted = env.get("ANTHROPIC_BASE_URL", "").strip().rstrip("/")
    used = str(status.get("baseUrl") or "").rstrip("/")
    if wanted and used and wanted != used:
        return (
            f"the running daemon talks to {used}, but this shell sets ANTHROPIC_BASE_URL={wanted}"
        )
    source = str(status.get("source") or "")
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        if env.get(name, "").strip() and source != f"env:{name}":
            if source == "env:ANTHROPIC_API_KEY":
                return None  # it outranks the token anyway
            return (
                f"this shell sets {name}, but the running daemon uses {source or 'no credential'}"
            )
    return None


def banner(
    link: DaemonLink, sessions: SessionRegistry, auth: str, resumed: bool, width: int, color: bool
) -> str:
    """The start-up banner as terminal text."""
    from claude_cli._render._banner import BannerInfo, banner_text

    view = sessions.view
    daemon = link.features.server_version + (" (started)" if link.spawned else "")
    info = BannerInfo(
        version=__version__,
        cwd=sessions.cwd,
        model=view.model or "?",
        auth=auth,
        session_id=view.session_id,
        resumed=resumed,
        daemon=daemon,
    )
    return banner_text(info, width, color)
