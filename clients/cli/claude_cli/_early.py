"""The first bytes to the daemon, sent before asyncio and the UI are even imported.

The daemon takes ~30 ms to set up a connection and answer ``initialize``; sending it right at
process start lets that overlap with the client's own imports. Only the standard library's
``socket`` and ``json`` are used here, both cheap to load.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

from claude_cli import __version__

INITIALIZE_ID = 1
"""The request id of the early ``initialize`` (the RPC client continues from 2)."""


def initialize_params() -> dict[str, Any]:
    """Our ``initialize`` params: we answer permission questions and AskUserQuestion."""
    return {
        "processId": os.getpid(),
        "clientInfo": {"name": "claude-py", "version": __version__},
        "capabilities": {
            "experimental": {"claudePy": {"requestPermission": True, "askUser": True}}
        },
    }


def send_initialize(path: Path) -> socket.socket | None:
    """Connect to the daemon on ``path`` and send ``initialize``; None when nobody answers."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
        message = {
            "jsonrpc": "2.0",
            "id": INITIALIZE_ID,
            "method": "initialize",
            "params": initialize_params(),
        }
        body = json.dumps(message, separators=(",", ":")).encode()
        sock.sendall(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    except OSError:
        sock.close()
        return None
    sock.setblocking(False)
    return sock
