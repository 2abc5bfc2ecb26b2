"""Slash commands, autocomplete lists and path completion."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel
from claude_server.protocol._session import SessionId, StopReason, Usage


class CommandsListParams(WireModel):
    """Params of ``commands/list``: the session (or project directory) whose skills count."""

    session_id: str | None = None
    cwd: str | None = None
    """Used when no session is given; the daemon's built-ins are always listed."""


class CommandInfo(WireModel):
    """One command for autocomplete."""

    name: str
    description: str
    argument_hint: str | None = None
    source: Literal["builtin", "skill", "command"]
    scope: Literal["user", "project"] | None = None
    runs_in: Literal["daemon", "client"]
    """``client`` commands (``/vim``, ``/copy``, ``/quit``) are the client's own."""
    aliases: list[str] = Field(default_factory=list)
    label: str | None = None


class CommandsListResult(WireModel):
    """Result of ``commands/list``."""

    commands: list[CommandInfo]
    warnings: list[str] = Field(default_factory=list)
    """Problems found while reading skills and command files (each names its file)."""


class SessionCommandParams(WireModel):
    """Params of ``session/command``: a slash command line as the user typed it."""

    session_id: SessionId
    command: Annotated[str, Field(min_length=2)]
    """The whole line, starting with ``/`` (``/model opus``, ``/review``, ``/my-skill args``)."""


class SessionCommandResult(WireModel):
    """Result of ``session/command``.

    ``output`` is Markdown for the user. A command that runs a turn (``/review``, a skill,
    ``/plan TASK``) answers when the turn ends, with its ``stopReason`` and ``usage``.
    """

    command: str
    """The command that ran (its canonical name)."""
    output: str | None = None
    stop_reason: StopReason | None = None
    usage: Usage | None = None


class FilesSearchParams(WireModel):
    """Params of ``files/search``: fuzzy path completion for ``@`` references."""

    cwd: Annotated[str, Field(min_length=1)]
    query: str
    limit: Annotated[int, Field(ge=1, le=500)] = 50


class FileMatchInfo(WireModel):
    """A path that matches, relative to ``cwd`` (directories end with ``/``)."""

    path: str
    is_dir: bool
    score: float


class FilesSearchResult(WireModel):
    """Result of ``files/search``, best first."""

    matches: list[FileMatchInfo]
