"""Messages, usage figures and stop reasons."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from claude_server.model._content import ContentBlock, TextBlock

Role = Literal["user", "assistant"]

StopReason = Literal[
    "end_turn",
    "max_tokens",
    "stop_sequence",
    "tool_use",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
]
"""Why the model stopped one response (the API's ``stop_reason``)."""


class Usage(BaseModel):
    """Token counts of one response or a sum of several."""

    model_config = ConfigDict(extra="allow")

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_creation_input_tokens=self.cache_creation_input_tokens
            + other.cache_creation_input_tokens,
            cache_read_input_tokens=self.cache_read_input_tokens + other.cache_read_input_tokens,
        )


class Message(BaseModel):
    """One message of the conversation as the API sees it."""

    role: Role
    content: list[ContentBlock] = Field(default_factory=list)

    @classmethod
    def user_text(cls, text: str) -> Message:
        """A user message holding one text block."""
        return cls(role="user", content=[TextBlock(text=text)])

    def to_api(self) -> dict[str, Any]:
        """The message as the API expects it in a request."""
        return {"role": self.role, "content": [block.to_api() for block in self.content]}

    def text(self) -> str:
        """The concatenated text of the message's text blocks."""
        return "".join(b.text for b in self.content if isinstance(b, TextBlock))


class AssistantMessage(Message):
    """A complete response of the model, with its metadata."""

    model_config = ConfigDict(extra="allow")

    role: Role = "assistant"
    id: str = ""
    model: str = ""
    stop_reason: StopReason | str | None = None
    stop_sequence: str | None = None
    usage: Usage = Field(default_factory=Usage)

    def as_message(self) -> Message:
        """Just the role and content, as it is kept in the conversation."""
        return Message(role="assistant", content=list(self.content))


CONTENT_ADAPTER: TypeAdapter[list[ContentBlock]] = TypeAdapter(list[ContentBlock])
"""Validates a list of raw JSON blocks into typed blocks."""
