"""The agent engine: live sessions and the loop that runs their turns.

The engine reports through :mod:`claude_server.model` events and never imports a transport or UI
library; it reaches users through a :class:`ClientBridge` that the rpc layer implements.
"""

from claude_server.engine._bridge import (
    ClientBridge,
    NoClients,
    PermissionAnswer,
    PermissionChoice,
    PermissionRequest,
)
from claude_server.engine._deps import CheckerFactory, EngineDeps, ProviderFactory
from claude_server.engine._executor import ToolSet
from claude_server.engine._hooks import HookRunner, HooksConfig, parse_hooks
from claude_server.engine._manager import SessionManager
from claude_server.engine._session import PERMISSION_MODES, LiveSession
from claude_server.engine._slash import CommandServices, SlashResult, run_slash
from claude_server.engine._subagent import AgentDefinition, builtin_agents
from claude_server.engine._toolsets import CombinedTools
from claude_server.engine._turn import TurnConfig, TurnOutcome

__all__ = [
    "PERMISSION_MODES",
    "AgentDefinition",
    "CheckerFactory",
    "ClientBridge",
    "CombinedTools",
    "CommandServices",
    "EngineDeps",
    "HookRunner",
    "HooksConfig",
    "LiveSession",
    "NoClients",
    "PermissionAnswer",
    "PermissionChoice",
    "PermissionRequest",
    "ProviderFactory",
    "SessionManager",
    "SlashResult",
    "ToolSet",
    "TurnConfig",
    "TurnOutcome",
    "builtin_agents",
    "parse_hooks",
    "run_slash",
]
