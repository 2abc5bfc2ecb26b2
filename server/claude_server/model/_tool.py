"""The contract between the engine and a tool.

A tool is one module in :mod:`claude_server.tools`: a pydantic input model (its JSON schema goes
to the API), a description in our words, a permission level, and ``async run(input, ctx)``.
Tools raise :class:`ToolError` for expected failures (missing file, non-unique edit); the engine
turns it into an ``is_error`` tool result so the model can correct itself.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from claude_server.model._message import AssistantMessage


class PermissionLevel(enum.StrEnum):
    """How dangerous a tool is, which decides when the user is asked."""

    READ_ONLY = "read_only"
    """Reads files or state; never asks in default mode (paths outside the project still may)."""
    EDIT = "edit"
    """Changes files; allowed without asking in ``acceptEdits`` mode."""
    EXECUTE = "execute"
    """Runs commands or reaches the network; asks unless a rule allows it."""


class ToolError(Exception):
    """An expected failure, reported to the model as an ``is_error`` result."""


@dataclass(frozen=True, slots=True)
class DiffDisplay:
    """A file change, for clients to render as a diff."""

    path: str
    old_text: str
    new_text: str


@dataclass(frozen=True, slots=True)
class TerminalDisplay:
    """Output of a command."""

    output: str
    exit_code: int | None = None


@dataclass(frozen=True, slots=True)
class TextDisplay:
    """Plain text for clients (when the model's result is not what a user should read)."""

    text: str


ToolDisplay = DiffDisplay | TerminalDisplay | TextDisplay


@dataclass(slots=True)
class ToolResult:
    """What a tool call produced.

    ``content`` goes to the model (a string, or API content blocks such as an image);
    ``display`` goes to clients.
    """

    content: str | list[dict[str, Any]]
    is_error: bool = False
    display: list[ToolDisplay] = field(default_factory=list)


class ToolContext(Protocol):
    """What a running tool may use from its session (the engine provides it)."""

    @property
    def cwd(self) -> Path:
        """The session's project directory."""
        ...

    @property
    def session_id(self) -> str:
        """The session the call belongs to."""
        ...

    @property
    def state(self) -> dict[str, Any]:
        """Per-session scratch space for tools, kept across calls (files read, todos, shells).

        Each tool module keeps its own state object under its own key.
        """
        ...

    def progress(self, text: str) -> None:
        """Report progress to clients (a line of output, a status)."""
        ...

    def report_plan(self, entries: list[dict[str, Any]]) -> None:
        """Publish the session's task list (``content``, ``status``, ``activeForm``) to clients."""
        ...

    def set_permission_mode(self, mode: str) -> None:
        """Switch the session's permission mode (``default``, ``acceptEdits``, ``plan``...)."""
        ...

    async def ask_user(self, questions: list[dict[str, Any]]) -> dict[str, Any]:
        """Ask the user through an attached client.

        ``questions`` follow Claude Code's AskUserQuestion shape; the answer maps each question
        text to the chosen label(s). Raises :class:`ToolError` when no client can answer.
        """
        ...

    async def ask_model(
        self,
        prompt: str,
        *,
        system: str | None = None,
        server_tools: list[dict[str, Any]] | None = None,
        small: bool = True,
    ) -> AssistantMessage:
        """A side request to the model, outside the conversation (WebFetch, WebSearch).

        ``small`` picks the fast model; ``server_tools`` are API-side tools such as web search.
        """
        ...


class Tool(Protocol):
    """A tool the model can call."""

    name: ClassVar[str]
    """The name the model uses (Claude Code's: ``Bash``, ``Read``, ``Edit``...)."""
    aliases: ClassVar[tuple[str, ...]]
    """Other names accepted in permission rules (the seed's snake_case names)."""
    description: ClassVar[str]
    input_model: ClassVar[type[BaseModel]]
    permission: ClassVar[PermissionLevel]

    def is_read_only(self, tool_input: BaseModel) -> bool:
        """Whether this call only reads (read-only calls of one response run concurrently)."""
        ...

    def summary(self, tool_input: BaseModel) -> str:
        """One line for clients, e.g. ``Read src/app.py``."""
        ...

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """The files this call is about to change, as given (undo snapshots, diagnostics)."""
        ...

    async def run(self, tool_input: BaseModel, ctx: ToolContext) -> ToolResult:
        """Do the work; raise :class:`ToolError` for an expected failure."""
        ...


AskUser = Callable[[list[dict[str, Any]]], Awaitable[dict[str, Any]]]
"""How a context reaches the user for ``AskUserQuestion``."""
