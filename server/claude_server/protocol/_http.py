"""Bodies of the HTTP API (``claude-py-server --http``): the same vocabulary as the JSON-RPC
protocol, so a session's updates look alike on either edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel
from claude_server.protocol._session import SessionSummaryInfo, StopReason, Usage


class HttpHealthResult(WireModel):
    """``GET /health``."""

    status: Literal["ok"] = "ok"
    version: str
    pid: int
    live_sessions: int
    """Sessions loaded in the daemon now."""
    busy_sessions: int
    """Of those, the ones running a turn."""


class ChatRequest(WireModel):
    """``POST /chat``: one prompt, in a new session (``cwd``) or an existing one."""

    prompt: Annotated[str, Field(min_length=1)]
    session_id: str | None = None
    """Continue this session (stored or live); without it ``cwd`` starts a new one."""
    cwd: str | None = None
    """Absolute path of the project a new session works in."""
    model: str | None = None
    mode: str | None = None
    """Permission mode of a new session."""
    stream: bool = True
    """Server-sent events as the turn runs (``session``, ``update``..., ``result``); ``false``
    answers with one :class:`ChatResult` when the turn is over."""


class ChatResult(WireModel):
    """The end of a ``POST /chat`` turn (the last SSE event, or the whole JSON answer)."""

    session_id: str
    stop_reason: StopReason
    usage: Usage
    cost_usd: float | None = None
    text: str
    """The agent's last message of the turn."""


class ChatStarted(WireModel):
    """The first SSE event of a streamed ``POST /chat``: which session the turn runs in."""

    session_id: str


class HttpSessionList(WireModel):
    """``GET /sessions``: stored sessions, newest first."""

    sessions: list[SessionSummaryInfo]
    next_cursor: str | None = None


class HttpMessage(WireModel):
    """One message of a session's conversation, as text."""

    role: Literal["user", "assistant"]
    text: str


class HttpSession(WireModel):
    """``GET /sessions/{id}``."""

    session_id: str
    title: str
    cwd: str
    model: str
    mode: str
    busy: bool
    last_seq: int
    messages: list[HttpMessage]


class HttpErrorDetail(WireModel):
    """What went wrong, in the daemon's error taxonomy (``code`` as in JSON-RPC errors)."""

    code: str
    message: str
    retryable: bool = False


class HttpError(WireModel):
    """The body of every 4xx and 5xx answer (and of an SSE ``error`` event)."""

    error: HttpErrorDetail
