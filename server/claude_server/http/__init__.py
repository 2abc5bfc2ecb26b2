"""The HTTP API edge (``claude-py-server --http HOST:PORT``), beside ``rpc`` on the shared
application layer.

``GET /health``, ``POST /chat`` (server-sent events or one JSON result), ``GET /sessions``,
``GET /sessions/{id}`` and ``GET /openapi.json``. Every request needs the data dir's token as
``Authorization: Bearer``, loopback included, and a Host and Origin that rule out a web page
reaching it (DNS rebinding); CORS is off unless origins are configured.
"""

from claude_server.http._address import HttpAddress, is_loopback
from claude_server.http._guard import Guard
from claude_server.http._openapi import openapi_document
from claude_server.http._routes import ROUTES, Route
from claude_server.http._server import HttpListener

__all__ = [
    "ROUTES",
    "Guard",
    "HttpAddress",
    "HttpListener",
    "Route",
    "is_loopback",
    "openapi_document",
]
