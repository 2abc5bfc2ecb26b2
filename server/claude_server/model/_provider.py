"""The contract between the engine and whatever plays the model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from claude_server.model._message import Message
from claude_server.model._stream import StreamEvent


@dataclass(slots=True)
class ModelRequest:
    """Everything one model call needs, independent of the wire format."""

    model: str
    messages: list[Message]
    max_tokens: int
    system: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    """Streams one model response.

    Implementations raise only :class:`claude_server.errors.ClaudePyError` subclasses and end a
    successful stream with :class:`claude_server.model.MessageCompleted`.
    """

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        """Start the request and yield its events as they arrive."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
