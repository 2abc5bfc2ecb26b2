"""Stream-parsing throughput of the provider, next to the official SDK on the same bytes.

Two long responses are built as real Messages API event streams: one answer of N text deltas,
and one tool call whose input arrives in M ``input_json_delta`` fragments. Each is parsed, in
the same run and on the same bytes, by claude-py and by the ``anthropic`` SDK at four levels:

1. SSE decoding alone (bytes in 16 KiB chunks -> events);
2. decoding plus accumulation into a message (ours: ``MessageAccumulator``; the SDK: its event
   models plus ``accumulate_event`` / ``build_events``, what ``messages.stream()`` runs);
3. the whole client in process: ``AnthropicProvider.stream`` and
   ``AsyncAnthropic.messages.stream`` over an httpx mock transport (no sockets);
4. end to end over HTTP on 127.0.0.1, from a server in a separate process; here the SDK's
   ``messages.create(stream=True)`` (raw events, no accumulation) is shown too.

The figure is SSE events of the body per second (the same count for every path), as the
median of ``--runs`` runs. Prints figures; asserts nothing but that every path saw the whole
message.

    python bench/provider_stream.py [--deltas 20000] [--json-chunks 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import httpx
import httpx2  # the SDK's own HTTP package; it rejects httpx clients
from anthropic._models import construct_type
from anthropic._streaming import SSEDecoder as SDKDecoder
from anthropic.lib.streaming._messages import accumulate_event, build_events
from anthropic.types import RawMessageStreamEvent
from claude_server.auth import Credential
from claude_server.model import Message, MessageCompleted, ModelRequest
from claude_server.provider import AnthropicProvider, MessageAccumulator, SSEDecoder

CHUNK = 16 * 1024  # what one socket read typically hands the client on a fast stream
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")


# --- the payloads -------------------------------------------------------------------------------


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()


def _start(model: str) -> bytes:
    return _event(
        "message_start",
        {
            "type": "message_start",
            "message": {
                "id": "msg_bench",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": 25,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                    "output_tokens": 1,
                },
            },
        },
    )


def _end(stop: str, output_tokens: int) -> list[bytes]:
    return [
        _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": output_tokens},
            },
        ),
        _event("message_stop", {"type": "message_stop"}),
    ]


def text_body(deltas: int) -> tuple[bytes, str]:
    """A text answer in ``deltas`` deltas, and its full text."""
    words = ["The ", "stream ", "carries ", "many ", "small ", "pieces ", "of ", "text. "]
    pieces = [words[i % len(words)] for i in range(deltas)]
    parts = [
        _start("bench-text"),
        _event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        _event("ping", {"type": "ping"}),
    ]
    for piece in pieces:
        delta = {"type": "text_delta", "text": piece}
        parts.append(
            _event(
                "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
            )
        )
    parts.append(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    parts += _end("end_turn", deltas)
    return b"".join(parts), "".join(pieces)


def tool_body(fragments: int) -> tuple[bytes, dict[str, Any]]:
    """A tool call whose input JSON arrives in ``fragments`` pieces, and that input."""
    tool_input = {
        "file_path": "/src/app/main.py",
        "content": "".join(f"line {i}: print('hello')\n" for i in range(fragments // 2)),
    }
    raw = json.dumps(tool_input)
    step = max(1, len(raw) // fragments)
    cuts = [raw[i * step : (i + 1) * step] for i in range(fragments - 1)]
    cuts.append(raw[(fragments - 1) * step :])
    parts = [
        _start("bench-tool"),
        _event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_bench",
                    "name": "Write",
                    "input": {},
                },
            },
        ),
    ]
    for cut in cuts:
        delta = {"type": "input_json_delta", "partial_json": cut}
        parts.append(
            _event(
                "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
            )
        )
    parts.append(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    parts += _end("tool_use", fragments)
    return b"".join(parts), tool_input


def chunks(body: bytes) -> list[bytes]:
    return [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]


def event_count(body: bytes) -> int:
    return body.count(b"\n\n")


# --- a server in its own process (so it does not share our GIL or event loop) ------------------


def serve(paths: list[str]) -> None:
    """Serve the payload files: the request's model ``bench-<name>`` picks ``<name>.sse``."""
    payloads = {Path(p).stem: Path(p).read_bytes() for p in paths}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            request = json.loads(self.rfile.read(length))
            body = payloads[str(request["model"]).removeprefix("bench-")]
            self.send_response(200)
            self.send_header("content-type", "text/event-stream; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.send_header("request-id", "req_bench")
            self.end_headers()
            for piece in chunks(body):
                self.wfile.write(piece)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


# --- the parsers under test ---------------------------------------------------------------------


def ours_decode(body: bytes) -> int:
    decoder = SSEDecoder()
    n = 0
    for piece in chunks(body):
        n += len(decoder.feed(piece))
    return n


def sdk_decode(body: bytes) -> int:
    return sum(1 for _ in SDKDecoder().iter_bytes(iter(chunks(body))))


def ours_accumulate(body: bytes) -> Any:
    decoder, accumulator = SSEDecoder(), MessageAccumulator()
    for piece in chunks(body):
        for name, data in decoder.feed(piece):
            accumulator.feed_sse(name, data)
    return accumulator.finish()


def sdk_accumulate(body: bytes) -> Any:
    # What AsyncMessageStream does per event: build the event model, accumulate, derive events.
    snapshot: Any = None
    json_bufs: dict[int, bytes] = {}
    for sse in SDKDecoder().iter_bytes(iter(chunks(body))):
        if sse.event == "ping":
            continue
        event: Any = construct_type(type_=RawMessageStreamEvent, value=sse.json())
        snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=json_bufs)
        build_events(event=event, message_snapshot=snapshot)
    return snapshot


def mock_transport(body: bytes, http: Any = httpx) -> Any:
    """A mock transport of ``http`` (httpx, or the SDK's httpx2) streaming ``body`` in chunks."""

    class Chunks(http.AsyncByteStream):  # type: ignore[name-defined]
        async def __aiter__(self) -> AsyncIterator[bytes]:
            for piece in chunks(body):
                yield piece

    def handler(request: Any) -> Any:
        headers = {"content-type": "text/event-stream; charset=utf-8", "request-id": "req_bench"}
        return http.Response(200, headers=headers, stream=Chunks())

    return http.MockTransport(handler)


async def ours_client(model: str, base_url: str, transport: httpx.AsyncBaseTransport | None) -> Any:
    credential = Credential(kind="api_key", secret="sk-bench", source="bench")  # noqa: S106
    provider = AnthropicProvider(credential, base_url=base_url, max_attempts=1, transport=transport)
    request = ModelRequest(model=model, messages=[Message.user_text("go")], max_tokens=64_000)
    final: Any = None
    try:
        async with aclosing(provider.stream(request)) as stream:
            async for event in stream:
                if isinstance(event, MessageCompleted):
                    final = event.message
    finally:
        await provider.aclose()
    return final


async def sdk_client(model: str, base_url: str, transport: Any) -> Any:
    http = httpx2.AsyncClient(transport=transport) if transport is not None else None
    client = anthropic.AsyncAnthropic(
        base_url=base_url, api_key="x", max_retries=0, http_client=http
    )
    try:
        async with client.messages.stream(
            model=model, max_tokens=64_000, messages=[{"role": "user", "content": "go"}]
        ) as stream:
            async for _ in stream:
                pass
            return await stream.get_final_message()
    finally:
        await client.close()


async def sdk_raw(model: str, base_url: str, transport: Any) -> Any:
    client = anthropic.AsyncAnthropic(base_url=base_url, api_key="x", max_retries=0)
    n = 0
    try:
        stream = await client.messages.create(
            model=model,
            max_tokens=64_000,
            messages=[{"role": "user", "content": "go"}],
            stream=True,
        )
        async for _ in stream:
            n += 1
    finally:
        await client.close()
    return n


# --- measuring ----------------------------------------------------------------------------------


def check(result: Any, expected: Any) -> None:
    """The parsed message holds the whole text or tool input (whichever the payload has)."""
    if isinstance(result, int):
        return
    block = result.content[0]
    got = block.text if isinstance(expected, str) else block.input
    assert got == expected, "a parser lost content"


def time_sync(fn: Callable[[bytes], Any], body: bytes, expected: Any, runs: int) -> float:
    fn(body)  # warm-up, untimed
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn(body)
        timings.append(time.perf_counter() - start)
        check(result, expected)
    return statistics.median(timings)


async def time_async(fn: Callable[[], Awaitable[Any]], expected: Any, runs: int) -> float:
    await fn()  # warm-up, untimed
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = await fn()
        timings.append(time.perf_counter() - start)
        check(result, expected)
    return statistics.median(timings)


def row(label: str, events: int, ours: float, sdk: float) -> str:
    rate_ours, rate_sdk = events / ours, events / sdk
    return (
        f"  {label:<34} ours {rate_ours:>11,.0f} ev/s   SDK {rate_sdk:>11,.0f} ev/s   "
        f"ours/SDK {rate_ours / rate_sdk:5.2f}x"
    )


async def bench_payload(
    name: str, body: bytes, expected: Any, base_url: str, runs: int
) -> list[str]:
    events = event_count(body)
    model = f"bench-{name}"
    lines = [f"{name}: {events:,} SSE events, {len(body) / 1e6:.2f} MB"]
    lines.append(
        row(
            "1. SSE decode",
            events,
            time_sync(ours_decode, body, None, runs),
            time_sync(sdk_decode, body, None, runs),
        )
    )
    lines.append(
        row(
            "2. decode + accumulate",
            events,
            time_sync(ours_accumulate, body, expected, runs),
            time_sync(sdk_accumulate, body, expected, runs),
        )
    )
    mock = "http://bench.invalid"
    ours_mock = await time_async(
        lambda: ours_client(model, mock, mock_transport(body)), expected, runs
    )
    sdk_mock = await time_async(
        lambda: sdk_client(model, mock, mock_transport(body, httpx2)), expected, runs
    )
    lines.append(row("3. client, in process (mock)", events, ours_mock, sdk_mock))
    ours_http = await time_async(lambda: ours_client(model, base_url, None), expected, runs)
    sdk_http = await time_async(lambda: sdk_client(model, base_url, None), expected, runs)
    lines.append(row("4. client over HTTP (stream)", events, ours_http, sdk_http))
    sdk_raw_http = await time_async(lambda: sdk_raw(model, base_url, None), expected, runs)
    lines.append(row("4b. ours vs SDK create(stream=True)", events, ours_http, sdk_raw_http))
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deltas", type=int, default=20_000)
    parser.add_argument("--json-chunks", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    text, text_expected = text_body(args.deltas)
    tool, tool_expected = tool_body(args.json_chunks)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / "text.sse", Path(tmp) / "tool.sse"]
        paths[0].write_bytes(text)
        paths[1].write_bytes(tool)
        server = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", *map(str, paths), stdout=asyncio.subprocess.PIPE
        )
        try:
            assert server.stdout is not None
            port = (await server.stdout.readline()).decode().strip()
            base_url = f"http://127.0.0.1:{port}"
            print(
                f"python {sys.version.split()[0]}, anthropic {anthropic.__version__}, "
                f"httpx {httpx.__version__} (SDK: httpx2 {httpx2.__version__}); "
                f"median of {args.runs} runs"
            )
            for name, body, expected in (
                ("text", text, text_expected),
                ("tool", tool, tool_expected),
            ):
                for line in await bench_payload(name, body, expected, base_url, args.runs):
                    print(line)
        finally:
            server.terminate()
            await server.wait()


if __name__ == "__main__":
    asyncio.run(main())
