"""The application layer's face: what every edge (JSON-RPC, ACP, HTTP, headless) calls.

Edges translate their wire to these calls and the results back; the decisions live here and in
the engine below.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_server.auth import CredentialResolver
from claude_server.commands import CommandEntry, list_commands
from claude_server.engine import LiveSession, SessionManager, SessionOptions, TaskTool
from claude_server.errors import ConfigError, ProtocolViolationError
from claude_server.model import PermissionDecision, read_mode
from claude_server.permissions import ToolCatalog, ToolFacts
from claude_server.provider import resolve_model
from claude_server.references import FileMatch, search_files
from claude_server.services._clients import ClientDescription, ClientHub
from claude_server.services._projects import ProjectRegistry
from claude_server.services._providers import ProviderPool
from claude_server.services._slash import SlashCommands
from claude_server.services._workspace import WorkspaceReport

MAX_QUERY_CHARS = 1024
MAX_PROMPT_CHARS = 1_000_000
"""The longest prompt a client may send (far past any model's context: a paste gone wrong)."""
MAX_PROMPT_IMAGES = 20


def check_prompt(text: str, images: list[str]) -> None:
    """:class:`ProtocolViolationError` for a prompt too large to be a real one."""
    if len(text) > MAX_PROMPT_CHARS:
        raise ProtocolViolationError(
            f"the prompt is {len(text):,} characters; at most {MAX_PROMPT_CHARS:,} can be sent"
        )
    if len(images) > MAX_PROMPT_IMAGES:
        raise ProtocolViolationError(
            f"the prompt has {len(images)} images; at most {MAX_PROMPT_IMAGES} can be sent"
        )


"""Longest ``files/search`` query: completion needs a few words, never a document."""


@dataclass(frozen=True, slots=True)
class CommandList:
    """The slash commands of a project, and problems found reading its skills."""

    commands: list[CommandEntry]
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class Explanation:
    """How the permission rules decide one tool call."""

    decision: PermissionDecision
    mode: str
    tool: str
    """The tool's own name (an alias resolved)."""
    problems: list[str]
    """Rules and settings that could not be read."""


@dataclass(frozen=True, slots=True)
class DaemonState:
    """What ``daemon/status`` reports."""

    pid: int
    uptime_seconds: float
    data_dir: Path
    clients: list[ClientDescription]
    live_sessions: list[LiveSession]


def project_directory(path: str) -> Path:
    """``path`` as a project directory; :class:`ProtocolViolationError` unless it is an absolute
    path to an existing directory."""
    if not os.path.isabs(path):
        raise ProtocolViolationError(f"cwd must be an absolute path, got {path!r}")
    if not os.path.isdir(path):
        raise ProtocolViolationError(f"cwd {path!r} is not a directory")
    return Path(os.path.normpath(path))


class Application:
    """The daemon's shared state and use cases, one per process."""

    def __init__(
        self,
        *,
        sessions: SessionManager,
        projects: ProjectRegistry,
        commands: SlashCommands,
        credentials: CredentialResolver,
        providers: ProviderPool,
        hub: ClientHub,
        data_dir: Path,
    ) -> None:
        self.sessions = sessions
        self.projects = projects
        self.commands = commands
        self.credentials = credentials
        self.providers = providers
        self.hub = hub
        self.data_dir = data_dir
        self._started = time.monotonic()

    # -- sessions -------------------------------------------------------------------------------

    def new_session(
        self,
        cwd: str,
        model: str | None,
        mode: str | None,
        *,
        options: SessionOptions | None = None,
        session_id: str | None = None,
    ) -> LiveSession:
        """A new session in the project at ``cwd`` (a model alias is resolved)."""
        directory = project_directory(cwd)
        return self.sessions.new(
            directory,
            resolve_model(model) if model else None,
            mode,
            options=options,
            session_id=session_id,
        )

    def workspace(self, cwd: str) -> WorkspaceReport:
        """Whether the folder at ``cwd`` is trusted and what of its configuration is ignored."""
        return self.projects.project(project_directory(cwd)).workspace()

    def session_workspace(self, session: LiveSession) -> WorkspaceReport | None:
        """The trust report of a session's folder (``None`` when the folder is gone)."""
        if not session.cwd.is_dir():
            return None
        return self.projects.project(session.cwd).workspace()

    def trust_workspace(self, cwd: str, *, enable_mcp: bool, revoke: bool) -> WorkspaceReport:
        """Trust the folder at ``cwd`` (or stop trusting it); sessions there see it next call."""
        project = self.projects.project(project_directory(cwd))
        if revoke:
            return project.revoke_trust()
        return project.trust(enable_mcp=enable_mcp)

    def set_model(self, session: LiveSession, model: str) -> str:
        """Switch a session's model (an alias is resolved); the model id now in use."""
        session.set_model(resolve_model(model))
        return session.model

    # -- commands and completion ----------------------------------------------------------------

    async def command_list(self, session_id: str | None, cwd: str | None) -> CommandList:
        """The commands of a session's project (or of ``cwd``; the built-ins alone without)."""
        if session_id is not None:
            directory: Path | None = (await self.sessions.get(session_id)).cwd
        elif cwd is not None:
            directory = project_directory(cwd)
        else:
            directory = None
        if directory is None:
            return CommandList(list_commands(()), [])
        skills = self.projects.project(directory).skills()
        return CommandList(
            list_commands(skills.skills), [f"{w.path}: {w.message}" for w in skills.warnings]
        )

    async def search_files(self, cwd: str, query: str, limit: int) -> list[FileMatch]:
        """Paths under ``cwd`` matching ``query`` fuzzily, best first."""
        directory = project_directory(cwd)
        if len(query) > MAX_QUERY_CHARS:
            raise ProtocolViolationError(
                f"query is {len(query)} characters; at most {MAX_QUERY_CHARS} are searched"
            )
        # The walk and the git call block; keep them off the event loop.
        return await asyncio.to_thread(
            search_files, directory, query, limit=limit, home=self.projects.home
        )

    def explain_permission(
        self, cwd: str, tool: str, tool_input: dict[str, Any], mode: str | None
    ) -> Explanation:
        """How the rules of the project at ``cwd`` decide a call (every tool the project's
        sessions offer is known, Task included)."""
        project = self.projects.project(project_directory(cwd))
        if mode is not None and read_mode(mode) is None:
            raise ProtocolViolationError(f"unknown permission mode {mode!r}")
        known: list[ToolFacts] = [*project.tools().all(), TaskTool]
        catalog = ToolCatalog.of(known)
        if not catalog.knows(tool):
            raise ProtocolViolationError(f"unknown tool {tool!r}")
        loaded = project.settings()
        start = read_mode(mode or loaded.settings.permissions.default_mode or "default")
        try:
            checker = project.checker(start or "default", [], known)
        except ConfigError as exc:
            raise ProtocolViolationError(exc.message) from None
        decision = checker.check(tool, tool_input)
        problems = [*map(str, loaded.problems), *checker.problems]
        return Explanation(decision, checker.mode, catalog.canonical(tool), problems)

    # -- the daemon -----------------------------------------------------------------------------

    def state(self) -> DaemonState:
        """What the daemon holds now."""
        return DaemonState(
            pid=os.getpid(),
            uptime_seconds=round(time.monotonic() - self._started, 3),
            data_dir=self.data_dir,
            clients=[c.describe() for c in self.hub],
            live_sessions=self.sessions.live(),
        )

    async def aclose(self) -> None:
        """Stop every session (their hooks run), every project's servers, the HTTP client."""
        await self.sessions.close()
        await self.projects.aclose()
        await self.providers.aclose()
