"""The JSON-RPC client's daemon-to-client requests, and the screen's bounded refresh."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import Any

from claude_cli._input import InputBox
from claude_cli._rpc import RpcClient
from claude_cli._screen import Screen
from claude_cli._widgets import AnsiControl

from cli._harness import RecordingActions


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def _read(reader: asyncio.StreamReader) -> dict[str, Any]:
    length = 0
    while (line := await reader.readline()).strip():
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    result: dict[str, Any] = json.loads(await reader.readexactly(length))
    return result


async def test_daemon_requests_are_served_and_withdrawn(tmp_path: Path) -> None:
    daemon_side: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await daemon_side.put((reader, writer))
        await asyncio.sleep(30)

    path = tmp_path / "s.sock"
    server = await asyncio.start_unix_server(accept, str(path))
    started: list[str] = []
    release = asyncio.Event()

    async def serve(method: str, params: Any) -> Any:
        started.append(params["n"])
        if params["n"] == "slow":
            await release.wait()
        return {"echo": params["n"]}

    reader, writer = await asyncio.open_unix_connection(str(path))
    client = RpcClient(reader, writer, on_request=serve)
    d_reader, d_writer = await daemon_side.get()

    d_writer.write(
        _frame({"jsonrpc": "2.0", "id": "d1", "method": "ask", "params": {"n": "quick"}})
    )
    assert await _read(d_reader) == {"jsonrpc": "2.0", "id": "d1", "result": {"echo": "quick"}}

    # A question another client answered first is withdrawn: no reply is sent for it.
    d_writer.write(_frame({"jsonrpc": "2.0", "id": "d2", "method": "ask", "params": {"n": "slow"}}))
    while "slow" not in started:
        await asyncio.sleep(0.01)
    d_writer.write(_frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": "d2"}}))
    d_writer.write(
        _frame({"jsonrpc": "2.0", "id": "d3", "method": "ask", "params": {"n": "after"}})
    )
    assert (await _read(d_reader))["id"] == "d3"

    # A request of ours cancelled locally tells the daemon with $/cancelRequest.
    pending = asyncio.ensure_future(client.request("session/prompt", {}))
    sent = await _read(d_reader)
    assert sent["method"] == "session/prompt"
    pending.cancel()
    cancel = await _read(d_reader)
    assert cancel == {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": sent["id"]}}
    await client.close()
    d_writer.close()
    server.close()


def test_ansi_control_keeps_the_last_lines() -> None:
    text = "\n".join(f"line {i}" for i in range(50))
    control = AnsiControl(lambda width: text, max_lines=lambda: 5)
    lines = control.lines(80)
    assert len(lines) == 5 and lines[-1] == [("", "line 49")]  # fragments merged per style
    assert control.preferred_height(80, 100, False, None) == 5


async def test_refresh_is_bounded_and_prints_in_order() -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    box = InputBox(RecordingActions())
    refreshes: list[float] = []
    with create_pipe_input() as pipe:
        screen = Screen(
            box,
            lambda width: "live",
            lambda: [("", "left")],
            lambda: [("", "right")],
            input=pipe,
            output=DummyOutput(),
            refresh_interval=0.05,
        )
        loop = asyncio.get_running_loop()
        screen.on_refresh = lambda: refreshes.append(loop.time())
        task = asyncio.ensure_future(screen.run())
        await asyncio.sleep(0.05)
        start = loop.time()
        while loop.time() - start < 0.5:
            screen.request_refresh()  # a flood of updates, as when tokens stream
            screen.print_ansi("x\n")
            await asyncio.sleep(0.001)
        bounded = list(refreshes)
        await screen.drain()
        screen.exit()
        await asyncio.wait_for(task, 5)
    # The throttle's guarantee: never two refreshes closer than the interval, however many
    # requests come (a slow machine may refresh less often; it never refreshes more).
    assert 1 <= len(bounded) <= 0.5 / 0.05 + 3
    gaps = [b - a for a, b in itertools.pairwise(bounded)]
    assert not gaps or min(gaps) >= 0.045
    assert screen._pending == []
