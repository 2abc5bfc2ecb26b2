"""The daemon's JSON-RPC edge: LSP framing (pygls), one protocol object per connection,
handlers that translate between the wire and ``claude_server.services``."""

from claude_server.rpc._connection import Connection
from claude_server.rpc._core import RpcCore
from claude_server.rpc._outgoing import OutgoingLimits
from claude_server.rpc._run import announce, run_daemon
from claude_server.rpc._transports import ListenAddress, loopback

__all__ = [
    "Connection",
    "ListenAddress",
    "OutgoingLimits",
    "RpcCore",
    "announce",
    "loopback",
    "run_daemon",
]
