"""``session/update``: everything a live session tells its clients.

Each update has a ``kind``; ``seq`` grows by one per session, so a client can detect a gap and
re-attach with ``sinceSeq``.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel
from claude_server.protocol._session import StopReason, Usage
from claude_server.protocol._tools import (
    PermissionMode,
    ToolCallContent,
    ToolCallInfo,
    ToolCallStatus,
)


class UserMessageUpdate(WireModel):
    """A user prompt entered the conversation (from any client)."""

    kind: Literal["user_message"] = "user_message"
    text: str


class AgentMessageChunkUpdate(WireModel):
    """More of the assistant's answer text."""

    kind: Literal["agent_message_chunk"] = "agent_message_chunk"
    text: str


class AgentThoughtChunkUpdate(WireModel):
    """More of the assistant's extended thinking."""

    kind: Literal["agent_thought_chunk"] = "agent_thought_chunk"
    text: str


class TurnStartedUpdate(WireModel):
    """A turn began."""

    kind: Literal["turn_started"] = "turn_started"
    turn_id: str


class TurnCompletedUpdate(WireModel):
    """A turn ended."""

    kind: Literal["turn_completed"] = "turn_completed"
    turn_id: str
    stop_reason: StopReason
    usage: Usage
    cost_usd: float | None = None
    """Estimated cost of the turn in USD (absent when a model's price is unknown)."""


class UsageUpdate(WireModel):
    """Token counts after a model response: this turn's and the session's total."""

    kind: Literal["usage_update"] = "usage_update"
    turn: Usage
    total: Usage
    turn_cost_usd: float | None = None
    total_cost_usd: float | None = None
    """Estimated costs in USD from the price table (absent when a price is unknown)."""


class RetryingUpdate(WireModel):
    """A model request failed and will be tried again after ``delaySeconds``."""

    kind: Literal["retrying"] = "retrying"
    attempt: int
    max_attempts: int
    delay_seconds: float
    reason: str


class ErrorUpdate(WireModel):
    """Something went wrong that the user should see."""

    kind: Literal["error"] = "error"
    code: str
    message: str
    retryable: bool = False


class ToolCallUpdate(WireModel):
    """The model asked for a tool call; it starts ``pending``."""

    kind: Literal["tool_call"] = "tool_call"
    tool_call: ToolCallInfo
    status: ToolCallStatus = "pending"


class ToolCallProgressUpdate(WireModel):
    """A tool call changed status or produced output."""

    kind: Literal["tool_call_update"] = "tool_call_update"
    tool_call_id: str
    status: ToolCallStatus
    content: list[ToolCallContent] = Field(default_factory=list)
    """What to show: output text, a diff, terminal output."""
    progress: str | None = None
    """A line of live progress while the call runs."""


class PlanEntry(WireModel):
    """One task of the session's task list."""

    content: str
    status: Literal["pending", "in_progress", "completed"]
    active_form: str = ""


class PlanUpdate(WireModel):
    """The session's task list changed (the whole list is sent)."""

    kind: Literal["plan"] = "plan"
    entries: list[PlanEntry]


class ModeChangedUpdate(WireModel):
    """The session's permission mode changed."""

    kind: Literal["mode_changed"] = "mode_changed"
    mode: PermissionMode


class ModelChangedUpdate(WireModel):
    """The session's model changed."""

    kind: Literal["model_changed"] = "model_changed"
    model: str


class PermissionResolvedUpdate(WireModel):
    """A permission request was answered (by some client) or withdrawn."""

    kind: Literal["permission_resolved"] = "permission_resolved"
    request_id: str
    tool_call_id: str
    outcome: Literal["allowed", "rejected", "cancelled"]
    option_id: str | None = None


class ConversationRewoundUpdate(WireModel):
    """The conversation was cut back (``session/rewind``, ``/clear``); later turns are gone."""

    kind: Literal["conversation_rewound"] = "conversation_rewound"
    kept_messages: int
    dropped_prompts: int = 0
    """User prompts removed: a client drops its transcript from the last this many prompts on
    (everything when ``keptMessages`` is 0)."""
    restored_files: list[str] = Field(default_factory=list)
    """Files put back as they were before the rewound turns edited them."""


class CompactionUpdate(WireModel):
    """Older messages were summarised to free context."""

    kind: Literal["compaction"] = "compaction"
    trigger: Literal["auto", "manual"]
    tokens_before: int
    tokens_after: int
    summary: str = ""


SessionUpdate = Annotated[
    UserMessageUpdate
    | AgentMessageChunkUpdate
    | AgentThoughtChunkUpdate
    | TurnStartedUpdate
    | TurnCompletedUpdate
    | UsageUpdate
    | RetryingUpdate
    | ErrorUpdate
    | ToolCallUpdate
    | ToolCallProgressUpdate
    | PlanUpdate
    | ModeChangedUpdate
    | ModelChangedUpdate
    | PermissionResolvedUpdate
    | ConversationRewoundUpdate
    | CompactionUpdate,
    Field(discriminator="kind"),
]
"""Any update."""

UPDATE_KINDS: tuple[str, ...] = tuple(
    typing.get_args(member.model_fields["kind"].annotation)[0]
    for member in typing.get_args(typing.get_args(SessionUpdate)[0])
)
"""Every ``kind`` of :data:`SessionUpdate`."""


class SessionUpdateParams(WireModel):
    """Params of the ``session/update`` notification."""

    session_id: str
    seq: int
    update: SessionUpdate
