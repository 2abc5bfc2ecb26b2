"""The agent engine: live sessions and the loop that runs their turns.

The engine reports through :mod:`claude_server.model` events and never imports a transport or UI
library.
"""

from claude_server.engine._manager import SessionManager
from claude_server.engine._session import LiveSession, ProviderFactory
from claude_server.engine._turn import TurnConfig, TurnOutcome

__all__ = ["LiveSession", "ProviderFactory", "SessionManager", "TurnConfig", "TurnOutcome"]
