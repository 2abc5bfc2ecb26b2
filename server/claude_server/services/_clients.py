"""The clients attached to the daemon, whatever their transport: the hub every edge registers
its connections with, and the small protocol a connection implements for the daemon to reach it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class ClientCapabilities:
    """What a client said it can answer (all false until it has initialised)."""

    permission: bool = False
    """``session/requestPermission``."""
    question: bool = False
    """``session/askUser``."""
    diagnostics: bool = False
    """``editor/diagnostics``."""
    apply_edit: bool = False
    """``workspace/applyEdit`` for the documents it has open."""


@dataclass(frozen=True, slots=True)
class ClientDescription:
    """A client as ``daemon/status`` lists it."""

    client_id: int
    transport: str
    name: str | None
    initialized: bool


class Client(Protocol):
    """One attached client, as the application layer sees it."""

    @property
    def client_id(self) -> int:
        """A number naming the client in logs and status."""
        ...

    @property
    def capabilities(self) -> ClientCapabilities:
        """What it can answer now."""
        ...

    def is_watching(self, session_id: str) -> bool:
        """Whether it follows the session's updates."""
        ...

    def send_request(self, method: str, params: dict[str, Any]) -> tuple[str, asyncio.Future[Any]]:
        """Send a request of the protocol (``METHODS``); the future fails if the client leaves."""
        ...

    def withdraw_request(self, request_id: str) -> None:
        """Tell the client a request sent earlier is no longer needed."""
        ...

    def describe(self) -> ClientDescription:
        """What ``daemon/status`` shows of it."""
        ...


class ClientHub:
    """Every client attached to this daemon, over any edge."""

    def __init__(self) -> None:
        self._clients: dict[int, Client] = {}
        self._next_id = 1

    def next_id(self) -> int:
        """A fresh client number."""
        number = self._next_id
        self._next_id += 1
        return number

    def add(self, client: Client) -> None:
        """A client attached."""
        self._clients[client.client_id] = client

    def remove(self, client: Client) -> None:
        """A client left."""
        self._clients.pop(client.client_id, None)

    def __iter__(self) -> Iterator[Client]:
        return iter(list(self._clients.values()))

    def __len__(self) -> int:
        return len(self._clients)

    def watching(
        self, session_id: str, can: Callable[[ClientCapabilities], bool] = lambda _c: True
    ) -> list[Client]:
        """The clients following ``session_id`` that ``can`` answer the question at hand."""
        return [c for c in self if c.is_watching(session_id) and can(c.capabilities)]
