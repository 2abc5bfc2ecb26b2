"""What a project folder may run: trust, the project's MCP servers' approval, and the one-line
notice telling the user what was ignored and how to change it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from claude_server.config import LoadedSettings, SettingsScope
from claude_server.mcp import RemoteServerConfig, StdioServerConfig

McpConfigs = Mapping[str, StdioServerConfig | RemoteServerConfig]

# Who may approve a project's MCP servers: the user, not the project's shared settings
# (a repository cannot approve its own servers).
_APPROVING_SCOPES: tuple[SettingsScope, ...] = ("user", "local", "flag", "managed")


@dataclass(frozen=True, slots=True)
class WorkspaceReport:
    """A project folder's trust state and what it left unapplied."""

    directory: Path
    trusted: bool
    ignored: tuple[str, ...]
    """What the folder's own configuration said and was not applied (untrusted folder)."""
    pending_mcp: tuple[str, ...]
    """Project MCP servers of a trusted folder that nobody enabled yet."""
    problems: tuple[str, ...] = ()
    """Settings that could not be read (a file, a field), one line each; the rest applies."""

    @property
    def notice(self) -> str | None:
        """One line for the user, or ``None`` when there is nothing to say."""
        if self.ignored:
            return (
                f"This folder is not trusted, so its own configuration that could run commands "
                f"was ignored ({'; '.join(self.ignored)}). Trust it with `claude-py trust` or "
                "/trust."
            )
        if self.pending_mcp:
            return (
                f"MCP servers of this project are not enabled: {', '.join(self.pending_mcp)}. "
                "Enable them with `claude-py trust --enable-mcp` or /trust mcp."
            )
        return None


def mcp_decision(loaded: LoadedSettings, name: str) -> bool:
    """Whether the project MCP server ``name`` may run (the folder being trusted).

    ``disabledMcpjsonServers`` anywhere wins; then ``enableAllProjectMcpServers`` or
    ``enabledMcpjsonServers`` in the user's, local, command-line or managed settings."""
    if _disabled(loaded, name):
        return False
    for scope in _APPROVING_SCOPES:
        st = loaded.by_scope.get(scope)
        if st is None:
            continue
        if st.enable_all_project_mcp_servers or name in (st.enabled_mcpjson_servers or ()):
            return True
    return False


def servers_to_run(
    loaded: LoadedSettings, user: McpConfigs, project: McpConfigs
) -> tuple[dict[str, StdioServerConfig | RemoteServerConfig], list[str]]:
    """The servers to start and the project servers held back for approval.

    A project server replaces a user server of the same name only once enabled."""
    servers = dict(user)
    pending: list[str] = []
    if not loaded.trusted:
        return servers, pending
    for name, config in project.items():
        if mcp_decision(loaded, name):
            servers[name] = config
        elif not _disabled(loaded, name):
            pending.append(name)
    return servers, pending


def untrusted_mcp_lines(project: McpConfigs) -> list[str]:
    """``.mcp.json: MCP servers a, b`` for each file an untrusted folder's servers came from."""
    by_file: dict[str, list[str]] = {}
    for name, config in project.items():
        by_file.setdefault(config.source, []).append(name)
    return [
        f"{source}: MCP server{'s' if len(names) > 1 else ''} {', '.join(names)}"
        for source, names in by_file.items()
    ]


def _disabled(loaded: LoadedSettings, name: str) -> bool:
    return any(name in (st.disabled_mcpjson_servers or ()) for st in loaded.by_scope.values())


def report(
    directory: Path,
    loaded: LoadedSettings,
    project_mcp: McpConfigs,
    skill_grants: Iterable[str],
) -> WorkspaceReport:
    """The report of one folder: ``skill_grants`` names project skills whose ``allowed-tools``
    were dropped."""
    problems = tuple(str(p) for p in loaded.problems)
    if loaded.trusted:
        _, pending = servers_to_run(loaded, {}, project_mcp)
        return WorkspaceReport(directory, True, (), tuple(pending), problems)
    ignored = [*loaded.ignored, *untrusted_mcp_lines(project_mcp)]
    grants = sorted(skill_grants)
    if grants:
        ignored.append(f"allowed-tools of skills {', '.join('/' + g for g in grants)}")
    return WorkspaceReport(directory, False, tuple(ignored), (), problems)
