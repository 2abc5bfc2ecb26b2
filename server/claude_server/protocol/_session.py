"""Session requests: create, prompt, cancel, attach."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel
from claude_server.protocol._tools import PermissionMode
from claude_server.protocol._workspace import WorkspaceInfo

SessionId = Annotated[str, Field(min_length=1, max_length=200)]


class SessionNewParams(WireModel):
    """Params of ``session/new``."""

    cwd: Annotated[str, Field(min_length=1)]
    """Absolute path of the project directory the session works in."""
    model: str | None = None
    """Model id or alias; the daemon's default when absent."""
    mode: PermissionMode | None = None
    """Permission mode to start in; the settings' default when absent."""


class SessionNewResult(WireModel):
    """Result of ``session/new``."""

    session_id: str
    model: str
    mode: str
    workspace: WorkspaceInfo | None = None
    """The project folder's trust state (its ``notice`` is for the user)."""


class TextPromptBlock(WireModel):
    """Text typed by the user."""

    type: Literal["text"] = "text"
    text: str


class ImagePromptBlock(WireModel):
    """An image the user attached (pasted, dropped): base64 bytes of a PNG, JPEG, GIF or WebP."""

    type: Literal["image"] = "image"
    mime_type: str | None = None
    """Informative; the daemon detects the format from the bytes."""
    data: Annotated[str, Field(min_length=1)]


PromptBlock = Annotated[TextPromptBlock | ImagePromptBlock, Field(discriminator="type")]
"""A block of a prompt: text, or an attached image."""


class SessionPromptParams(WireModel):
    """Params of ``session/prompt``."""

    session_id: SessionId
    prompt: Annotated[list[PromptBlock], Field(min_length=1)]


class Usage(WireModel):
    """Token counts."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


StopReason = Literal[
    "end_turn",
    "interrupted",
    "max_tokens",
    "stop_sequence",
    "tool_use",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
    "max_turns",
    "cancelled",
    "error",
    "blocked",
]
"""Why a turn ended: the model's stop reason, or ``max_turns``, ``cancelled``, ``error``,
``blocked`` (a UserPromptSubmit hook refused the prompt)."""


class SessionPromptResult(WireModel):
    """Result of ``session/prompt``: sent when the turn has ended."""

    stop_reason: StopReason
    usage: Usage
    cost_usd: float | None = None
    """Estimated cost of the turn in USD (absent when a model's price is unknown)."""


class SessionCancelParams(WireModel):
    """Params of the ``session/cancel`` notification."""

    session_id: SessionId


class SessionAttachParams(WireModel):
    """Params of ``session/attach``."""

    session_id: SessionId
    since_seq: Annotated[int, Field(ge=0)] | None = None
    """Replay the updates after this ``seq`` before the response; ``0`` replays all."""


class SessionAttachResult(WireModel):
    """Result of ``session/attach``."""

    session_id: str
    cwd: str
    model: str
    mode: str
    last_seq: int
    """The ``seq`` of the newest update at attach time; later updates follow live."""
    replayed: int
    """How many updates were replayed before this result."""
    busy: bool


class SessionSummaryInfo(WireModel):
    """One stored session in a list."""

    session_id: str
    title: str
    cwd: str
    created_at: str
    """ISO 8601."""
    updated_at: str
    """ISO 8601: the last activity."""
    message_count: int
    model: str = ""
    source: Literal["claude-py", "claude-code"] = "claude-py"
    """``claude-code``: one of Claude Code's own transcripts (loading it imports a copy)."""
    forked_from: str | None = None


class SessionListParams(WireModel):
    """Params of ``session/list``."""

    cwd: str | None = None
    """Only sessions started in this directory."""
    limit: Annotated[int, Field(ge=1, le=500)] = 50
    cursor: str | None = None
    """From the previous page's ``nextCursor``."""
    source: Literal["claude-py", "claude-code"] = "claude-py"


class SessionListResult(WireModel):
    """Result of ``session/list``: newest first."""

    sessions: list[SessionSummaryInfo]
    next_cursor: str | None = None


class SessionLoadParams(WireModel):
    """Params of ``session/load``."""

    session_id: SessionId
    source: Literal["claude-py", "claude-code"] = "claude-py"
    """``claude-code`` imports that transcript into a new session and loads the copy."""


class SessionLoadResult(WireModel):
    """Result of ``session/load``, after the history was replayed as updates."""

    session_id: str
    """The loaded session (a new id when a Claude Code transcript was imported)."""
    title: str
    cwd: str
    model: str
    mode: str
    last_seq: int
    replayed: int
    message_count: int
    busy: bool
    warnings: list[str] = Field(default_factory=list)
    """What could not be read back (a line torn by a crash...); the rest loaded."""
    workspace: WorkspaceInfo | None = None
    """The project folder's trust state (its ``notice`` is for the user)."""


class SessionForkParams(WireModel):
    """Params of ``session/fork``."""

    session_id: SessionId
    messages: Annotated[int, Field(ge=0)] | None = None
    """Keep only the first N messages in the copy (all when absent)."""


class SessionForkResult(WireModel):
    """Result of ``session/fork``: the new session's id (load or attach it to use it)."""

    session_id: str


class SessionIdParams(WireModel):
    """Params naming one session (``session/delete``, ``session/export``)."""

    session_id: SessionId


class SessionExportResult(WireModel):
    """Result of ``session/export``."""

    markdown: str


class SessionRewindParams(WireModel):
    """Params of ``session/rewind``."""

    session_id: SessionId
    messages: Annotated[int, Field(ge=1)] = 1
    """Drop at least this many of the last messages, back to the start of that turn."""
    restore_files: bool = False
    """Also put back the files the dropped turns edited."""


class SessionRewindResult(WireModel):
    """Result of ``session/rewind``."""

    kept_messages: int
    restored_files: list[str]
