"""The contract between the engine and whatever plays the model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from claude_server.model._message import Message
from claude_server.model._stream import StreamEvent

Effort = Literal["low", "medium", "high", "xhigh", "max"]
"""How much effort the model should spend on a response, lowest first.

``xhigh`` exists only on the newest models; a provider maps a level a model lacks to the
nearest level below it that the model has.
"""

EFFORT_LEVELS: tuple[Effort, ...] = ("low", "medium", "high", "xhigh", "max")
"""Every effort level, lowest first."""

ThinkingMode = Literal["off", "enabled", "adaptive"]


@dataclass(frozen=True, slots=True)
class ThinkingConfig:
    """Extended thinking for one request.

    - ``off``: ask for no thinking (models whose thinking cannot be turned off still think);
    - ``enabled``: think with at most ``budget_tokens`` tokens (a fixed budget);
    - ``adaptive``: the model decides whether and how much to think.

    ``display`` optionally asks for thinking text to be ``"summarized"`` or ``"omitted"`` (the
    API's ``thinking.display``); ``None`` leaves the model's default.
    """

    mode: ThinkingMode
    budget_tokens: int | None = None
    display: Literal["summarized", "omitted"] | None = None

    def __post_init__(self) -> None:
        if self.mode == "enabled" and self.budget_tokens is None:
            raise ValueError("ThinkingConfig(mode='enabled') needs budget_tokens")

    @classmethod
    def off(cls) -> ThinkingConfig:
        """No thinking."""
        return cls("off")

    @classmethod
    def budget(cls, tokens: int) -> ThinkingConfig:
        """Thinking with a fixed budget of ``tokens`` tokens."""
        return cls("enabled", budget_tokens=tokens)

    @classmethod
    def adaptive(cls) -> ThinkingConfig:
        """Thinking whose depth the model chooses."""
        return cls("adaptive")


@dataclass(slots=True)
class ModelRequest:
    """Everything one model call needs, independent of the wire format.

    ``system`` is a string or a list of text blocks (dicts shaped like the API's). With
    ``cache`` on, the provider marks prompt-cache breakpoints (the end of the system prompt and
    the newest message). ``thinking`` ``None`` and ``effort`` ``None`` leave the model's
    defaults. ``betas`` are extra ``anthropic-beta`` flags for features the request uses.
    """

    model: str
    messages: list[Message]
    max_tokens: int
    system: str | list[dict[str, Any]] | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    tool_choice: dict[str, Any] | None = None
    """The API's ``tool_choice`` object, e.g. ``{"type": "auto"}``; ``None`` leaves it out."""
    thinking: ThinkingConfig | None = None
    effort: Effort | None = None
    cache: bool = True
    betas: list[str] = field(default_factory=list)
    temperature: float | None = None
    stop_sequences: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TokenCount:
    """How many input tokens a request holds.

    ``exact`` is true when the API counted them; false for a local estimate, with ``reason``
    saying why the API's count could not be had.
    """

    tokens: int
    exact: bool
    reason: str | None = None


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


class TokenCounter(Protocol):
    """Counts the input tokens of a request (a separate protocol, so fakes need not)."""

    async def count_tokens(self, request: ModelRequest) -> TokenCount:
        """The request's input tokens, counted by the API or estimated locally."""
        ...
