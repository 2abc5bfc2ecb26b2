"""A prompt over stdio, end to end: client -> daemon -> fake API -> streamed updates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic, Turn
from support import without_cache_control
from support.daemon import daemon_env, stdio_daemon

ANSWER = "Hello! I am the fake model, streaming in small pieces so there are many chunks."


async def test_prompt_streams_text_with_contiguous_seq(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text(ANSWER))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        new = await d.client.request("session/new", {"cwd": str(home)})
        sid = new["sessionId"]
        result = await asyncio.wait_for(
            d.client.request(
                "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "hi"}]}
            ),
            30,
        )
        assert result["stopReason"] == "end_turn"
        assert result["usage"]["outputTokens"] > 0
        await d.updates.wait_for("turn_completed")

        assert d.updates.text() == ANSWER
        assert d.updates.seqs() == list(range(1, len(d.updates.items) + 1))
        kinds = d.updates.kinds()
        assert kinds[:2] == ["turn_started", "user_message"]
        assert kinds[-1] == "turn_completed"
        assert kinds.count("agent_message_chunk") > 3
        assert all(u["sessionId"] == sid for u in d.updates.items)
        completed = d.updates.items[-1]["update"]
        assert completed["stopReason"] == "end_turn"
        assert completed["usage"] == result["usage"]

        # The daemon sent the prompt to the API as a streamed Messages request.
        request = fake.requests[-1]
        assert request.path == "/v1/messages"
        assert request.body is not None
        assert request.body["stream"] is True
        assert without_cache_control(request.body["messages"]) == [
            {"role": "user", "content": [{"type": "text", "text": "hi"}]}
        ]
        assert request.headers["x-api-key"] == "sk-ant-test"
        assert request.headers["anthropic-version"] == "2023-06-01"

        status = await d.client.request("daemon/status")
        assert status["liveSessions"][0]["sessionId"] == sid
        assert status["liveSessions"][0]["lastSeq"] == len(d.updates.items)
        assert len(status["connections"]) == 1
        assert status["connections"][0]["transport"] == "stdio"

        assert await d.client.request("shutdown") is None
        await d.client.notify("exit")
        assert await asyncio.wait_for(d.process.wait(), 10) == 0


async def test_initialize_advertises_our_capabilities(home: Path) -> None:
    async with stdio_daemon(daemon_env(home), init=False) as d:
        from support.daemon import initialize

        result = await initialize(d.client)
        ours = result["capabilities"]["experimental"]["claudePy"]
        assert ours["protocolVersion"] == 1
        assert "session/prompt" in ours["methods"]
        assert "agent_message_chunk" in ours["updateKinds"]
        assert result["serverInfo"]["name"] == "claude-py-server"


async def test_second_conversation_turn_sends_history(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text("first answer"), Turn.text("second answer"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        for text in ("one", "two"):
            await d.client.request(
                "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}
            )
        body = fake.requests[-1].body
        assert body is not None
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
        assert without_cache_control(body["messages"][1]["content"]) == [
            {"type": "text", "text": "first answer"}
        ]


async def test_exit_without_shutdown_exits_nonzero(home: Path) -> None:
    async with stdio_daemon(daemon_env(home)) as d:
        await d.client.notify("exit")
        assert await asyncio.wait_for(d.process.wait(), 10) == 1


async def test_stdout_carries_only_protocol_and_logs_go_to_file(home: Path) -> None:
    # Every byte on stdout was parsed as a frame by the client (it would have failed otherwise);
    # the log lines went to stderr and to the log file in the data dir.
    async with stdio_daemon(daemon_env(home)) as d:
        await d.client.request("daemon/status")
        await d.client.request("shutdown")
        await d.client.notify("exit")
        await asyncio.wait_for(d.process.wait(), 10)
    log_file = home / "logs" / "daemon.log"
    text = log_file.read_text()
    assert "starting" in text
    assert (log_file.stat().st_mode & 0o777) == 0o600
    assert any("starting" in line for line in d.stderr)


async def test_overloaded_api_is_retried_and_reported(home: Path, fake: FakeAnthropic) -> None:
    from fake_anthropic import HttpError

    fake.add_turns(Turn.error(HttpError.overloaded()), Turn.text("made it"))
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        result = await d.client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "hi"}]}
        )
        assert result["stopReason"] == "end_turn"
        retry = await d.updates.wait_for("retrying")
        assert retry["update"]["attempt"] == 2
        assert retry["update"]["maxAttempts"] == 3
        assert "overloaded" in retry["update"]["reason"].lower()
        assert d.updates.text() == "made it"
        assert len(fake.message_requests) == 2


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_attached_image_becomes_an_image_block(home: Path, fake: FakeAnthropic) -> None:
    import base64

    fake.add_turns(Turn.text("a red pixel"))
    data = base64.b64encode(_tiny_png()).decode()
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        prompt = [
            {"type": "image", "mimeType": "image/png", "data": data},
            {"type": "text", "text": "what is this?"},
        ]
        await d.client.request("session/prompt", {"sessionId": sid, "prompt": prompt})
        from claude_cli._rpc import RpcError

        bad = [{"type": "image", "data": "not base64!!"}]
        with pytest.raises(RpcError) as refused:
            await d.client.request("session/prompt", {"sessionId": sid, "prompt": bad})
        assert refused.value.error_code == "command_failed"
    body = fake.message_requests[0].body
    assert body is not None
    content = without_cache_control(body["messages"][0]["content"])
    assert content[0]["type"] == "image"
    assert content[0]["source"] == {"type": "base64", "media_type": "image/png", "data": data}
    assert content[-1] == {"type": "text", "text": "what is this?"}
