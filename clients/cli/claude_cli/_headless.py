"""``claude-py -p``: one prompt, the answer on stdout, errors on stderr, an exit code."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from claude_cli._daemon import StdioDaemon
from claude_cli._rpc import ConnectionLost, RpcError


class _Printer:
    """Writes the streamed answer of one session to stdout as it arrives."""

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.wrote_text = False
        self.last_char = "\n"
        self.errors: list[str] = []

    def on_notification(self, method: str, params: Any) -> None:
        if method != "session/update" or not isinstance(params, dict):
            return
        if self.session_id is not None and params.get("sessionId") != self.session_id:
            return
        update = params.get("update") or {}
        if update.get("kind") == "agent_message_chunk":
            text = update.get("text", "")
            if text:
                sys.stdout.write(text)
                sys.stdout.flush()
                self.wrote_text = True
                self.last_char = text[-1]


async def run_print(prompt: str, model: str | None, mode: str | None = None) -> int:
    """Run one prompt in a fresh session of a private daemon; return the exit code."""
    printer = _Printer()
    try:
        daemon = await StdioDaemon.start(printer.on_notification)
    except (OSError, ConnectionLost, RpcError) as exc:
        _error(f"could not start the daemon: {exc}")
        return 1
    try:
        params: dict[str, Any] = {"cwd": os.getcwd()}
        if model:
            params["model"] = model
        if mode:
            # With nobody to ask, a call that needs permission is refused unless the mode
            # (acceptEdits, bypassPermissions) or a rule allows it.
            params["mode"] = mode
        created = await daemon.client.request("session/new", params)
        printer.session_id = created["sessionId"]
        workspace = created.get("workspace") or {}
        if workspace.get("notice"):
            # As Claude Code does for a never-trusted folder: one line on stderr, then on.
            sys.stderr.write(f"claude-py: {workspace['notice']}\n")
        await daemon.client.request(
            "session/prompt",
            {"sessionId": printer.session_id, "prompt": [{"type": "text", "text": prompt}]},
        )
    except RpcError as exc:
        _finish_line(printer)
        _error(exc.message)
        return 1
    except ConnectionLost:
        _finish_line(printer)
        tail = daemon.stderr_tail
        _error("the daemon exited unexpectedly" + (f": {tail[-1]}" if tail else ""))
        return 1
    finally:
        await daemon.stop()
    _finish_line(printer)
    return 0


def _finish_line(printer: _Printer) -> None:
    if printer.wrote_text and printer.last_char != "\n":
        sys.stdout.write("\n")
        sys.stdout.flush()


def _error(message: str) -> None:
    # One line, always: multi-line messages are folded so scripts can parse stderr.
    sys.stderr.write("claude-py: error: " + " ".join(message.split()) + "\n")
    sys.stderr.flush()


def main_print(prompt: str, model: str | None, mode: str | None = None) -> int:
    """Synchronous entry for the CLI."""
    try:
        return asyncio.run(run_print(prompt, model, mode))
    except KeyboardInterrupt:
        return 130
