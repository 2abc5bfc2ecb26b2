"""Daemon start-up and streaming throughput, end to end.

Starts ``claude-py-server --stdio`` against the fake API, measures the time from spawn to the
``initialize`` result, then streams one long answer (many small text deltas) and measures how fast
``agent_message_chunk`` updates reach the client. Prints figures; asserts nothing.

    python bench/daemon_stream.py [--deltas 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from _common import peak_rss_mb, summary
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, initialize, stdio_daemon


async def one_run(deltas: int, home: Path, fake: FakeAnthropic) -> dict[str, float]:
    fake.add_turns(Turn.text("x" * deltas, text_chunk=1))
    env = daemon_env(home, fake.base_url)
    env["CLAUDE_PY_LOG"] = "warning"
    started = time.perf_counter()
    async with stdio_daemon(env, init=False) as d:
        await initialize(d.client)
        ready = time.perf_counter() - started
        sid = (await d.client.request("session/new", {"cwd": str(home)}))["sessionId"]
        t0 = time.perf_counter()
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
        await d.client.request("session/prompt", prompt)
        elapsed = time.perf_counter() - t0
        chunks = d.updates.kinds().count("agent_message_chunk")
        assert len(d.updates.text()) == deltas, "lost text"
        rss = peak_rss_mb(d.process.pid) or float("nan")
    return {"ready": ready, "elapsed": elapsed, "chunks": chunks, "rss": rss}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deltas", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = []
    with FakeAnthropic() as fake, tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            results.append(await one_run(args.deltas, Path(tmp), fake))
    print(f"daemon spawn -> initialize result: {summary([r['ready'] for r in results])}")
    print(f"turn of {args.deltas} text deltas:  {summary([r['elapsed'] for r in results])}")
    rates = sorted(r["chunks"] / r["elapsed"] for r in results)
    print(f"updates delivered to the client: median {rates[len(rates) // 2]:,.0f} per second")
    print(f"daemon peak RSS: {max(r['rss'] for r in results):.0f} MB")


if __name__ == "__main__":
    asyncio.run(main())
