"""``session/update``: everything a live session tells its clients.

Each update has a ``kind``; ``seq`` grows by one per session, so a client can detect a gap and
re-attach with ``sinceSeq``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel
from claude_server.protocol._session import StopReason, Usage


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


class UsageUpdate(WireModel):
    """Token counts after a model response: this turn's and the session's total."""

    kind: Literal["usage_update"] = "usage_update"
    turn: Usage
    total: Usage


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


SessionUpdate = Annotated[
    UserMessageUpdate
    | AgentMessageChunkUpdate
    | AgentThoughtChunkUpdate
    | TurnStartedUpdate
    | TurnCompletedUpdate
    | UsageUpdate
    | RetryingUpdate
    | ErrorUpdate,
    Field(discriminator="kind"),
]
"""Any update."""

UPDATE_KINDS: tuple[str, ...] = (
    "user_message",
    "agent_message_chunk",
    "agent_thought_chunk",
    "turn_started",
    "turn_completed",
    "usage_update",
    "retrying",
    "error",
)
"""Every ``kind`` of :data:`SessionUpdate`."""


class SessionUpdateParams(WireModel):
    """Params of the ``session/update`` notification."""

    session_id: str
    seq: int
    update: SessionUpdate
