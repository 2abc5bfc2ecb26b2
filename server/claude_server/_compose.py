"""The composition root: builds the daemon's parts from the environment and settings.

Everything that knows about more than one package meets here, so the packages themselves stay
unaware of each other's concrete classes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from claude_server import __version__
from claude_server.auth import Credential, CredentialResolver
from claude_server.commands import (
    SkillSet,
    discover_agents,
    discover_skills,
    skills_prompt_section,
)
from claude_server.config import (
    LoadedSettings,
    SettingsWatcher,
    collect_memory,
    env_settings,
    load_settings,
    render_memory,
)
from claude_server.engine import (
    AgentDefinition,
    CombinedTools,
    EngineDeps,
    SessionManager,
    builtin_agents,
    parse_hooks,
)
from claude_server.engine._hooks import HooksConfig
from claude_server.errors import ClaudePyError
from claude_server.mcp import McpServers, McpToolSet, load_mcp_config
from claude_server.model import PermissionChecker, PermissionLevel, Provider, Tool
from claude_server.permissions import (
    RuleChecker,
    bwrap_path,
    sandbox_command,
    save_rule,
    suggest_rules,
)
from claude_server.provider import AnthropicProvider, ProviderSettings, resolve_model
from claude_server.rpc import DaemonCore, RpcBridge
from claude_server.sessions import ClaudeCodeTranscripts, SessionStore
from claude_server.tools import (
    BUILTIN_TOOLS,
    ToolRegistry,
    close_tool_state,
    find_ripgrep,
    set_command_env,
    set_command_wrapper,
)

log = logging.getLogger(__name__)

_LEVELS: dict[str, PermissionLevel] = {t.name: t.permission for t in BUILTIN_TOOLS}
_LEVELS["Task"] = PermissionLevel.READ_ONLY


class ProviderPool:
    """Hands out a provider for the current credential, rebuilding it when the credential
    changes (a refreshed OAuth token, a new key after ``auth/login``)."""

    def __init__(self, resolver: CredentialResolver, env: Mapping[str, str]) -> None:
        self._resolver = resolver
        self._settings = ProviderSettings.from_env(env)
        self._credential: Credential | None = None
        self._provider: AnthropicProvider | None = None

    async def get(self) -> Provider:
        """The provider to use for the next request."""
        credential = await self._resolver.resolve()
        if self._provider is None or credential != self._credential:
            if self._provider is not None:
                await self._provider.aclose()
            self._provider = self._settings.provider(credential)
            self._credential = credential
        return self._provider

    async def rejected(self) -> None:
        """The API refused the credential: drop caches so the next request re-resolves it."""
        if self._credential is not None:
            await self._resolver.invalidate(self._credential)
        self._credential = None

    async def aclose(self) -> None:
        """Release the HTTP client."""
        if self._provider is not None:
            await self._provider.aclose()
            self._provider = None


class Projects:
    """The settings of each project directory, read again when a settings file changes."""

    def __init__(self, home: Path, env: Mapping[str, str]) -> None:
        self.home = home
        self._env = env
        self._watchers: dict[Path, SettingsWatcher] = {}
        self._tools: dict[Path, ProjectTools] = {}

    def settings(self, cwd: Path) -> LoadedSettings:
        """The current settings of the project at ``cwd``."""
        watcher = self._watchers.get(cwd)
        if watcher is None:
            watcher = SettingsWatcher(cwd, home=self.home, env=self._env)
            self._watchers[cwd] = watcher
            for problem in watcher.current.problems:
                log.warning("settings: %s", problem)
        elif watcher.reload_if_changed():
            for problem in watcher.current.problems:
                log.warning("settings: %s", problem)
        return watcher.current

    def checker(self, cwd: Path, mode: str, session_rules: list[str]) -> PermissionChecker:
        """A permission checker for one tool call."""
        checker = RuleChecker.from_settings(self.settings(cwd), mode=mode, tool_level=_LEVELS.get)
        for rule in session_rules:
            checker.add_rule("allow", rule, source="this session")
        return checker

    def hooks(self, cwd: Path) -> HooksConfig:
        """The hooks in force for the project."""
        loaded = self.settings(cwd)
        if loaded.settings.disable_all_hooks:
            return {}
        raw = loaded.settings.model_dump(mode="json", by_alias=True, exclude_none=True)
        config, problems = parse_hooks(raw.get("hooks"))
        for problem in problems:
            log.warning("settings: %s", problem)
        return config

    def memory(self, cwd: Path) -> str | None:
        """CLAUDE.md files and the skills list, for the system prompt."""
        text = render_memory(collect_memory(cwd, self.home))
        skills = skills_prompt_section(self.skills(cwd).skills)
        return "\n\n".join(part for part in (text, skills) if part) or None

    def tools(self, cwd: Path) -> ProjectTools:
        """The project's tool set (shared by its sessions: one process per MCP server)."""
        tools = self._tools.get(cwd)
        if tools is None:
            config = load_mcp_config(cwd, home=self.home, environ=self._env)
            for problem in config.problems:
                log.warning("mcp: %s", problem)
            servers = McpServers(config.servers, cwd=cwd) if config.servers else None
            tools = self._tools[cwd] = ProjectTools(servers)
        return tools

    async def prepare_turn(self, cwd: Path) -> list[str]:
        """Start the project's MCP servers before a turn needs their tools."""
        return await self.tools(cwd).refresh()

    async def aclose(self) -> None:
        """Stop every project's MCP servers."""
        for tools in self._tools.values():
            await tools.aclose()

    def model(self, cwd: Path) -> str | None:
        """The project's default model from its settings (``MODEL`` in the environment wins)."""
        if self._env.get("MODEL", "").strip():
            return None
        name = self.settings(cwd).settings.model
        return resolve_model(name) if name else None

    def skills(self, cwd: Path) -> SkillSet:
        """The project's skills and custom commands."""
        return discover_skills(cwd, home=self.home)

    def agents(self, cwd: Path) -> dict[str, AgentDefinition]:
        """Built-in sub-agent types plus the project's and the user's agent files."""
        agents = builtin_agents()
        files, warnings = discover_agents(cwd, home=self.home)
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

    def prepare_tools(self, cwd: Path, state: dict[str, Any]) -> None:
        """Give Bash the settings' ``env``, and put it in the sandbox when they ask for it."""
        settings = self.settings(cwd).settings
        set_command_env(state, settings.env)
        sandbox = settings.sandbox
        if not sandbox.enabled:
            set_command_wrapper(state, None)
            return
        # bubblewrap cannot filter by domain: any allowed domain opens the network.
        network = bool(sandbox.network.allowed_domains)
        writable = [Path(os.path.expanduser(p)) for p in sandbox.filesystem.allow_write]
        set_command_wrapper(
            state,
            lambda argv, where, files: sandbox_command(
                argv,
                cwd,
                allow_network=network,
                extra_writable=[*writable, *(Path(f) for f in files)],
                chdir=where,
            ),
        )


class ProjectTools:
    """A project's tools: the built-in ones, then its MCP servers' (refreshed before turns)."""

    def __init__(self, servers: McpServers | None) -> None:
        self._builtin = ToolRegistry(BUILTIN_TOOLS)
        self._servers = servers
        self._tools = CombinedTools(self._builtin)

    async def refresh(self) -> list[str]:
        """Start the MCP servers not running yet; problems are returned for the user."""
        if self._servers is None:
            return []
        mcp_tools = await self._servers.tools()
        self._tools = CombinedTools(self._builtin, McpToolSet(mcp_tools))
        return [
            f"MCP server {s.name} is unavailable: {s.reason}"
            for s in self._servers.status()
            if s.state == "failed"
        ]

    async def aclose(self) -> None:
        """Stop the MCP servers."""
        if self._servers is not None:
            await self._servers.close()

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        return self._tools.validate(name, raw_input)

    def definitions(self) -> list[dict[str, Any]]:
        return self._tools.definitions()


class DaemonServices:
    """What slash commands need from the daemon (implements ``CommandServices``)."""

    def __init__(self, projects: Projects, resolver: CredentialResolver) -> None:
        self._projects = projects
        self._resolver = resolver
        self.sessions: SessionManager | None = None
        """Set once the session manager exists (it needs these services first)."""

    async def export(self, session_id: str) -> str:
        if self.sessions is None:
            raise ClaudePyError("sessions are not available")
        return await self.sessions.export_markdown(session_id)

    def skills(self, cwd: Path) -> SkillSet:
        return self._projects.skills(cwd)

    def resolve_model(self, name: str) -> str:
        return resolve_model(name)

    def settings_text(self, cwd: Path) -> str:
        loaded = self._projects.settings(cwd)
        files = "\n".join(f"- {s.scope}: `{s.label}`" for s in loaded.sources) or "- (none)"
        merged = loaded.settings.model_dump(mode="json", by_alias=True, exclude_none=True)
        problems = "\n".join(f"- {p}" for p in loaded.problems)
        text = f"Settings files, lowest precedence first:\n{files}\n\n```json\n"
        text += json.dumps(merged, indent=2) + "\n```"
        return text + (f"\n\nProblems:\n{problems}" if problems else "")

    def permissions_text(self, cwd: Path, mode: str, session_rules: list[str]) -> str:
        loaded = self._projects.settings(cwd)
        lines = [f"Mode: `{mode}`", ""]
        for behavior in ("deny", "ask", "allow"):
            rules = loaded.rules_for(behavior)
            lines.append(f"{behavior.capitalize()} rules:")
            lines.extend(f"- `{r.rule}` ({r.source.label})" for r in rules)
            if behavior == "allow":
                lines.extend(f"- `{r}` (this session)" for r in session_rules)
            if lines[-1].endswith(":"):
                lines.append("- (none)")
        return "\n".join(lines)

    def memory_text(self, cwd: Path) -> str:
        files = collect_memory(cwd, self._projects.home)
        if not files:
            return "No CLAUDE.md files apply to this project."
        return "\n\n".join(f"**{f.path}**\n\n{f.text}" for f in files)

    async def auth_text(self) -> str:
        status = await self._resolver.status()
        return f"Credential source: `{status.source}` ({status.kind or 'none'}); API at {status.base_url}."

    async def login(self, api_key: str) -> str:
        status = await self._resolver.login(api_key)
        note = (
            ""
            if status.source == "keyring:claude-py"
            else f" (in use: `{status.source}`, which takes precedence)"
        )
        return "Stored the key in the system keyring." + note

    async def logout(self) -> str:
        removed = await self._resolver.logout()
        return "Removed the stored key." if removed else "claude-py had no stored key."

    async def doctor(self, cwd: Path) -> str:
        checks: list[tuple[str, bool, str]] = []
        checks.append(
            ("version", True, f"claude-py {__version__}, Python {sys.version.split()[0]}")
        )
        try:
            status = await self._resolver.status()
            checks.append(
                ("credential", status.source != "none", f"{status.source}; {status.base_url}")
            )
        except ClaudePyError as exc:
            checks.append(("credential", False, exc.message))
        rg = find_ripgrep()
        checks.append(
            ("ripgrep", rg is not None, str(rg) if rg else "not found: Glob and Grep fail")
        )
        bwrap = bwrap_path()
        checks.append(
            ("bubblewrap", bwrap is not None, bwrap or "not found: sandbox.enabled cannot work")
        )
        checks.append(("git", shutil.which("git") is not None, shutil.which("git") or "not found"))
        loaded = self._projects.settings(cwd)
        checks.append(
            (
                "settings",
                not loaded.problems,
                "; ".join(map(str, loaded.problems)) or f"{len(loaded.sources)} file(s) read",
            )
        )
        skills = self._projects.skills(cwd)
        checks.append(
            (
                "skills",
                not skills.warnings,
                "; ".join(f"{w.path}: {w.message}" for w in skills.warnings)
                or f"{len(skills.skills)} found",
            )
        )
        return "\n".join(
            f"- {'ok' if ok else 'PROBLEM'} {name}: {detail}" for name, ok, detail in checks
        )


def build_core(
    home: Path, env: Mapping[str, str] | None = None
) -> tuple[DaemonCore, Callable[[], Awaitable[None]]]:
    """The daemon's shared core with everything wired, and what to call when it stops."""
    env = dict(os.environ if env is None else env)
    settings = env_settings(env)
    user_home = Path(env.get("HOME") or Path.home())
    projects = Projects(user_home, env)
    # apiKeyHelper is a user-level setting: read it from the user's (and managed) settings.
    user_settings = load_settings(user_home, home=user_home, env=env).settings
    resolver = CredentialResolver(env, api_key_helper=user_settings.api_key_helper, home=user_home)
    pool = ProviderPool(resolver, env)
    deps = EngineDeps(
        provider_factory=pool.get,
        credential_rejected=pool.rejected,
        default_model=resolve_model(settings.model),
        max_tokens=settings.max_tokens,
        small_model=resolve_model("haiku"),
        tools=projects.tools,
        prepare_turn=projects.prepare_turn,
        checker_factory=projects.checker,
        suggest_rules=lambda cwd, tool, tool_input: suggest_rules(
            tool, tool_input, project_dir=cwd
        ),
        save_rule=lambda cwd, rule: _save_allow(cwd, rule),
        memory=projects.memory,
        agents=projects.agents,
        project_model=projects.model,
        hooks=projects.hooks,
        prepare_tools=projects.prepare_tools,
        close_tool_state=close_tool_state,
        home=user_home,
    )
    sessions = SessionManager(
        deps,
        SessionStore(home / "sessions"),
        ClaudeCodeTranscripts.from_env(env, home=user_home),
    )
    services = DaemonServices(projects, resolver)
    services.sessions = sessions
    core = DaemonCore(
        sessions,
        home,
        resolver,
        services,
        resolve_model=resolve_model,
    )
    deps.bridge = RpcBridge(core)

    async def shutdown() -> None:
        await projects.aclose()
        await pool.aclose()

    return core, shutdown


def _save_allow(cwd: Path, rule: str) -> None:
    save_rule(cwd, "allow", rule)
