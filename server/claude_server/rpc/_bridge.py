"""The engine's questions to users, asked of every capable client; the first answer wins."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from claude_server import protocol as p
from claude_server.engine import PermissionAnswer, PermissionRequest
from claude_server.rpc._connection import Connection
from claude_server.rpc._core import DaemonCore

log = logging.getLogger(__name__)

T = TypeVar("T")

_OPTIONS = [
    p.PermissionOption(option_id="allow_once", name="Allow", kind="allow_once"),
    p.PermissionOption(option_id="allow_always", name="Always allow", kind="allow_always"),
    p.PermissionOption(option_id="reject_once", name="Deny", kind="reject_once"),
]
_CHOICES = {o.option_id: o.kind for o in _OPTIONS}


class RpcBridge:
    """Implements the engine's ``ClientBridge`` over the daemon's connections."""

    def __init__(self, core: DaemonCore) -> None:
        self.core = core

    def _capable(
        self, session_id: str, what: Literal["permission", "question"]
    ) -> list[Connection]:
        return [
            conn
            for conn in self.core.connections.values()
            if conn.initialized
            and conn.is_watching(session_id)
            and (
                conn.capabilities.request_permission
                if what == "permission"
                else conn.capabilities.ask_user
            )
        ]

    def can_ask(self, session_id: str, what: Literal["permission", "question"]) -> bool:
        """Whether some attached client declared it can answer."""
        return bool(self._capable(session_id, what))

    async def request_permission(
        self, session_id: str, request: PermissionRequest
    ) -> PermissionAnswer:
        """Send ``session/requestPermission`` to every capable client; the first answer wins."""
        call = request.tool_call
        params = p.RequestPermissionParams(
            session_id=session_id,
            request_id=request.request_id,
            tool_call=p.ToolCallInfo(
                tool_call_id=call.tool_call_id,
                tool_name=call.tool_name,
                title=call.title,
                kind=call.kind,
                input=call.input,
                parent_tool_call_id=call.parent_tool_call_id,
            ),
            options=_OPTIONS,
            reason=request.reason,
        ).to_wire()

        def read(raw: Any) -> PermissionAnswer:
            outcome = p.RequestPermissionResult.model_validate(raw).outcome
            if isinstance(outcome, p.CancelledOutcome):
                return PermissionAnswer(choice="cancelled")
            choice = _CHOICES.get(outcome.option_id)
            if choice is None:
                raise ValueError(f"unknown option {outcome.option_id!r}")
            return PermissionAnswer(choice=choice, message=outcome.message)

        answer = await self._first_answer(
            self._capable(session_id, "permission"), "session/requestPermission", params, read
        )
        return answer or PermissionAnswer(choice="cancelled")

    async def ask_user(
        self,
        session_id: str,
        request_id: str,
        tool_call_id: str | None,
        questions: list[dict[str, Any]],
    ) -> dict[str, Any] | None:
        """Send ``session/askUser`` to every capable client; the first answer wins."""
        params = p.AskUserParams(
            session_id=session_id,
            request_id=request_id,
            tool_call_id=tool_call_id,
            questions=[p.Question.model_validate(q) for q in questions],
        ).to_wire()

        def read(raw: Any) -> dict[str, Any] | None:
            result = p.AskUserResult.model_validate(raw)
            return dict(result.answers) if result.outcome == "answered" else None

        answers = await self._first_answer(
            self._capable(session_id, "question"), "session/askUser", params, read
        )
        return answers

    async def _first_answer(
        self,
        conns: list[Connection],
        method: str,
        params: dict[str, Any],
        read: Callable[[Any], T],
    ) -> T | None:
        sent = {conn.send_request(method, params): conn for conn in conns}
        pending = {future: (msg_id, conn) for (msg_id, future), conn in sent.items()}
        try:
            while pending:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for future in done:
                    msg_id, conn = pending.pop(future)
                    try:
                        return read(future.result())
                    except (ValidationError, ValueError) as exc:
                        log.warning(
                            "connection %d gave a bad answer to %s: %s",
                            conn.connection_id,
                            method,
                            exc,
                        )
                    except (ConnectionError, asyncio.CancelledError, Exception) as exc:  # noqa: BLE001
                        log.info(
                            "connection %d did not answer %s: %s", conn.connection_id, method, exc
                        )
            return None
        finally:
            for msg_id, conn in pending.values():
                with contextlib.suppress(Exception):
                    conn.withdraw_request(msg_id)
