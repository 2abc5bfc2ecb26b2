"""The application layer: what every edge of the daemon shares.

- :class:`Application`: the use cases edges call (sessions, commands, completion, permission
  explanations, status);
- :class:`ClientHub` and the :class:`Client` protocol: the attached clients of every edge;
  :class:`HubBridge` asks them (first answer wins) for the engine;
- :class:`ProjectRegistry`/:class:`ProjectContext`: each directory's settings, tools, rules,
  memory, hooks, agents and sandbox (the engine's ``Project`` port);
- :class:`ProviderPool`: the model provider for the current credential;
- :class:`SlashCommands`: every slash command the daemon runs;
- :mod:`._wire`: engine events in the protocol's shape (shared by the edges that speak it).
"""

from claude_server.services._application import (
    MAX_PROMPT_CHARS,
    MAX_QUERY_CHARS,
    Application,
    CommandList,
    DaemonState,
    Explanation,
    check_prompt,
    project_directory,
)
from claude_server.services._asking import PERMISSION_OPTIONS, HubBridge, first_answer
from claude_server.services._clients import (
    Client,
    ClientCapabilities,
    ClientDescription,
    ClientHub,
)
from claude_server.services._command_context import CommandContext, SlashResult
from claude_server.services._project_tools import ProjectTools
from claude_server.services._projects import ProjectContext, ProjectRegistry
from claude_server.services._providers import ProviderPool
from claude_server.services._reports import Reports
from claude_server.services._slash import SlashCommands
from claude_server.services._wire import (
    to_update,
    wire_content,
    wire_stop_reason,
    wire_summary,
    wire_usage,
    wire_workspace,
)
from claude_server.services._workspace import WorkspaceReport

__all__ = [
    "MAX_PROMPT_CHARS",
    "MAX_QUERY_CHARS",
    "PERMISSION_OPTIONS",
    "Application",
    "Client",
    "ClientCapabilities",
    "ClientDescription",
    "ClientHub",
    "CommandContext",
    "CommandList",
    "DaemonState",
    "Explanation",
    "HubBridge",
    "ProjectContext",
    "ProjectRegistry",
    "ProjectTools",
    "ProviderPool",
    "Reports",
    "SlashCommands",
    "SlashResult",
    "WorkspaceReport",
    "check_prompt",
    "first_answer",
    "project_directory",
    "to_update",
    "wire_content",
    "wire_stop_reason",
    "wire_summary",
    "wire_usage",
    "wire_workspace",
]
