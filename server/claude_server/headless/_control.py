"""The caller of a ``--input-format stream-json`` run as one of the daemon's clients.

An Agent SDK that passed ``--permission-prompt-tool stdio`` answers permission questions: the
hub's ``session/requestPermission`` becomes a ``can_use_tool`` control request on stdout, and
the SDK's ``control_response`` (allow, with an optional changed input, or deny with a message)
becomes the answer. The first answer wins among all of the session's clients, as for any other.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

from claude_server.headless._shapes import system_line
from claude_server.headless._sink import Sink
from claude_server.services import ClientCapabilities, ClientDescription


class ControlClient:
    """The SDK on the other end of stdin and stdout."""

    def __init__(self, client_id: int, sink: Sink, session_id: str, *, asks: bool) -> None:
        self._id = client_id
        self._sink = sink
        self._session_id = session_id
        self._asks = asks
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self.reports_state = os.environ.get("CLAUDE_CODE_SDK_READS_SESSION_STATE") == "1"
        """The SDK asked for ``session_state_changed`` lines (Claude Code sends them only then)."""

    @property
    def client_id(self) -> int:
        """The hub's number for this client."""
        return self._id

    @property
    def capabilities(self) -> ClientCapabilities:
        """Permission questions, when the run was started with ``--permission-prompt-tool``."""
        return ClientCapabilities(permission=self._asks)

    def is_watching(self, session_id: str) -> bool:
        """Only the run's own session."""
        return session_id == self._session_id

    def state(self, state: str) -> None:
        """``session_state_changed``: running, requires_action or idle."""
        if self.reports_state:
            self._sink.json(
                system_line(self._session_id, "session_state_changed", state=state)
                | {"sdk_host_only": True}
            )

    def send_request(self, method: str, params: dict[str, Any]) -> tuple[str, asyncio.Future[Any]]:
        """A permission question as ``can_use_tool``; nothing else is asked of an SDK."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        request_id = str(uuid.uuid4())
        if method != "session/requestPermission":
            future.set_exception(RuntimeError(f"{method} is not asked of an SDK"))
            return request_id, future
        call = params["toolCall"]
        self._pending[request_id] = future
        self.state("requires_action")
        self._sink.json(
            {
                "type": "control_request",
                "request_id": request_id,
                "request": {
                    "subtype": "can_use_tool",
                    "tool_name": call["toolName"],
                    "display_name": call["toolName"],
                    "input": call["input"],
                    "description": call.get("title") or call["toolName"],
                    "permission_suggestions": [],
                    "decision_reason": params.get("reason"),
                    "tool_use_id": call["toolCallId"],
                },
            }
        )
        return request_id, future

    def withdraw_request(self, request_id: str) -> None:
        """The question was answered elsewhere or its turn ended: tell the SDK."""
        future = self._pending.pop(request_id, None)
        if future is not None and not future.done():
            future.cancel()
            self._sink.json({"type": "control_cancel_request", "request_id": request_id})

    def answered(self, response: dict[str, Any]) -> bool:
        """A ``control_response`` from the SDK; false when it answers nothing we asked."""
        future = self._pending.pop(str(response.get("request_id")), None)
        if future is None or future.done():
            return False
        self.state("running")
        if response.get("subtype") != "success":
            future.set_result({"outcome": {"outcome": "cancelled"}})
            return True
        body = response.get("response") or {}
        if body.get("behavior") == "allow":
            changed = body.get("updatedInput")
            outcome: dict[str, Any] = {"outcome": "selected", "optionId": "allow_once"}
            if isinstance(changed, dict):
                outcome["updatedInput"] = changed
        else:
            outcome = {
                "outcome": "selected",
                "optionId": "reject_once",
                "message": str(body.get("message") or "") or None,
            }
        future.set_result({"outcome": outcome})
        return True

    def close(self) -> None:
        """stdin ended: questions still open are withdrawn."""
        for future in self._pending.values():
            if not future.done():
                future.set_result({"outcome": {"outcome": "cancelled"}})
        self._pending.clear()

    def describe(self) -> ClientDescription:
        """As ``daemon/status`` lists it."""
        return ClientDescription(self._id, "stream-json", "agent-sdk", True)
