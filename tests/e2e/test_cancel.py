"""Cancelling a running turn: by session/cancel and by $/cancelRequest."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon

LONG = "word " * 400


def _prompt(sid: str, text: str) -> dict[str, object]:
    return {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}


async def test_session_cancel_ends_the_turn_and_keeps_what_was_shown(
    home: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text(LONG, delay=0.05), Turn.text("after cancel"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        running = asyncio.create_task(d.client.request("session/prompt", _prompt(sid, "go")))
        await d.updates.wait_for("agent_message_chunk")
        await d.client.notify("session/cancel", {"sessionId": sid})
        result = await asyncio.wait_for(running, 10)
        assert result["stopReason"] == "cancelled"
        completed = await d.updates.wait_for("turn_completed")
        assert completed["update"]["stopReason"] == "cancelled"
        shown = d.updates.text()
        assert shown and len(shown) < len(LONG)

        # The next turn carries the partial answer, so the model knows what the user saw.
        await d.client.request("session/prompt", _prompt(sid, "next"))
        body = fake.requests[-1].body
        assert body is not None
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
        assert body["messages"][1]["content"][0]["text"] == shown


async def test_cancel_request_cancels_the_turn(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text(LONG, delay=0.05))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        running = asyncio.create_task(d.client.request("session/prompt", _prompt(sid, "go")))
        await d.updates.wait_for("agent_message_chunk")
        # The prompt was request id 3 (initialize 1, session/new 2).
        await d.client.notify("$/cancelRequest", {"id": 3})
        with pytest.raises(RpcError) as cancelled:
            await asyncio.wait_for(running, 10)
        assert cancelled.value.code == -32800
        completed = await d.updates.wait_for("turn_completed")
        assert completed["update"]["stopReason"] == "cancelled"
        status = await d.client.request("daemon/status")
        assert status["liveSessions"][0]["busy"] is False


async def test_prompt_while_busy_is_refused(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text(LONG, delay=0.05))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        running = asyncio.create_task(d.client.request("session/prompt", _prompt(sid, "go")))
        await d.updates.wait_for("agent_message_chunk")
        with pytest.raises(RpcError) as busy:
            await d.client.request("session/prompt", _prompt(sid, "again"))
        assert busy.value.error_code == "session_busy"
        await d.client.notify("session/cancel", {"sessionId": sid})
        assert (await asyncio.wait_for(running, 10))["stopReason"] == "cancelled"


async def test_unknown_session_is_a_clear_error(home: Path) -> None:
    async with stdio_daemon(daemon_env(home)) as d:
        with pytest.raises(RpcError) as missing:
            await d.client.request("session/prompt", _prompt("nope", "hi"))
        assert missing.value.error_code == "session_not_found"
        with pytest.raises(RpcError) as bad_cwd:
            await d.client.request("session/new", {"cwd": "relative/path"})
        assert bad_cwd.value.error_code == "protocol_violation"
