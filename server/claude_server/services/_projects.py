"""Projects: each directory's settings, tools, permission rules, memory, hooks, agents and
sandbox, resolved once per directory (implements the engine's ``Project`` port)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from claude_server.commands import (
    SkillSet,
    discover_agents,
    discover_skills,
    skills_prompt_section,
)
from claude_server.config import (
    HooksConfig,
    LoadedSettings,
    SettingsWatcher,
    TrustStore,
    collect_memory,
    enable_mcp_servers,
    render_memory,
)
from claude_server.engine import AgentDefinition, builtin_agents
from claude_server.mcp import McpConfig, load_mcp_files, project_config_paths, user_config_paths
from claude_server.model import PermissionMode
from claude_server.permissions import (
    RuleChecker,
    ToolCatalog,
    ToolFacts,
    sandbox_command,
    save_rule,
    suggest_rules,
)
from claude_server.provider import resolve_model
from claude_server.services._project_tools import ProjectTools
from claude_server.services._workspace import WorkspaceReport, report, servers_to_run
from claude_server.tools import set_command_env, set_command_wrapper

log = logging.getLogger(__name__)


class ProjectContext:
    """One project directory (implements ``Project``)."""

    def __init__(
        self, directory: Path, *, home: Path, env: Mapping[str, str], trust: TrustStore
    ) -> None:
        self._directory = directory
        self._home = home
        self._env = env
        self._trust = trust
        self._trusted = trust.is_trusted(directory)
        self._watcher = SettingsWatcher(directory, home=home, env=env, trusted=self._trusted)
        self._report(self._watcher.current)
        self._tools = ProjectTools(directory)

    @property
    def directory(self) -> Path:
        """The project's directory."""
        return self._directory

    @property
    def home(self) -> Path:
        """The user's home."""
        return self._home

    # -- settings -------------------------------------------------------------------------------

    def settings(self) -> LoadedSettings:
        """The current settings (read again when a settings file or the folder's trust changed)."""
        trusted = self._trust.is_trusted(self._directory)
        if trusted != self._trusted:
            self._trusted = trusted
            self._watcher.set_trusted(trusted)
            self._report(self._watcher.current)
        elif self._watcher.reload_if_changed():
            self._report(self._watcher.current)
        return self._watcher.current

    # -- trust ----------------------------------------------------------------------------------

    def workspace(self) -> WorkspaceReport:
        """Whether the folder is trusted, and what of its configuration is not applied."""
        loaded = self.settings()
        grants = [s.name for s in self._all_skills() if s.scope == "project" and s.allowed_tools]
        return report(self._directory, loaded, self._mcp_files(project=True).servers, grants)

    def trust(self, *, enable_mcp: bool) -> WorkspaceReport:
        """Trust the folder (and, with ``enable_mcp``, enable its pending MCP servers)."""
        self._trust.trust(self._directory)
        if enable_mcp:
            pending = self.workspace().pending_mcp
            if pending:
                enable_mcp_servers(self._directory, pending)
        return self.workspace()

    def revoke_trust(self) -> WorkspaceReport:
        """Stop trusting the folder."""
        self._trust.revoke(self._directory)
        return self.workspace()

    @staticmethod
    def _report(loaded: LoadedSettings) -> None:
        for problem in loaded.problems:
            log.warning("settings: %s", problem)

    def checker(
        self,
        mode: PermissionMode,
        session_rules: Sequence[str],
        tools: Iterable[ToolFacts] = (),
        extra_dirs: Sequence[Path] = (),
        session_deny: Sequence[str] = (),
    ) -> RuleChecker:
        """A permission checker for the next tool call."""
        checker = RuleChecker.from_settings(
            self.settings(), mode=mode, additional_dirs=extra_dirs, tools=ToolCatalog.of(tools)
        )
        for rule in session_rules:
            checker.add_rule("allow", rule, source="this session")
        for rule in session_deny:
            checker.add_rule("deny", rule, source="this session")
        return checker

    def suggest_rules(self, tool_name: str, tool_input: dict[str, Any]) -> list[str]:
        """Allow rules for "allow always"."""
        return suggest_rules(tool_name, tool_input, project_dir=self._directory)

    def save_rule(self, rule: str) -> None:
        """Write an allow rule to ``.claude/settings.local.json``."""
        save_rule(self._directory, "allow", rule)

    def hooks(self) -> HooksConfig:
        """The hooks in force."""
        return self.settings().hooks()

    def model(self) -> str | None:
        """The project's default model from its settings (``MODEL`` in the environment wins)."""
        if self._env.get("MODEL", "").strip():
            return None
        name = self.settings().settings.model
        return resolve_model(name) if name else None

    # -- memory, skills, agents -----------------------------------------------------------------

    def memory(self) -> str | None:
        """CLAUDE.md files and the skills list, for the system prompt."""
        text = render_memory(collect_memory(self._directory, self._home))
        skills = skills_prompt_section(self.skills().skills)
        return "\n\n".join(part for part in (text, skills) if part) or None

    def skills(self) -> SkillSet:
        """The project's skills and custom commands (an untrusted project's grant no tools)."""
        found = self._all_skills()
        if self.settings().trusted:
            return found
        return SkillSet(
            (
                replace(s, allowed_tools=()) if s.scope == "project" and s.allowed_tools else s
                for s in found
            ),
            found.warnings,
        )

    def _all_skills(self) -> SkillSet:
        return discover_skills(self._directory, home=self._home)

    def agents(self) -> dict[str, AgentDefinition]:
        """Built-in sub-agent types plus the project's and the user's agent files."""
        agents = builtin_agents()
        files, warnings = discover_agents(self._directory, home=self._home)
        for warning in warnings:
            log.warning("agents: %s: %s", warning.path, warning.message)
        for f in files:
            agents[f.name] = AgentDefinition(
                name=f.name,
                description=f.description,
                system_prompt=f.prompt,
                tools=f.tools,
                model=resolve_model(f.model) if f.model else None,
                source=str(f.path),
            )
        return agents

    # -- tools ----------------------------------------------------------------------------------

    def tools(self) -> ProjectTools:
        """The project's tool set (its MCP servers start with the first turn)."""
        return self._tools

    async def prepare_turn(self, tool_state: dict[str, Any]) -> list[str]:
        """Bash gets the settings' ``env`` and, when asked for, the sandbox; the MCP servers the
        user's files define, and the project's once trusted and enabled, start."""
        self._prepare_bash(tool_state)
        user = self._mcp_files(project=False)
        project = self._mcp_files(project=True)
        for problem in (*user.problems, *project.problems):
            log.warning("mcp: %s", problem)
        servers, _ = servers_to_run(self.settings(), user.servers, project.servers)
        await self._tools.configure(servers)
        return await self._tools.refresh()

    def _mcp_files(self, *, project: bool) -> McpConfig:
        paths = project_config_paths(self._directory) if project else user_config_paths(self._home)
        return load_mcp_files(paths, environ=self._env)

    def _prepare_bash(self, state: dict[str, Any]) -> None:
        settings = self.settings().settings
        set_command_env(state, settings.env)
        sandbox = settings.sandbox
        if not sandbox.enabled:
            set_command_wrapper(state, None)
            return
        # bubblewrap cannot filter by domain: any allowed domain opens the network.
        network = bool(sandbox.network.allowed_domains)
        writable = [Path(os.path.expanduser(p)) for p in sandbox.filesystem.allow_write]
        directory = self._directory
        set_command_wrapper(
            state,
            lambda argv, where, files: sandbox_command(
                argv,
                directory,
                allow_network=network,
                extra_writable=[*writable, *(Path(f) for f in files)],
                chdir=where,
            ),
        )

    async def aclose(self) -> None:
        """Stop the project's MCP servers."""
        await self._tools.aclose()


class ProjectRegistry:
    """Every project the daemon has seen, one :class:`ProjectContext` per directory
    (implements ``ProjectSource``)."""

    def __init__(self, home: Path, env: Mapping[str, str], trust: TrustStore) -> None:
        self.home = home
        self._env = env
        self._trust = trust
        self._projects: dict[Path, ProjectContext] = {}

    def project(self, directory: Path) -> ProjectContext:
        """The project at ``directory``."""
        key = Path(os.path.abspath(directory))
        context = self._projects.get(key)
        if context is None:
            context = self._projects[key] = ProjectContext(
                key, home=self.home, env=self._env, trust=self._trust
            )
        return context

    async def aclose(self) -> None:
        """Stop every project's MCP servers."""
        for context in self._projects.values():
            await context.aclose()
