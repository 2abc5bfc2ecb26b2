"""The conversation domain: messages, content blocks, usage, stream and session events.

No I/O happens here; every other package speaks these types.
"""

from claude_server.model._content import (
    ContentBlock,
    DocumentBlock,
    ImageBlock,
    OtherBlock,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from claude_server.model._events import (
    AgentTextEvent,
    AgentThoughtEvent,
    ErrorEvent,
    RetryingEvent,
    SessionEvent,
    TurnCompletedEvent,
    TurnStartedEvent,
    UsageEvent,
    UserMessageEvent,
)
from claude_server.model._message import (
    CONTENT_ADAPTER,
    AssistantMessage,
    Message,
    Role,
    StopReason,
    Usage,
)
from claude_server.model._provider import ModelRequest, Provider
from claude_server.model._stream import (
    BlockCompleted,
    BlockStarted,
    MessageCompleted,
    MessageStarted,
    StreamEvent,
    StreamRetrying,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
)

__all__ = [
    "CONTENT_ADAPTER",
    "AgentTextEvent",
    "AgentThoughtEvent",
    "AssistantMessage",
    "BlockCompleted",
    "BlockStarted",
    "ContentBlock",
    "DocumentBlock",
    "ErrorEvent",
    "ImageBlock",
    "Message",
    "MessageCompleted",
    "MessageStarted",
    "ModelRequest",
    "OtherBlock",
    "Provider",
    "RedactedThinkingBlock",
    "RetryingEvent",
    "Role",
    "ServerToolUseBlock",
    "SessionEvent",
    "StopReason",
    "StreamEvent",
    "StreamRetrying",
    "TextBlock",
    "TextDelta",
    "ThinkingBlock",
    "ThinkingDelta",
    "ToolInputDelta",
    "ToolResultBlock",
    "ToolUseBlock",
    "TurnCompletedEvent",
    "TurnStartedEvent",
    "Usage",
    "UsageEvent",
    "UserMessageEvent",
]
