"""Many at once: 20 sessions streaming together with 2 or 3 clients on some (every client sees
contiguous seqs and the whole answer; RSS stays bounded), and 500 connections opened and
dropped in waves while a client works."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import Updates, daemon_env, frame, socket_daemon

SESSIONS = 20
ANSWER = "concurrent streams must not mix or drop a single piece. " * 10


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _seqs(updates: Updates, sid: str) -> list[int]:
    return [u["seq"] for u in updates.items if u.get("sessionId") == sid]


def _text(updates: Updates, sid: str) -> str:
    return "".join(
        u["update"].get("text", "")
        for u in updates.items
        if u.get("sessionId") == sid and u["update"]["kind"] == "agent_message_chunk"
    )


async def test_twenty_sessions_stream_at_once(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    for _ in range(SESSIONS):
        fake.add_turns(Turn.text(ANSWER, text_chunk=5, delay=0.002))
    async with socket_daemon(daemon_env(home, fake.base_url), f"unix:{tmp_path / 's'}") as d:
        owners = [await d.connect(name=f"owner{i}") for i in range(SESSIONS)]
        sids = [
            (await c.request("session/new", {"cwd": str(tmp_path)}))["sessionId"] for c, _ in owners
        ]
        before = _rss_kib(d.process.pid)
        # Sessions 0-4 get a second watcher, 0-1 a third.
        watchers: list[tuple[str, Any, Updates]] = []
        for i, sid in enumerate(sids[:5]):
            for _ in range(2 if i < 2 else 1):
                client, updates = await d.connect(name="watcher")
                await client.request("session/attach", {"sessionId": sid, "sinceSeq": 0})
                watchers.append((sid, client, updates))

        async def run(i: int) -> dict[str, Any]:
            client, _ = owners[i]
            prompt = {"sessionId": sids[i], "prompt": [{"type": "text", "text": f"s{i}"}]}
            return await client.request("session/prompt", prompt)

        results = await asyncio.gather(*(run(i) for i in range(SESSIONS)))
        assert all(r["stopReason"] == "end_turn" for r in results)
        peak = _rss_kib(d.process.pid)
        await asyncio.sleep(0.2)  # the last updates reach the watchers

        everyone = [(sid, u) for sid, (_, u) in zip(sids, owners, strict=True)]
        everyone += [(sid, u) for sid, _, u in watchers]
        for sid, updates in everyone:
            seqs = _seqs(updates, sid)
            assert seqs == list(range(1, len(seqs) + 1)), sid
            assert _text(updates, sid) == ANSWER
        assert peak - before < 100_000, (before, peak)
        for client, _ in owners:
            await client.close()
        for _, client, _ in watchers:
            await client.close()


async def test_five_hundred_connections_in_waves(home: Path, tmp_path: Path) -> None:
    async with socket_daemon(daemon_env(home), f"unix:{tmp_path / 's'}") as d:
        steady, _ = await d.connect(name="steady")
        init = frame(b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}')
        for wave in range(5):
            conns = [await d.open_raw() for _ in range(100)]
            for n, (_, writer) in enumerate(conns):
                if n % 2:
                    writer.write(init)  # half say hello first, half just hang up
            await asyncio.gather(*(w.drain() for _, w in conns))
            for _, writer in conns:
                writer.close()
            status = await asyncio.wait_for(steady.request("daemon/status"), 10)
            assert status["pid"] == d.process.pid, wave
        for _ in range(50):
            status = await steady.request("daemon/status")
            if len(status["connections"]) == 1:
                break
            await asyncio.sleep(0.1)
        assert len(status["connections"]) == 1  # every dropped connection was cleaned up
        await steady.close()
