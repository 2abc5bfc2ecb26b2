"""claude-py's daemon: the agent loop and everything it needs, served over JSON-RPC.

Clients import only :mod:`claude_server.protocol`; every other package here is the daemon's own.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
