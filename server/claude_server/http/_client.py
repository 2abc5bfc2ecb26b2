"""An HTTP caller as one of the daemon's clients: listed in status, watching its chat's session,
unable to answer questions (a turn that needs an answer asks the other clients, or is refused)."""

from __future__ import annotations

import asyncio
from typing import Any

from claude_server.services import ClientCapabilities, ClientDescription, ClientHub


class HttpClient:
    """One ``POST /chat`` request while its turn runs (a ``services.Client``)."""

    def __init__(self, hub: ClientHub, peer: str) -> None:
        self._id = hub.next_id()
        self._peer = peer
        self._watching: set[str] = set()

    @property
    def client_id(self) -> int:
        """This request's number in logs and status."""
        return self._id

    @property
    def capabilities(self) -> ClientCapabilities:
        """None: an HTTP request cannot be asked anything back."""
        return ClientCapabilities()

    def is_watching(self, session_id: str) -> bool:
        """Whether this request streams the session's updates."""
        return session_id in self._watching

    def watch(self, session_id: str) -> None:
        """Count the session as followed by this request."""
        self._watching.add(session_id)

    def send_request(self, method: str, params: dict[str, Any]) -> tuple[str, asyncio.Future[Any]]:
        """Never asked (no capabilities); a failed future if it ever is."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_exception(ConnectionError("an HTTP client cannot answer requests"))
        return f"http{self._id}", future

    def withdraw_request(self, request_id: str) -> None:
        """Nothing was sent."""

    def describe(self) -> ClientDescription:
        """This request as ``daemon/status`` lists it."""
        return ClientDescription(
            client_id=self._id, transport="http", name=self._peer, initialized=True
        )
