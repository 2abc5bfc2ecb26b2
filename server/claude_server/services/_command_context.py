"""What a slash command runs with, and what it returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from claude_server.commands import CommandInvocation
from claude_server.engine import LiveSession, SessionManager, TurnOutcome
from claude_server.services._projects import ProjectContext
from claude_server.services._reports import Reports


@dataclass(frozen=True, slots=True)
class CommandContext:
    """A command's view of the daemon: its session, the session's project, the reports."""

    session: LiveSession
    project: ProjectContext
    sessions: SessionManager
    reports: Reports


@dataclass(frozen=True, slots=True)
class SlashResult:
    """What a command produced: text for the user, and the turn it ran, if any."""

    command: str
    output: str | None = None
    turn: TurnOutcome | None = None


Handler = Callable[[CommandContext, CommandInvocation], Awaitable[SlashResult]]
