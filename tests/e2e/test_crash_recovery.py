"""SIGKILL the daemon mid-stream, many times: nothing a client saw is lost, loading never fails."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon

ROUNDS = 8


async def test_killed_daemon_loses_nothing_acknowledged(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = daemon_env(home, fake.base_url)
    env["CLAUDE_PY_LOG"] = "info"  # debug logs every update: a lot of stderr for no use here
    rng = random.Random(20261124)
    seen: dict[str, list[dict[str, object]]] = {}
    for _ in range(ROUNDS):
        fake.add_turns(Turn.text("streamed word " * 200, delay=0.002, text_chunk=5))
        async with stdio_daemon(env) as d:
            sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
            prompt = asyncio.create_task(
                d.client.request(
                    "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "go"}]}
                )
            )
            try:
                await d.updates.wait_for("agent_message_chunk", timeout=60)
            except TimeoutError:
                statuses = [(r.path, r.body and r.body.get("stream")) for r in fake.requests]
                tail = "\n".join(d.stderr[-30:])
                raise AssertionError(
                    f"no answer streamed; updates: {d.updates.kinds()}; requests: {statuses}\n{tail}"
                ) from None
            await asyncio.sleep(rng.uniform(0.0, 0.4))
            os.kill(d.process.pid, signal.SIGKILL)
            await d.process.wait()
            prompt.cancel()
            # What the client received before the kill: acknowledged to a client.
            seen[sid] = [u for u in d.updates.items if u["sessionId"] == sid]
            assert seen[sid], "the client saw nothing before the kill"

    async with stdio_daemon(env) as d:
        listed = await d.client.request("session/list", {"cwd": str(project), "limit": 100})
        assert {s["sessionId"] for s in listed["sessions"]} == set(seen)
        for sid, before in seen.items():
            d.updates.items.clear()
            loaded = await d.client.request("session/load", {"sessionId": sid})
            replay = {u["seq"]: u for u in d.updates.items if u["sessionId"] == sid}
            for update in before:
                assert replay.get(update["seq"]) == update, f"seq {update['seq']} of {sid} was lost"
            assert loaded["lastSeq"] >= before[-1]["seq"]
        # A killed session is usable again: its next turn works and numbering continues.
        sid = next(iter(seen))
        fake.add_turns(Turn.text("after the crash"))
        d.updates.items.clear()
        await d.client.request("session/load", {"sessionId": sid})
        result = await d.client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "again"}]}
        )
        assert result["stopReason"] == "end_turn"
        seqs = [u["seq"] for u in d.updates.items]
        assert seqs == sorted(seqs)
        body = fake.message_requests[-1].body
        assert body is not None
        roles = [m["role"] for m in body["messages"]]
        assert roles[0] == "user" and roles[-1] == "user"
        assert all(a != b for a, b in itertools.pairwise(roles))  # alternating, valid
