"""The daemon's questions: permission requests and AskUserQuestion, asked with pickers.

A question goes to every attached client and the first answer wins. When another client answers
first, the daemon withdraws ours (``$/cancelRequest``) and reports ``permission_resolved``; the
picker then closes without answering, and the tool call shows who decided.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from claude_cli._output import Output
from claude_cli._registry import SessionRegistry
from claude_cli._rpc import METHOD_NOT_FOUND, RpcError
from claude_cli._session_client import SessionView

if TYPE_CHECKING:
    from claude_cli._pickers import Picker, PickResult

ShowPicker = Callable[["Picker"], Awaitable["PickResult"]]


class Questions:
    """Serves ``session/requestPermission`` and ``session/askUser``."""

    def __init__(
        self,
        sessions: SessionRegistry,
        output: Output,
        show: ShowPicker,
        origin: Callable[[str], str] = lambda session_id: "",
    ) -> None:
        self.sessions = sessions
        self.output = output
        self.show = show
        self.origin = origin
        """A label for questions of sessions other than the foreground one."""
        self._open: dict[str, asyncio.Task[Any]] = {}
        self._answered_here: set[str] = set()
        self._resolved_elsewhere: set[str] = set()

    async def on_request(self, method: str, params: Any) -> Any:
        """Answer a daemon-to-client request."""
        if not isinstance(params, dict):
            raise RpcError(-32602, "params must be an object")
        if method == "session/requestPermission":
            return await self._permission(params)
        if method == "session/askUser":
            return await self._ask(params)
        raise RpcError(METHOD_NOT_FOUND, f"{method} is not supported by claude-py")

    def on_update(self, view: SessionView, update: dict[str, Any]) -> None:
        """Close our copy of a question another client answered."""
        if update.get("kind") != "permission_resolved":
            return
        request_id = str(update.get("requestId", ""))
        if request_id in self._answered_here:
            return
        task = self._open.pop(request_id, None)
        if task is not None:
            task.cancel()  # no answer is sent for a withdrawn question
        self._resolved_elsewhere.add(request_id)
        tool = view.tools.get(str(update.get("toolCallId", "")))
        if tool is not None:
            tool.permission_elsewhere = True

    async def _permission(self, params: dict[str, Any]) -> Any:
        from claude_cli._permission import (
            permission_answer,
            permission_header,
            permission_options,
        )
        from claude_cli._pickers import Picker

        request_id = str(params.get("requestId", ""))
        if request_id in self._resolved_elsewhere:
            raise asyncio.CancelledError  # answered before we got to it: nothing to ask
        session_id = str(params.get("sessionId", ""))
        view = self.sessions.get(session_id) or self.sessions.view
        tool_call_id = str((params.get("toolCall") or {}).get("toolCallId", ""))
        foreground = view is self.sessions.view
        transcript = self.sessions.transcript
        current = asyncio.current_task()
        if current is not None:
            self._open[request_id] = current
        if foreground:
            transcript.waiting.add(tool_call_id)
        header = permission_header(params, view.cwd, self.origin(session_id))
        options = permission_options(params)
        try:
            result = await self.show(Picker(self.output.header_source(header), options))
            self._answered_here.add(request_id)
            return permission_answer(options, result)
        finally:
            self._open.pop(request_id, None)
            transcript.waiting.discard(tool_call_id)
            self.output.refresh()

    async def _ask(self, params: dict[str, Any]) -> Any:
        from rich.console import Group
        from rich.text import Text

        from claude_cli._pickers import ask_questions

        def header(title: str, question: str) -> Any:
            parts = [Text(title, style="bold")] if title else []
            parts.append(Text(question))
            return self.output.header_source(Group(*parts))

        questions = [q for q in params.get("questions") or [] if isinstance(q, dict)]
        return await ask_questions(questions, self.show, header)
