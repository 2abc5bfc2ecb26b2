"""Content blocks of a conversation, shaped exactly like the Messages API's JSON.

Blocks keep fields we do not model (``extra="allow"``) so that what the API sent can be sent back
unchanged on the next request (thinking signatures, server tool results, citations).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Tag


class _Block(BaseModel):
    model_config = ConfigDict(extra="allow")

    def to_api(self) -> dict[str, Any]:
        """The block as the API expects it in a request."""
        return self.model_dump(mode="json", exclude_none=True)


class TextBlock(_Block):
    """Plain text, possibly with citations from documents or search results."""

    type: Literal["text"] = "text"
    text: str
    citations: list[dict[str, Any]] | None = None


class ImageBlock(_Block):
    """An image, inline (base64) or by URL."""

    type: Literal["image"] = "image"
    source: dict[str, Any]


class DocumentBlock(_Block):
    """A document (PDF or text) given to the model."""

    type: Literal["document"] = "document"
    source: dict[str, Any]


class ToolUseBlock(_Block):
    """The model asks for a client-side tool to be run."""

    type: Literal["tool_use"] = "tool_use"
    id: str
    name: str
    input: dict[str, Any]


class ToolResultBlock(_Block):
    """The result of a tool call, sent back in a user message."""

    type: Literal["tool_result"] = "tool_result"
    tool_use_id: str
    content: str | list[dict[str, Any]] = ""
    is_error: bool | None = None


class ThinkingBlock(_Block):
    """Extended thinking; the signature must be sent back unchanged."""

    type: Literal["thinking"] = "thinking"
    thinking: str
    signature: str = ""


class RedactedThinkingBlock(_Block):
    """Thinking the API encrypted; sent back as received."""

    type: Literal["redacted_thinking"] = "redacted_thinking"
    data: str


class ServerToolUseBlock(_Block):
    """A tool the API runs itself (web search, web fetch, code execution)."""

    type: Literal["server_tool_use"] = "server_tool_use"
    id: str
    name: str
    input: dict[str, Any]


class OtherBlock(_Block):
    """Any block type we do not model (server tool results, MCP blocks, future types)."""

    type: str


_KNOWN = frozenset(
    {
        "text",
        "image",
        "document",
        "tool_use",
        "tool_result",
        "thinking",
        "redacted_thinking",
        "server_tool_use",
    }
)


def _block_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if isinstance(kind, str) and kind in _KNOWN else "other"


ContentBlock = Annotated[
    Annotated[TextBlock, Tag("text")]
    | Annotated[ImageBlock, Tag("image")]
    | Annotated[DocumentBlock, Tag("document")]
    | Annotated[ToolUseBlock, Tag("tool_use")]
    | Annotated[ToolResultBlock, Tag("tool_result")]
    | Annotated[ThinkingBlock, Tag("thinking")]
    | Annotated[RedactedThinkingBlock, Tag("redacted_thinking")]
    | Annotated[ServerToolUseBlock, Tag("server_tool_use")]
    | Annotated[OtherBlock, Tag("other")],
    Discriminator(_block_tag),
]
"""Any content block; unknown types fall back to :class:`OtherBlock`."""
