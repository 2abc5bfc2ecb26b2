"""Every JSON-RPC 2.0 error case, sent as raw bytes; the daemon keeps serving after each."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from claude_cli._rpc import RpcError
from support.daemon import (
    SERVER_CMD,
    daemon_env,
    frame,
    read_raw_frame,
    socket_daemon,
    stdio_daemon,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "jsonrpc" / "jsonrpc2_spec_cases.json"

INIT = json.dumps(
    {"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {"capabilities": {}}}
).encode()
STATUS = b'{"jsonrpc": "2.0", "id": 99, "method": "daemon/status"}'

CASES: list[tuple[str, bytes, int, Any]] = [
    ("invalid JSON", b'{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', -32700, None),
    ("not UTF-8", b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}', -32700, None),
    ("method is not a string", b'{"jsonrpc": "2.0", "method": 1, "params": "bar"}', -32600, None),
    ("missing jsonrpc", b'{"id": 5, "method": "daemon/status"}', -32600, 5),
    ("wrong jsonrpc version", b'{"jsonrpc": "1.0", "id": 6, "method": "daemon/status"}', -32600, 6),
    (
        "id is an object",
        b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "daemon/status"}',
        -32600,
        None,
    ),
    (
        "params is a string",
        b'{"jsonrpc": "2.0", "id": 7, "method": "session/new", "params": "x"}',
        -32600,
        7,
    ),
    ("a number", b"42", -32600, None),
    ("empty batch", b"[]", -32600, None),
    ("batch", b'[{"jsonrpc": "2.0", "id": 8, "method": "daemon/status"}]', -32600, None),
    ("unknown method", b'{"jsonrpc": "2.0", "id": 9, "method": "foobar"}', -32601, 9),
    (
        "a request to a notification",
        b'{"jsonrpc": "2.0", "id": 14, "method": "initialized", "params": {}}',
        -32600,
        14,
    ),
    (
        "a request to session/cancel",
        b'{"jsonrpc": "2.0", "id": 15, "method": "session/cancel", "params": {"sessionId": "x"}}',
        -32600,
        15,
    ),
    (
        "pygls's own executeCommand",
        b'{"jsonrpc": "2.0", "id": 16, "method": "workspace/executeCommand", '
        b'"params": {"command": "x"}}',
        -32601,
        16,
    ),
    (
        "a daemon-to-client method",
        b'{"jsonrpc": "2.0", "id": 17, "method": "session/requestPermission", "params": {}}',
        -32601,
        17,
    ),
    (
        "a cursor holding 1e400",
        b'{"jsonrpc": "2.0", "id": 18, "method": "session/list", '
        b'"params": {"cursor": "WzFlNDAwLCJ4Il0"}}',
        -32030,
        18,
    ),
    ("missing params", b'{"jsonrpc": "2.0", "id": 10, "method": "session/new"}', -32602, 10),
    (
        "wrong param type",
        b'{"jsonrpc": "2.0", "id": 11, "method": "session/new", "params": {"cwd": 5}}',
        -32602,
        11,
    ),
    (
        "positional params",
        b'{"jsonrpc": "2.0", "id": 12, "method": "session/new", "params": ["/"]}',
        -32602,
        12,
    ),
    (
        "bad prompt block",
        b'{"jsonrpc": "2.0", "id": 13, "method": "session/prompt", "params": {"sessionId": "x", "prompt": [{"type": "text"}]}}',
        -32602,
        13,
    ),
]


async def _roundtrip(
    writer: asyncio.StreamWriter, reader: asyncio.StreamReader, raw: bytes
) -> dict[str, Any]:
    writer.write(raw)
    await writer.drain()
    return json.loads(await read_raw_frame(reader))


async def _expect_alive(writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> None:
    reply = await _roundtrip(writer, reader, frame(STATUS))
    assert reply["id"] == 99
    assert "result" in reply, reply


@pytest.fixture
async def raw_conn(home: Path) -> Any:
    async with socket_daemon(daemon_env(home), f"unix:{home / 'run' / 'd.sock'}") as d:
        reader, writer = await d.open_raw()
        reply = await _roundtrip(writer, reader, frame(INIT))
        assert reply["id"] == "init" and "result" in reply
        yield reader, writer
        writer.close()


@pytest.mark.parametrize(("name", "body", "code", "reply_id"), CASES, ids=[c[0] for c in CASES])
async def test_error_case(raw_conn: Any, name: str, body: bytes, code: int, reply_id: Any) -> None:
    reader, writer = raw_conn
    reply = await _roundtrip(writer, reader, frame(body))
    assert reply["jsonrpc"] == "2.0"
    assert reply["error"]["code"] == code, reply
    assert reply["id"] == reply_id
    assert isinstance(reply["error"]["message"], str) and reply["error"]["message"]
    assert "Traceback" not in json.dumps(reply)
    await _expect_alive(writer, reader)


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Type: application/json\r\n\r\n",  # no Content-Length
        b"Content-Length: banana\r\n\r\n",
        b"this is not a header\r\n\r\n",
    ],
    ids=["missing-length", "bad-length", "garbage-line"],
)
async def test_bad_header_is_a_parse_error(raw_conn: Any, header: bytes) -> None:
    reader, writer = raw_conn
    reply = await _roundtrip(writer, reader, header)
    assert reply["error"]["code"] == -32700
    assert reply["id"] is None
    await _expect_alive(writer, reader)


async def test_notification_errors_get_no_reply(raw_conn: Any) -> None:
    # Notifications are never answered, even when wrong; the next request still works.
    reader, writer = raw_conn
    writer.write(frame(b'{"jsonrpc": "2.0", "method": "no/such/notification"}'))
    writer.write(frame(b'{"jsonrpc": "2.0", "method": "session/cancel", "params": {"x": 1}}'))
    await _expect_alive(writer, reader)


async def test_requests_before_initialize_are_refused(home: Path) -> None:
    async with socket_daemon(daemon_env(home), f"unix:{home / 'run' / 'd.sock'}") as d:
        reader, writer = await d.open_raw()
        reply = await _roundtrip(writer, reader, frame(STATUS))
        assert reply["error"]["code"] == -32002
        reply = await _roundtrip(writer, reader, frame(INIT))
        assert "result" in reply
        await _expect_alive(writer, reader)
        # After shutdown, requests are refused and exit closes the connection.
        reply = await _roundtrip(
            writer, reader, frame(b'{"jsonrpc": "2.0", "id": 3, "method": "shutdown"}')
        )
        assert reply == {"jsonrpc": "2.0", "id": 3, "result": None}
        reply = await _roundtrip(writer, reader, frame(STATUS))
        assert reply["error"]["code"] == -32600
        writer.write(frame(b'{"jsonrpc": "2.0", "method": "exit"}'))
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()


def _spec_cases() -> list[Any]:
    spec = json.loads(FIXTURES.read_text())
    picked = []
    for case in spec["cases"]:
        expected = case.get("expected_response_json")
        if isinstance(expected, dict) and "error" in expected:
            if "subtract" in case["request_text"]:
                continue  # our daemon has no subtract method, so -32601 would be right there
            picked.append(pytest.param(case, id=case["name"]))
    return picked


@pytest.mark.parametrize("case", _spec_cases())
async def test_spec_error_examples(raw_conn: Any, case: dict[str, Any]) -> None:
    # The JSON-RPC 2.0 specification's own error examples, byte for byte. Batches are answered
    # with one Invalid Request error (LSP framing carries one message per frame), which matches
    # the spec's answer for the invalid-JSON and empty batches exercised here.
    reader, writer = raw_conn
    reply = await _roundtrip(writer, reader, frame(case["request_text"].encode()))
    expected = case["expected_response_json"]
    assert reply["error"]["code"] == expected["error"]["code"]
    assert reply["id"] == expected["id"]
    await _expect_alive(writer, reader)


DEEP_ARRAY = b"[" * 5000 + b"]" * 5000
DEEP_PARAMS = (
    b'{"jsonrpc": "2.0", "id": 20, "method": "daemon/status", "params": {"a": '
    + b"[" * 990
    + b"]" * 990
    + b"}}"
)
HOSTILE: list[tuple[str, bytes, int]] = [
    ("deep array", frame(DEEP_ARRAY), -32700),
    ("deep params", frame(DEEP_PARAMS), -32700),
    ("nested just past the limit", frame(b"[" * 70 + b"]" * 70), -32600),
    (
        "cancel id is an array",
        frame(b'{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": []}}'),
        -32600,
    ),
    (
        "cancel id is an object",
        frame(b'{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": {}}}'),
        -32600,
    ),
    ("bad length, then its body", b"Content-Length: abc\r\n\r\n{}", -32700),
    ("no length, then a body", b"X-Foo: 1\r\n\r\n{}", -32700),
    ("negative length", b"Content-Length: -5\r\n\r\n", -32700),
    ("a 9 KB header line", b"X-Foo: " + b"a" * 9000 + b"\r\n\r\n", -32700),
    ("a 4,000-digit length", b"Content-Length: " + b"9" * 4000 + b"\r\n\r\n", -32700),
    ("a body shorter than announced", b"Content-Length: 100\r\n\r\n{}", -32700),
]


@pytest.mark.parametrize(("name", "raw", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_frames_are_answered_and_the_connection_goes_on(
    raw_conn: Any, name: str, raw: bytes, code: int
) -> None:
    reader, writer = raw_conn
    writer.write(raw)
    # The next valid request follows at once, as a client would send it.
    writer.write(frame(STATUS))
    await writer.drain()
    replies = [json.loads(await asyncio.wait_for(read_raw_frame(reader), 10))]
    while replies[-1].get("id") != 99:
        replies.append(json.loads(await asyncio.wait_for(read_raw_frame(reader), 10)))
    errors, status = replies[:-1], replies[-1]
    assert 1 <= len(errors) <= 2, replies
    assert errors[0]["error"]["code"] == code, errors
    assert "result" in status, status


async def test_a_hostile_frame_does_not_end_a_stdio_daemon(home: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        *SERVER_CMD,
        "--stdio",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=daemon_env(home),
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(frame(INIT))
        assert "result" in json.loads(await asyncio.wait_for(read_raw_frame(proc.stdout), 30))
        for raw, _name in ((frame(DEEP_ARRAY), "deep"), (HOSTILE[3][1], "cancel")):
            proc.stdin.write(raw + frame(STATUS))
            while True:
                reply = json.loads(await asyncio.wait_for(read_raw_frame(proc.stdout), 10))
                if reply.get("id") == 99:
                    break
            assert "result" in reply and proc.returncode is None
    finally:
        proc.kill()
        await proc.wait()


async def test_a_prompt_too_large_to_be_real_is_refused_clearly(home: Path, tmp_path: Path) -> None:

    async with stdio_daemon(daemon_env(home)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(tmp_path)}))["sessionId"]
        huge = [{"type": "text", "text": "x" * 1_000_001}]
        with pytest.raises(RpcError) as refused:
            await d.client.request("session/prompt", {"sessionId": sid, "prompt": huge})
        assert refused.value.code == -32600
        assert refused.value.message == (
            "the prompt is 1,000,001 characters; at most 1,000,000 can be sent"
        )
        with pytest.raises(RpcError, match="at most 1,000,000"):
            await d.client.request(
                "session/command", {"sessionId": sid, "command": "/review " + "y" * 1_000_000}
            )
        # The session is still usable.
        assert (await d.client.request("session/list", {}))["sessions"] == []
