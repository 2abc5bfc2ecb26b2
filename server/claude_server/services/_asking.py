"""Asking the people who watch a session: every capable client is asked, the first answer wins,
and the others see the question withdrawn (implements the engine's ``ClientBridge``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import ValidationError

from claude_server import protocol as p
from claude_server.engine import PermissionAnswer, PermissionRequest
from claude_server.services._clients import Client, ClientCapabilities, ClientHub

log = logging.getLogger(__name__)

T = TypeVar("T")

PERMISSION_OPTIONS = (
    p.PermissionOption(option_id="allow_once", name="Allow", kind="allow_once"),
    p.PermissionOption(option_id="allow_always", name="Always allow", kind="allow_always"),
    p.PermissionOption(option_id="reject_once", name="Deny", kind="reject_once"),
)
"""The answers a permission question offers."""

_CHOICES = {o.option_id: o.kind for o in PERMISSION_OPTIONS}


def _can(what: Literal["permission", "question"]) -> Callable[[ClientCapabilities], bool]:
    if what == "permission":
        return lambda caps: caps.permission
    return lambda caps: caps.question


class HubBridge:
    """The engine's ``ClientBridge`` over the clients of a :class:`ClientHub`."""

    def __init__(self, hub: ClientHub) -> None:
        self._hub = hub

    def can_ask(self, session_id: str, what: Literal["permission", "question"]) -> bool:
        """Whether some client watching the session declared it can answer."""
        return bool(self._hub.watching(session_id, _can(what)))

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
            options=list(PERMISSION_OPTIONS),
            reason=request.reason,
        ).to_wire()

        def read(raw: Any) -> PermissionAnswer:
            outcome = p.RequestPermissionResult.model_validate(raw).outcome
            if isinstance(outcome, p.CancelledOutcome):
                return PermissionAnswer(choice="cancelled")
            choice = _CHOICES.get(outcome.option_id)
            if choice is None:
                raise ValueError(f"unknown option {outcome.option_id!r}")
            return PermissionAnswer(
                choice=choice, message=outcome.message, updated_input=outcome.updated_input
            )

        clients = self._hub.watching(session_id, _can("permission"))
        answer = await first_answer(clients, "session/requestPermission", params, read)
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

        clients = self._hub.watching(session_id, _can("question"))
        return await first_answer(clients, "session/askUser", params, read)


async def first_answer(
    clients: list[Client],
    method: str,
    params: dict[str, Any],
    read: Callable[[Any], T],
) -> T | None:
    """Send ``method`` to every client; the first good answer, the rest withdrawn.

    A client that answers badly or leaves does not count; ``None`` when nobody answered.
    """
    sent = {client.send_request(method, params): client for client in clients}
    pending = {future: (msg_id, client) for (msg_id, future), client in sent.items()}
    try:
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                _msg_id, client = pending.pop(future)
                try:
                    return read(future.result())
                except (ValidationError, ValueError) as exc:
                    log.warning(
                        "client %d gave a bad answer to %s: %s", client.client_id, method, exc
                    )
                except (ConnectionError, asyncio.CancelledError, Exception) as exc:  # noqa: BLE001
                    log.info("client %d did not answer %s: %s", client.client_id, method, exc)
        return None
    finally:
        for msg_id, client in pending.values():
            with contextlib.suppress(Exception):
                client.withdraw_request(msg_id)
