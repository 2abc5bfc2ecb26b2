"""A client that stops reading cannot hurt the daemon: replays go in pages and wait for it, its
unread output stays bounded, it is disconnected with a log line once it reads nothing for the
stall limit, and the other clients are answered all along. Strangers on TCP may not pile up."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, frame, read_raw_frame, socket_daemon

ATTACHES = 80


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _request(msg_id: int, method: str, params: object) -> bytes:
    body = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
    return frame(json.dumps(body).encode())


async def test_a_client_that_never_reads_is_bounded_then_dropped(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    # A history of about 5,000 updates, each a few hundred bytes on the wire.
    fake.add_turns(Turn.text("word " * 25_000, text_chunk=25))
    env = daemon_env(home, fake.base_url)
    env["CLAUDE_PY_CLIENT_STALL_SECONDS"] = "3"
    sock = str(tmp_path / "d.sock")
    async with socket_daemon(env, f"unix:{sock}") as d:
        good, _ = await d.connect()
        sid = (await good.request("session/new", {"cwd": str(tmp_path)}))["sessionId"]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "talk"}]}
        await good.request("session/prompt", prompt)
        before = _rss_kib(d.process.pid)

        reader, writer = await d.open_raw()
        writer.write(_request(1, "initialize", {"capabilities": {}}))
        await read_raw_frame(reader)
        # From here on this client reads nothing: 80 full replays are asked for.
        for n in range(ATTACHES):
            writer.write(_request(100 + n, "session/attach", {"sessionId": sid, "sinceSeq": 0}))
        await writer.drain()

        answered = 0
        peak = before
        for _ in range(20):
            status = await asyncio.wait_for(good.request("daemon/status", {}), 10)
            answered += status["pid"] == d.process.pid
            peak = max(peak, _rss_kib(d.process.pid))
            await asyncio.sleep(0.25)
        assert answered == 20
        # Unpaged, 80 replays of this history buffered hundreds of MB; paged, a few pages.
        print(f"RSS before {before} KiB, peak {peak} KiB")
        assert peak - before < 150_000, (before, peak)

        dropped = False
        for _ in range(100):
            if any("disconnecting it" in line for line in d.stderr):
                dropped = True
                break
            await asyncio.sleep(0.1)
        assert dropped, "\n".join(d.stderr[-20:])
        assert any("read nothing for 3 s" in line for line in d.stderr)
        status = await asyncio.wait_for(good.request("daemon/status", {}), 10)
        assert len(status["connections"]) == 1  # only the good client is left
        writer.close()
        await good.close()


async def test_strangers_on_tcp_cannot_pile_up(home: Path) -> None:
    async with socket_daemon(daemon_env(home), "tcp:127.0.0.1:0") as d:
        strangers = [await d.open_raw() for _ in range(16)]
        await asyncio.sleep(0.2)
        reader, writer = await d.open_raw()
        assert await asyncio.wait_for(reader.read(), 10) == b""  # refused at once
        writer.close()
        assert any("have not presented the token" in line for line in d.stderr)
        for _, w in strangers:
            w.close()
        await asyncio.sleep(0.2)
        token = (home / "tcp-token").read_text().strip()
        client, _ = await d.connect(token=token)
        status = await client.request("daemon/status", {})
        assert status["pid"] == d.process.pid
        await client.close()
