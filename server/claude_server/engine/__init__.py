"""The agent engine: live sessions and the loop that runs their turns.

The engine reports through :mod:`claude_server.model` events and never imports a transport or UI
library. It reaches the rest of the daemon only through its ports (:mod:`._ports`): a
:class:`Project` per session, the :class:`Providers`, and a :class:`ClientBridge` for questions.
"""

from claude_server.engine._bridge import (
    ClientBridge,
    NoClients,
    PermissionAnswer,
    PermissionChoice,
    PermissionRequest,
)
from claude_server.engine._executor import ToolSet
from claude_server.engine._hooks import HookRunner, matcher_fires
from claude_server.engine._manager import SessionManager
from claude_server.engine._observer import DenialSource, TurnObserver
from claude_server.engine._options import SessionOptions
from claude_server.engine._ports import (
    EngineDeps,
    EngineLimits,
    Project,
    ProjectSource,
    Providers,
)
from claude_server.engine._session import LiveSession
from claude_server.engine._subagent import AgentDefinition, TaskTool, builtin_agents
from claude_server.engine._toolsets import CombinedTools
from claude_server.engine._turn import TurnConfig, TurnOutcome

__all__ = [
    "AgentDefinition",
    "ClientBridge",
    "CombinedTools",
    "DenialSource",
    "EngineDeps",
    "EngineLimits",
    "HookRunner",
    "LiveSession",
    "NoClients",
    "PermissionAnswer",
    "PermissionChoice",
    "PermissionRequest",
    "Project",
    "ProjectSource",
    "Providers",
    "SessionManager",
    "SessionOptions",
    "TaskTool",
    "ToolSet",
    "TurnConfig",
    "TurnObserver",
    "TurnOutcome",
    "builtin_agents",
    "matcher_fires",
]
