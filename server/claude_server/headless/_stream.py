"""``--input-format stream-json``: user messages and control requests on stdin, one line each.

This is how the Agent SDKs drive a run. Each ``user`` line is one prompt, answered in order,
each ending in its own ``result``; ``control_request`` lines are answered at once, even while a
prompt runs (``interrupt`` stops it). An unknown subtype gets an error response and the run goes
on; blank lines and CRLF endings are accepted. At the end of stdin the prompts already sent
are finished, then the run exits.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from typing import Any

from claude_server import __version__
from claude_server.engine import LiveSession
from claude_server.errors import ClaudePyError
from claude_server.headless._answer import answer
from claude_server.headless._args import HeadlessArgs
from claude_server.headless._control import ControlClient
from claude_server.headless._init import COMPATIBLE_CLAUDE_CODE, init_line
from claude_server.headless._report import TurnLines
from claude_server.headless._result import result_line
from claude_server.headless._shapes import system_line, user_text_line
from claude_server.services import Application

_END = object()


def _read_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[object]) -> None:
    # A thread, not a pipe transport: stdin may be a file or /dev/null, which asyncio cannot
    # watch. It is a daemon thread, so a stdin that never closes cannot keep the process alive.
    stream = sys.stdin.buffer
    for raw in iter(stream.readline, b""):
        loop.call_soon_threadsafe(queue.put_nowait, raw)
    loop.call_soon_threadsafe(queue.put_nowait, _END)


def prompt_text(message: Any) -> str:
    """The text of a stream-json user message (a string, or text blocks)."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
        ]
        return "\n".join(str(part) for part in parts)
    raise ClaudePyError("a user message needs message.content (a string or text blocks)")


class StreamRun:
    """One stream-json run over one session."""

    def __init__(
        self,
        app: Application,
        session: LiveSession,
        args: HeadlessArgs,
        lines: TurnLines,
        client: ControlClient,
    ) -> None:
        self._app = app
        self._session = session
        self._args = args
        self._lines = lines
        self._client = client
        self._prompts: asyncio.Queue[str | None] = asyncio.Queue()
        self._results = 0
        self._out = lines.sink

    async def run(self) -> int:
        """Read stdin to its end, answering as it goes; the exit code."""
        worker = asyncio.create_task(self._work())
        queue: asyncio.Queue[object] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=_read_lines, args=(loop, queue), daemon=True).start()
        while (raw := await queue.get()) is not _END:
            assert isinstance(raw, bytes)
            self._line(raw)
        await self._prompts.put(None)
        await worker
        self._client.close()
        return 0

    def _line(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            return
        try:
            line = json.loads(text)
        except json.JSONDecodeError as exc:
            self._notice(f"a stdin line is not JSON ({exc.msg}); it was skipped")
            return
        kind = line.get("type") if isinstance(line, dict) else None
        if kind == "user":
            try:
                self._prompts.put_nowait(prompt_text(line.get("message")))
            except ClaudePyError as exc:
                self._notice(exc.message)
            if self._args.replay_user_messages:
                self._write(user_text_line(self._session.session_id, prompt_text(line["message"])))
        elif kind == "control_request":
            self._control(line)
        elif kind == "control_response":
            self._client.answered(line.get("response") or {})
        elif kind != "control_cancel_request":
            self._notice(f"a stdin line of type {kind!r} is not understood; it was skipped")

    def _control(self, line: dict[str, Any]) -> None:
        request_id = line.get("request_id")
        request = line.get("request") or {}
        subtype = request.get("subtype")
        try:
            body = self._answer_control(subtype, request)
        except (ClaudePyError, ValueError, TypeError, KeyError) as exc:
            message = exc.message if isinstance(exc, ClaudePyError) else str(exc)
            self._write(
                {
                    "type": "control_response",
                    "response": {"subtype": "error", "request_id": request_id, "error": message},
                }
            )
            return
        self._write(
            {
                "type": "control_response",
                "response": {"subtype": "success", "request_id": request_id, "response": body},
            }
        )

    def _answer_control(self, subtype: Any, request: dict[str, Any]) -> dict[str, Any]:
        session = self._session
        if subtype == "initialize":
            if request.get("hooks"):
                raise ClaudePyError(
                    "hook callbacks over the control protocol are not supported yet"
                )
            return {
                "commands": [],
                "agents": [{"name": name, "description": ""} for name in session.project.agents()],
                "output_style": "default",
                "available_output_styles": ["default"],
                "models": [],
                "account": {"apiProvider": "firstParty"},
                "pid": os.getpid(),
                "claude_code_version": COMPATIBLE_CLAUDE_CODE,
                "claude_py_version": __version__,
                "current_permission_mode": session.mode,
                "session_state": "running" if session.busy else "idle",
            }
        if subtype == "interrupt":
            session.cancel()
            return {"still_queued": []}
        if subtype == "set_permission_mode":
            session.set_mode(str(request.get("mode")))
            self._write(
                system_line(session.session_id, "status", status=None, permissionMode=session.mode)
            )
            return {"mode": session.mode}
        if subtype == "set_model":
            model = request.get("model")
            if not isinstance(model, str) or not model:
                raise ClaudePyError("set_model needs a model")
            session.set_model(model)
            return {"model": session.model}
        raise ClaudePyError(f"unsupported control request subtype: {subtype!r}")

    async def _work(self) -> None:
        while (text := await self._prompts.get()) is not None:
            self._client.state("running")
            self._write(await init_line(self._app, self._session))
            ending = await answer(self._app, self._session, text, self._lines, self._args)
            self._write(
                result_line(
                    self._session.session_id,
                    ending,
                    self._lines.figures,
                    result_index=self._results,
                    partial=self._args.include_partial_messages,
                )
            )
            self._results += 1
            self._client.state("idle")

    def _write(self, line: dict[str, Any]) -> None:
        if self._out is not None:
            self._out.json(line)

    def _notice(self, message: str) -> None:
        sys.stderr.write(f"claude-py: warning: {message}\n")
        sys.stderr.flush()
