"""``claude-py -p``: one prompt, the final answer on stdout, errors on stderr, an exit code.

As Claude Code's text output: stdout gets the last message of the turn (not every message run
together), once the turn is over. ``--continue`` and ``--resume ID`` carry on a stored session;
a prompt starting with ``/`` runs as a slash command or skill. Problems with the folder's
settings and its trust are one line each on stderr.
"""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from typing import Any

from claude_cli._daemon import StdioDaemon
from claude_cli._rpc import ConnectionLost, RpcClient, RpcError


@dataclass(frozen=True, slots=True)
class PrintOptions:
    """What ``claude-py -p`` was asked to do."""

    prompt: str
    cwd: str
    model: str | None = None
    mode: str | None = None
    continue_last: bool = False
    resume: str | None = None


class _Answer:
    """Collects the text of one session's current message; a tool call starts a new one."""

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.after_seq = 0
        """Updates up to this seq are a replay of what came before this run."""
        self.text = ""

    def on_notification(self, method: str, params: Any) -> None:
        if method != "session/update" or not isinstance(params, dict):
            return
        if params.get("sessionId") != self.session_id:
            return
        seq = params.get("seq")
        if not isinstance(seq, int) or seq <= self.after_seq:
            return
        update = params.get("update") or {}
        kind = update.get("kind")
        if kind == "tool_call":
            self.text = ""
        elif kind == "agent_message_chunk":
            self.text += str(update.get("text", ""))


class _Failed(Exception):
    """A problem already described in one line."""


async def run_print(options: PrintOptions) -> int:
    """Run the prompt in a session of a private daemon; return the exit code."""
    answer = _Answer()
    try:
        daemon = await StdioDaemon.start(answer.on_notification)
    except (OSError, ConnectionLost, RpcError) as exc:
        _error(f"could not start the daemon: {exc}")
        return 1
    output = ""
    try:
        await _open_session(daemon.client, options, answer)
        output = await _run(daemon.client, options, answer)
    except _Failed as exc:
        _error(str(exc))
        return 1
    except RpcError as exc:
        _error(exc.message)
        return 1
    except ConnectionLost:
        tail = daemon.stderr_tail
        _error("the daemon exited unexpectedly" + (f": {tail[-1]}" if tail else ""))
        return 1
    finally:
        await daemon.stop()
    return _write_stdout(output)


async def _open_session(client: RpcClient, options: PrintOptions, answer: _Answer) -> None:
    target = options.resume
    if options.continue_last and target is None:
        listed = await client.request("session/list", {"cwd": options.cwd, "limit": 1})
        sessions = listed.get("sessions") or []
        if sessions:
            target = sessions[0]["sessionId"]
        else:
            _warn("no earlier session in this directory; starting a new one")
    if target is not None:
        try:
            loaded = await client.request("session/load", {"sessionId": target})
        except RpcError as exc:
            raise _Failed(f"cannot resume session {target}: {exc.message}") from None
        answer.session_id = loaded["sessionId"]
        answer.after_seq = int(loaded.get("lastSeq") or 0)
        for warning in loaded.get("warnings") or []:
            _warn(warning)
        _tell_workspace(loaded.get("workspace"))
        for name, value in (("model", options.model), ("mode", options.mode)):
            if value:
                method = "session/setModel" if name == "model" else "session/setMode"
                await client.request(method, {"sessionId": answer.session_id, name: value})
        return
    params: dict[str, Any] = {"cwd": options.cwd}
    if options.model:
        params["model"] = options.model
    if options.mode:
        # With nobody to ask, a call that needs permission is refused unless the mode
        # (acceptEdits, bypassPermissions) or a rule allows it.
        params["mode"] = options.mode
    created = await client.request("session/new", params)
    answer.session_id = created["sessionId"]
    _tell_workspace(created.get("workspace"))


async def _run(client: RpcClient, options: PrintOptions, answer: _Answer) -> str:
    sid = answer.session_id
    if options.prompt.lstrip().startswith("/"):
        result = await client.request(
            "session/command", {"sessionId": sid, "command": options.prompt.strip()}
        )
        return str(result.get("output") or "") or answer.text
    prompt = [{"type": "text", "text": options.prompt}]
    await client.request("session/prompt", {"sessionId": sid, "prompt": prompt})
    return answer.text


def _tell_workspace(workspace: Any) -> None:
    if not isinstance(workspace, dict):
        return
    for problem in workspace.get("problems") or []:
        _warn(problem)
    if workspace.get("notice"):
        # As Claude Code does for a never-trusted folder: one line on stderr, then on.
        sys.stderr.write(f"claude-py: {workspace['notice']}\n")


def _write_stdout(text: str) -> int:
    if not text:
        return 0
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): nothing is wrong, and nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _warn(message: str) -> None:
    sys.stderr.write("claude-py: warning: " + " ".join(message.split()) + "\n")


def _error(message: str) -> None:
    # One line, always: multi-line messages are folded so scripts can parse stderr.
    sys.stderr.write("claude-py: error: " + " ".join(message.split()) + "\n")
    sys.stderr.flush()


def main_print(options: PrintOptions) -> int:
    """Synchronous entry for the CLI."""
    try:
        return asyncio.run(run_print(options))
    except KeyboardInterrupt:
        return 130
