"""How the engine reaches the user: permission questions and AskUserQuestion.

The rpc layer implements :class:`ClientBridge` by asking every attached client that declared the
capability; the engine only sees answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from claude_server.model import ToolCallEvent

PermissionChoice = Literal[
    "allow_once", "allow_always", "reject_once", "reject_always", "cancelled"
]


@dataclass(frozen=True, slots=True)
class PermissionRequest:
    """A tool call the user must approve."""

    request_id: str
    tool_call: ToolCallEvent
    reason: str


@dataclass(frozen=True, slots=True)
class PermissionAnswer:
    """The user's answer; ``cancelled`` when no answer came (turn cancelled, client gone)."""

    choice: PermissionChoice
    message: str | None = None
    updated_input: dict[str, Any] | None = None
    """The call's input as the user changed it before allowing it (an edit's text)."""


class ClientBridge(Protocol):
    """The engine's way to ask the people watching a session."""

    def can_ask(self, session_id: str, what: Literal["permission", "question"]) -> bool:
        """Whether some attached client can answer this kind of question now."""
        ...

    async def request_permission(
        self, session_id: str, request: PermissionRequest
    ) -> PermissionAnswer:
        """Ask every capable client; the first answer wins."""
        ...

    async def ask_user(
        self,
        session_id: str,
        request_id: str,
        tool_call_id: str | None,
        questions: list[dict[str, Any]],
    ) -> dict[str, Any] | None:
        """Ask questions; the answers by question text, or ``None`` when cancelled."""
        ...


class NoClients:
    """A bridge for sessions nobody can answer for (headless runs, tests)."""

    def can_ask(self, session_id: str, what: Literal["permission", "question"]) -> bool:
        """Never."""
        return False

    async def request_permission(
        self, session_id: str, request: PermissionRequest
    ) -> PermissionAnswer:
        """Always cancelled."""
        return PermissionAnswer(choice="cancelled")

    async def ask_user(
        self,
        session_id: str,
        request_id: str,
        tool_call_id: str | None,
        questions: list[dict[str, Any]],
    ) -> dict[str, Any] | None:
        """Always cancelled."""
        return None
