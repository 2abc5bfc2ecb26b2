"""The API's routes: one table, which the server dispatches on and the OpenAPI document is
generated from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from claude_server import protocol as p


@dataclass(frozen=True, slots=True)
class Route:
    """One operation of the API."""

    method: str
    path: str
    """With ``{name}`` placeholders."""
    operation: str
    summary: str
    body: type[p.WireModel] | None
    result: type[p.WireModel] | None
    """``None``: the answer is not one of the protocol's models (the OpenAPI document)."""
    streams: bool = False
    """Also answers as ``text/event-stream``."""

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The placeholders' values when ``method`` and ``path`` are this route's."""
        if method != self.method:
            return None
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.path)
        found = re.fullmatch(pattern, path)
        return None if found is None else found.groupdict()


ROUTES: tuple[Route, ...] = (
    Route("GET", "/health", "health", "The daemon is up: version and sessions.", None,
          p.HttpHealthResult),
    Route("POST", "/chat", "chat", "Run one turn; server-sent events unless stream is false.",
          p.ChatRequest, p.ChatResult, streams=True),
    Route("GET", "/sessions", "listSessions", "Stored sessions, newest first (?cwd=&limit=).",
          None, p.HttpSessionList),
    Route("GET", "/sessions/{sessionId}", "getSession", "One session and its conversation.",
          None, p.HttpSession),
    Route("GET", "/openapi.json", "openapi", "This API's OpenAPI 3.1 document.", None, None),
)  # fmt: skip


def find(method: str, path: str) -> tuple[Route, dict[str, str]] | str | None:
    """The route for a request with its path values; ``"method"`` when only the method is
    wrong; ``None`` when no route has this path."""
    for route in ROUTES:
        values = route.match(method, path)
        if values is not None:
            return route, values
    if any(route.match(route.method, path) is not None for route in ROUTES):
        return "method"
    return None
