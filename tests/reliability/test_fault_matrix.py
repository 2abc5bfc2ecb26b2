"""Every way the model API can fail, through a real daemon: each turn succeeds after retries or
fails with a code of the taxonomy, the session file stays valid JSON lines with no turn left
open, and the next prompt works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from claude_cli._rpc import RpcError
from claude_server.protocol import DAEMON_ERRORS
from fake_anthropic import FakeAnthropic, HttpError, Turn
from support.daemon import daemon_env, stdio_daemon

TAXONOMY = {e.code for e in DAEMON_ERRORS}
LONG = "The quick brown fox jumps over the lazy dog. " * 4

# name, the scripted replies of the faulty turn, what must come of it ("ok" or an error code)
FAULTS: list[tuple[str, list[Any], str]] = [
    ("429 with retry-after", [HttpError.rate_limited(retry_after=0.2), Turn.text(LONG)], "ok"),
    ("529 overloaded", [HttpError.overloaded(), Turn.text(LONG)], "ok"),
    ("500", [HttpError.server_error(), Turn.text(LONG)], "ok"),
    ("reset before content", [Turn.text(LONG, drop_after=1), Turn.text(LONG)], "ok"),
    ("reset during content", [Turn.text(LONG, drop_after=6), Turn.text(LONG)], "ok|stream_broken"),
    ("error event before content", [Turn.text(LONG, error_event_after=1), Turn.text(LONG)], "ok"),
    (
        "error event during content",
        [Turn.text(LONG, error_event_after=6), Turn.text(LONG)],
        "ok|overloaded",
    ),
    ("malformed SSE", [Turn.text(LONG, malformed_after=3), Turn.text(LONG)], "ok|stream_broken"),
    (
        "stall before content",
        [Turn.text(LONG, stall_after=1, stall_seconds=4), Turn.text(LONG)],
        "ok",
    ),
    (
        "stall during content",
        [Turn.text(LONG, stall_after=6, stall_seconds=4), Turn.text(LONG)],
        "ok|stream_broken",
    ),
    (
        "headers then silence",
        [Turn.text(LONG, stall_after=0, stall_seconds=4), Turn.text(LONG)],
        "ok",
    ),
    (
        "no message_stop",
        [Turn.text(LONG, omit_message_stop=True), Turn.text(LONG)],
        "ok|stream_broken",
    ),
    ("overloaded every time", [HttpError.overloaded()] * 3, "overloaded"),
    ("500 every time", [HttpError.server_error()] * 3, "server_error"),
    (
        "api_error event during content",
        [
            Turn.text(
                LONG,
                error_event_after=6,
                error_event_type="api_error",
                error_event_message="Internal server error",
            )
        ],
        "server_error",
    ),
    ("400 is not retried", [HttpError.bad_request("prompt is too long")], "api_error"),
]


def _check_session_file(home: Path, sid: str) -> None:
    (path,) = (home / "sessions").rglob(f"{sid}.jsonl")
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    kinds = [r.get("event", {}).get("kind") for r in records if r.get("type") == "event"]
    assert kinds.count("turn_started") == kinds.count("turn_completed"), kinds


@pytest.mark.parametrize(("name", "replies", "expected"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_fault(
    home: Path, fake: FakeAnthropic, tmp_path: Path, name: str, replies: list[Any], expected: str
) -> None:
    fake.add_turns(*replies, Turn.text("next prompt works"))
    env = daemon_env(home, fake.base_url)
    env.update({"CLAUDE_PY_IDLE_TIMEOUT": "1", "CLAUDE_PY_MAX_ATTEMPTS": "3"})
    async with stdio_daemon(env) as d:
        sid = (await d.client.request("session/new", {"cwd": str(tmp_path)}))["sessionId"]

        def prompt(text: str) -> dict[str, Any]:
            return {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}

        failure: RpcError | None = None
        try:
            result = await d.client.request("session/prompt", prompt("go"))
            assert result["stopReason"] == "end_turn", result
        except RpcError as exc:
            failure = exc
        outcome = "ok" if failure is None else failure.error_code or f"rpc {failure.code}"
        print(f"fault {name}: {outcome}")
        assert outcome in TAXONOMY | {"ok"}, failure
        assert outcome in expected.split("|"), (name, outcome, failure and failure.message)
        if outcome == "ok":
            assert LONG in d.updates.text()

        # Whatever happened, the session goes on (a failed turn may leave its retry reply to
        # this prompt).
        result = await d.client.request("session/prompt", prompt("again"))
        assert result["stopReason"] == "end_turn"
        last = fake.message_requests[-1].body or {}
        # (after a failed turn, the unanswered prompt and this one form one user message)
        assert last["messages"][-1]["content"][-1]["text"] == "again"
    _check_session_file(home, sid)
