"""The :class:`~claude_server.model.ToolContext` a session gives each tool call."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_server.engine._bridge import ClientBridge
from claude_server.model import (
    AssistantMessage,
    PlanEvent,
    SessionEvent,
    ToolCallUpdateEvent,
    ToolError,
)

AskModel = Callable[..., Awaitable[AssistantMessage]]


@dataclass(slots=True)
class CallContext:
    """One tool call's view of its session."""

    cwd: Path
    session_id: str
    state: dict[str, Any]
    tool_call_id: str
    emit: Callable[[SessionEvent], object]
    bridge: ClientBridge
    set_mode: Callable[[str], None]
    side_request: AskModel

    def progress(self, text: str) -> None:
        """Report a progress line for this call."""
        self.emit(ToolCallUpdateEvent(self.tool_call_id, "in_progress", progress=text))

    def report_plan(self, entries: list[dict[str, Any]]) -> None:
        """Publish the session's task list."""
        self.emit(PlanEvent(tuple(entries)))

    def set_permission_mode(self, mode: str) -> None:
        """Switch the session's permission mode."""
        self.set_mode(mode)

    async def ask_user(self, questions: list[dict[str, Any]]) -> dict[str, Any]:
        """Ask the attached clients; ToolError when nobody can answer."""
        if not self.bridge.can_ask(self.session_id, "question"):
            raise ToolError(
                "No attached client can answer questions right now; continue with your best "
                "judgement and state the assumptions you made."
            )
        answers = await self.bridge.ask_user(
            self.session_id, uuid.uuid4().hex[:12], self.tool_call_id, questions
        )
        if answers is None:
            raise ToolError("The user dismissed the question without answering.")
        return answers

    async def ask_model(
        self,
        prompt: str,
        *,
        system: str | None = None,
        server_tools: list[dict[str, Any]] | None = None,
        small: bool = True,
    ) -> AssistantMessage:
        """A side request to the model, outside the conversation."""
        return await self.side_request(
            prompt, system=system, server_tools=server_tools, small=small
        )
