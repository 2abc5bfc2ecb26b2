"""What a provider yields while a response streams in.

These are plain slotted dataclasses, not pydantic models: a long answer produces tens of thousands
of them and they never cross a process boundary.
"""

from __future__ import annotations

from dataclasses import dataclass

from claude_server.model._content import ContentBlock
from claude_server.model._message import AssistantMessage, Usage


@dataclass(slots=True, frozen=True)
class MessageStarted:
    """The response began; ``usage`` holds the input token counts."""

    message_id: str
    model: str
    usage: Usage


@dataclass(slots=True, frozen=True)
class TextDelta:
    """More text for the text block at ``index``."""

    index: int
    text: str


@dataclass(slots=True, frozen=True)
class ThinkingDelta:
    """More thinking for the thinking block at ``index``."""

    index: int
    thinking: str


@dataclass(slots=True, frozen=True)
class ToolInputDelta:
    """A fragment of a tool call's JSON input (not parseable until the block stops)."""

    index: int
    partial_json: str


@dataclass(slots=True, frozen=True)
class BlockStarted:
    """A content block began (its final form comes with :class:`BlockCompleted`)."""

    index: int
    block: ContentBlock


@dataclass(slots=True, frozen=True)
class BlockCompleted:
    """A content block is complete."""

    index: int
    block: ContentBlock


@dataclass(slots=True, frozen=True)
class MessageCompleted:
    """The whole response, accumulated; always the last event of a successful stream."""

    message: AssistantMessage


@dataclass(slots=True, frozen=True)
class StreamRetrying:
    """The request failed in a way worth retrying; the provider will try again after ``delay``."""

    attempt: int
    max_attempts: int
    delay: float
    reason: str


StreamEvent = (
    MessageStarted
    | BlockStarted
    | TextDelta
    | ThinkingDelta
    | ToolInputDelta
    | BlockCompleted
    | MessageCompleted
    | StreamRetrying
)
"""Any event of a provider's stream."""
