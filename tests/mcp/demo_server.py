"""A tiny real MCP server over stdio, built with the ``mcp`` package's MCPServer (test helper).

Run as a subprocess by the tests: ``python demo_server.py`` (stdio) or
``python demo_server.py --http PORT`` (streamable HTTP on 127.0.0.1).
"""

from __future__ import annotations

import base64
import os
import sys
import time

from mcp.server import MCPServer
from mcp.server.mcpserver.utilities.types import Image
from mcp_types import ToolAnnotations

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

server = MCPServer("demo")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def getenv(name: str) -> str:
    """Whether an environment variable of this server is set, and its length (never its
    value: the tests ask about secrets)."""
    value = os.environ.get(name)
    return "<unset>" if value is None else f"set, {len(value)} characters"


@server.tool()
def fail(message: str = "boom") -> str:
    """Always fails."""
    raise ValueError(message)


@server.tool()
def sleep(seconds: float) -> str:
    """Sleep, then answer."""
    time.sleep(seconds)
    return "slept"


@server.tool()
def image() -> Image:
    """A tiny PNG image."""
    return Image(data=PNG, format="png")


@server.tool(name="weird.name/with spaces")
def weird() -> str:
    """A tool whose name the API would refuse."""
    return "ok"


if __name__ == "__main__":
    print("demo server starting", file=sys.stderr, flush=True)
    if "--http" in sys.argv:
        port = int(sys.argv[sys.argv.index("--http") + 1])
        server.run("streamable-http", host="127.0.0.1", port=port)
    else:
        server.run("stdio")
