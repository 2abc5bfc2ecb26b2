"""Ctrl+B: a prompt run as a background task, in a session of its own.

The task's session streams into its own view; the status line shows its progress, and its answer
is printed when it finishes. Its permission questions are asked like the foreground's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from claude_cli._connect import DaemonLink
from claude_cli._cost import format_seconds, format_tokens
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._session_client import NoticeEntry, SessionView


@dataclass(eq=False)
class BackgroundTask:
    """One background prompt."""

    number: int
    prompt: str
    view: SessionView | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    stop_reason: str | None = None
    error: str | None = None
    task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Still working."""
        return self.ended is None

    def elapsed(self) -> float:
        """Seconds since it started (until it ended)."""
        return (self.ended or time.monotonic()) - self.started

    def label(self) -> str:
        """``#1 12.0s ↓ 340``."""
        tokens = self.view.output_tokens() if self.view is not None else 0
        return f"#{self.number} {format_seconds(self.elapsed())} ↓ {format_tokens(tokens)}"


class BackgroundTasks:
    """Starts background prompts and tracks them."""

    def __init__(
        self,
        link: DaemonLink,
        register_view: Callable[[str], SessionView],
        on_change: Callable[[], None],
        on_done: Callable[[BackgroundTask], None],
    ) -> None:
        self.link = link
        self.tasks: list[BackgroundTask] = []
        self._register_view = register_view
        self._on_change = on_change
        self._on_done = on_done

    def start(self, prompt: str, cwd: str, model: str | None, mode: str | None) -> BackgroundTask:
        """Run ``prompt`` in a new session without waiting for it."""
        task = BackgroundTask(number=len(self.tasks) + 1, prompt=prompt)
        self.tasks.append(task)
        task.task = asyncio.ensure_future(self._run(task, cwd, model, mode))
        self._on_change()
        return task

    def running(self) -> list[BackgroundTask]:
        """Tasks still working."""
        return [t for t in self.tasks if t.running]

    def status(self) -> str:
        """For the status line: ``⧗ bg #1 12.0s ↓ 340``, or empty."""
        running = self.running()
        if not running:
            return ""
        return "⧗ bg " + ", ".join(t.label() for t in running)

    async def _run(
        self, task: BackgroundTask, cwd: str, model: str | None, mode: str | None
    ) -> None:
        params: dict[str, Any] = {"cwd": cwd}
        if model:
            params["model"] = model
        if mode:
            params["mode"] = mode
        try:
            created = await self.link.request("session/new", params)
            view = self._register_view(created["sessionId"])
            view.cwd = cwd
            view.model = str(created.get("model", model or ""))
            task.view = view
            result = await self.link.request(
                "session/prompt",
                {"sessionId": view.session_id, "prompt": [{"type": "text", "text": task.prompt}]},
            )
            task.stop_reason = str(result.get("stopReason", "end_turn"))
        except RpcError as exc:
            task.error = exc.message
        except ConnectionLost:
            task.error = "the daemon went away"
        finally:
            task.ended = time.monotonic()
            if task.error and task.view is not None:
                errors = [e for e in task.view.entries if isinstance(e, NoticeEntry)]
                if errors:
                    task.error = errors[-1].text
            self._on_done(task)
            self._on_change()
