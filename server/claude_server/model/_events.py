"""What a live session reports to whoever watches it.

The engine emits these; the rpc layer turns them into ``session/update`` notifications. They are
transport-neutral on purpose: a test or another front end can consume them directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from claude_server.model._message import Usage
from claude_server.model._tool import ToolDisplay


@dataclass(slots=True, frozen=True)
class UserMessageEvent:
    """The user's prompt, as it entered the conversation."""

    text: str


@dataclass(slots=True, frozen=True)
class AgentTextEvent:
    """A chunk of the assistant's visible answer."""

    text: str


@dataclass(slots=True, frozen=True)
class AgentThoughtEvent:
    """A chunk of the assistant's extended thinking."""

    text: str


@dataclass(slots=True, frozen=True)
class TurnStartedEvent:
    """A turn began."""

    turn_id: str


@dataclass(slots=True, frozen=True)
class TurnCompletedEvent:
    """A turn ended, for the given reason (``end_turn``, ``cancelled``, ``error``...)."""

    turn_id: str
    stop_reason: str
    usage: Usage
    cost_usd: float | None = None
    """Estimated cost of the turn; ``None`` when a model's price is unknown."""


@dataclass(slots=True, frozen=True)
class UsageEvent:
    """Token counts after a model response; ``total`` is the session's running sum."""

    turn: Usage
    total: Usage
    turn_cost_usd: float | None = None
    total_cost_usd: float | None = None


@dataclass(slots=True, frozen=True)
class RetryingEvent:
    """A model request failed and will be tried again."""

    attempt: int
    max_attempts: int
    delay: float
    reason: str


@dataclass(slots=True, frozen=True)
class ErrorEvent:
    """Something went wrong that the user should see."""

    code: str
    message: str
    retryable: bool = False


@dataclass(slots=True, frozen=True)
class ToolCallEvent:
    """The model asked for a tool call (status pending)."""

    tool_call_id: str
    tool_name: str
    title: str
    kind: Literal["read", "edit", "execute", "other"]
    input: dict[str, Any]
    parent_tool_call_id: str | None = None


@dataclass(slots=True, frozen=True)
class ToolCallUpdateEvent:
    """A tool call changed status or produced output."""

    tool_call_id: str
    status: Literal["pending", "in_progress", "completed", "failed"]
    content: tuple[ToolDisplay, ...] = ()
    progress: str | None = None


@dataclass(slots=True, frozen=True)
class PlanEvent:
    """The session's task list (every entry: content, status, activeForm)."""

    entries: tuple[dict[str, Any], ...]


@dataclass(slots=True, frozen=True)
class ModeChangedEvent:
    """The permission mode changed."""

    mode: str


@dataclass(slots=True, frozen=True)
class ModelChangedEvent:
    """The session's model changed."""

    model: str


@dataclass(slots=True, frozen=True)
class PermissionResolvedEvent:
    """A permission question was answered or withdrawn."""

    request_id: str
    tool_call_id: str
    outcome: Literal["allowed", "rejected", "cancelled"]
    option_id: str | None = None


@dataclass(slots=True, frozen=True)
class ConversationRewoundEvent:
    """The conversation was cut back to its first ``kept_messages`` messages (rewind, /clear)."""

    kept_messages: int
    restored_files: tuple[str, ...] = ()
    dropped_prompts: int = 0
    """User prompts among the dropped messages: what a client removes from its transcript."""


@dataclass(slots=True, frozen=True)
class CompactionEvent:
    """Older messages were summarised to free context."""

    trigger: Literal["auto", "manual"]
    tokens_before: int
    tokens_after: int
    summary: str = ""


SessionEvent = (
    UserMessageEvent
    | AgentTextEvent
    | AgentThoughtEvent
    | TurnStartedEvent
    | TurnCompletedEvent
    | UsageEvent
    | RetryingEvent
    | ErrorEvent
    | ToolCallEvent
    | ToolCallUpdateEvent
    | PlanEvent
    | ModeChangedEvent
    | ModelChangedEvent
    | PermissionResolvedEvent
    | ConversationRewoundEvent
    | CompactionEvent
)
"""Any event of a live session."""
