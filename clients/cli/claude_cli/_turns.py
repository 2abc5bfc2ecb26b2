"""Sending prompts: one turn at a time, the rest queued; Ctrl+C cancels the running turn."""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import Callable
from typing import Any

from claude_cli._connect import DaemonLink
from claude_cli._output import Output
from claude_cli._registry import SessionRegistry
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._session_client import NoticeEntry, SessionView

ImageSource = Callable[[str], list[tuple[bytes, str]]]
"""The pasted images whose markers are in a prompt: ``(data, media type)``."""


def _errors(view: SessionView) -> int:
    return sum(1 for e in view.entries if isinstance(e, NoticeEntry) and e.level == "error")


class Turns:
    """The foreground session's prompts."""

    def __init__(
        self,
        link: DaemonLink,
        sessions: SessionRegistry,
        output: Output,
        images: ImageSource = lambda text: [],
    ) -> None:
        self.link = link
        self.sessions = sessions
        self.output = output
        self.images = images
        self.queue: list[str] = []
        self.task: asyncio.Task[None] | None = None
        """This client's prompt in flight."""
        self.closing = False
        self._cancelling: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """A turn runs (ours, or one another client started in this session)."""
        return self.sessions.view.busy or self.task is not None

    def submit(self, text: str) -> None:
        """Send ``text`` now, or after the running turn."""
        if self.busy:
            self.queue.append(text)
            self.output.flash("Queued: it is sent when the current turn ends")
            self.output.refresh()
            return
        self.task = asyncio.ensure_future(self._prompt(text, self.images(text)))

    def on_update(self, view: SessionView, update: dict[str, Any]) -> None:
        """A turn of the foreground session ended: send the next queued prompt."""
        if update.get("kind") == "turn_completed" and view is self.sessions.view:
            self._send_queued()

    def _send_queued(self) -> None:
        if self.queue and not self.busy and not self.closing:
            self.submit(self.queue.pop(0))

    async def _prompt(self, text: str, images: list[tuple[bytes, str]]) -> None:
        blocks: list[dict[str, Any]] = [{"type": "text", "text": text}]
        for data, media in images:
            encoded = base64.b64encode(data).decode()
            blocks.append({"type": "image", "mimeType": media, "data": encoded})
        view = self.sessions.view
        errors_before = _errors(view)
        try:
            await self.link.request(
                "session/prompt", {"sessionId": view.session_id, "prompt": blocks}
            )
        except RpcError as exc:
            if exc.error_code == "session_busy":
                self.output.notice(
                    "The session is running a turn another client started; wait, or ctrl+c",
                    "error",
                )
            elif images and exc.code == -32602:
                self.output.notice(
                    "This daemon does not accept images yet; remove the [Image #N] markers",
                    "error",
                )
            elif _errors(view) == errors_before:
                # The turn failed before reporting it as an update: say it here, once.
                self.output.notice(exc.message, "error")
        except ConnectionLost:
            pass  # the recovery reports it
        finally:
            self.task = None
            self.output.refresh()
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().call_soon(self._send_queued)

    def interrupt(self) -> bool:
        """Cancel the running turn (and drop the queue); False when none runs."""
        if not self.busy:
            return False
        self.queue.clear()
        self._cancelling = asyncio.ensure_future(self.cancel())
        return True

    async def cancel(self) -> None:
        """Ask the daemon to stop the foreground session's turn."""
        with contextlib.suppress(ConnectionLost):
            await self.link.notify("session/cancel", {"sessionId": self.sessions.view.session_id})

    async def shutdown(self) -> None:
        """Leaving: stop the turn this client started rather than orphan it."""
        self.closing = True
        if self.task is not None and self.link.connected:
            await self.cancel()
