#!/usr/bin/env python3
"""A complete claude-py client in 100 lines of standard-library Python.

It starts ``claude-py-server --stdio``, opens a session in the current directory, sends one
prompt, prints the answer as it streams, allows each tool call the daemon asks about (saying so
on stderr), and shuts down. Every frame it sends and receives is in protocol.md ("A whole
session, frame by frame").

    python3 examples/stdio_client.py "Create hello.txt saying hi"

``CLAUDE_PY_SERVER`` names the daemon command (default ``claude-py-server``); ``--trace`` prints
every frame to stderr.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from typing import Any


class Daemon:
    """The daemon process and the framing of its stdin and stdout."""

    def __init__(self, command: list[str], trace: bool) -> None:
        self.proc = subprocess.Popen(
            [*command, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.trace = trace
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        if self.trace:
            print("c→d", body.decode(), file=sys.stderr)
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> int:
        self.next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        self.send(message if params is None else {**message, "params": params})
        return self.next_id

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        self.send(message if params is None else {**message, "params": params})

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the daemon closed the connection")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        assert length is not None, "a frame without Content-Length"
        message: dict[str, Any] = json.loads(self.proc.stdout.read(length))
        if self.trace:
            print("d→c", json.dumps(message), file=sys.stderr)
        return message

    def wait_for(self, request_id: int) -> Any:
        """Handle what arrives until the reply to ``request_id``; its result."""
        while True:
            message = self.read()
            if message.get("id") == request_id and "method" not in message:
                if "error" in message:
                    raise SystemExit(f"error: {message['error']['message']}")
                return message.get("result")
            self.handle(message)

    def handle(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params") or {}
        if method == "session/update":
            update = params["update"]
            if update["kind"] == "agent_message_chunk":
                print(update["text"], end="", flush=True)
            elif update["kind"] == "tool_call":
                print(f"\n[tool] {update['toolCall']['title']}", file=sys.stderr)
        elif method == "session/requestPermission":
            print(f"[allowing] {params['toolCall']['title']}", file=sys.stderr)
            answer = {"outcome": {"outcome": "selected", "optionId": "allow_once"}}
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": answer})
        elif "id" in message and method is not None:
            # A question this client cannot answer (session/askUser...): say so, never hang.
            error = {"code": -32601, "message": f"{method} is not handled by this client"}
            self.send({"jsonrpc": "2.0", "id": message["id"], "error": error})


def main(argv: list[str]) -> int:
    trace = "--trace" in argv
    words = [a for a in argv if a != "--trace"]
    prompt = " ".join(words) or "Say hello."
    daemon = Daemon(shlex.split(os.environ.get("CLAUDE_PY_SERVER", "claude-py-server")), trace)
    capabilities = {"experimental": {"claudePy": {"requestPermission": True}}}
    init = {
        "processId": os.getpid(),
        "clientInfo": {"name": "example-python"},
        "capabilities": capabilities,
    }
    daemon.wait_for(daemon.request("initialize", init))
    daemon.notify("initialized", {})
    session = daemon.wait_for(daemon.request("session/new", {"cwd": os.getcwd()}))
    turn = {"sessionId": session["sessionId"], "prompt": [{"type": "text", "text": prompt}]}
    result = daemon.wait_for(daemon.request("session/prompt", turn))
    print(f"\n[done] {result['stopReason']}", file=sys.stderr)
    daemon.wait_for(daemon.request("shutdown"))
    daemon.notify("exit")
    return daemon.proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
