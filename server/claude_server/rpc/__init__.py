"""The daemon's edge: JSON-RPC over LSP framing (pygls), handlers, event translation."""

from claude_server.rpc._bridge import RpcBridge
from claude_server.rpc._connection import Connection
from claude_server.rpc._core import DaemonCore
from claude_server.rpc._run import announce, run_daemon
from claude_server.rpc._transports import ListenAddress, loopback

__all__ = [
    "Connection",
    "DaemonCore",
    "ListenAddress",
    "RpcBridge",
    "announce",
    "loopback",
    "run_daemon",
]
