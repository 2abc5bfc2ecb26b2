"""30 SIGKILLs of a daemon in the middle of streamed multi-turn tool sessions: every session
loads in the next daemon, every update a client saw is in its replay, unchanged, and no turn is
left open."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import Updates, daemon_env, socket_daemon

KILLS = 30
SESSIONS = 6
ANSWER = "streaming a steady answer in small pieces. " * 6


def _script(fake: FakeAnthropic) -> None:
    fake.add_turns(
        Turn.tool_use("Bash", {"command": "echo step"}, delay=0.005),
        Turn.text(ANSWER, text_chunk=6, delay=0.005),
    )


def _of(updates: Updates, sid: str) -> dict[int, dict[str, Any]]:
    return {u["seq"]: u["update"] for u in updates.items if u.get("sessionId") == sid}


async def _wait_for_count(updates: Updates, sid: str, count: int) -> None:
    while len(_of(updates, sid)) < count:
        updates.changed.clear()
        await asyncio.wait_for(updates.changed.wait(), 20)


async def test_thirty_sigkills_lose_nothing_a_client_saw(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    rng = random.Random(7)
    env = daemon_env(home, fake.base_url)
    listen = f"unix:{tmp_path / 'd.sock'}"
    sessions: list[str] = []
    seen: dict[str, dict[int, dict[str, Any]]] = {}
    killed_mid_turn = 0
    for round_ in range(KILLS):
        async with socket_daemon(env, listen) as d:
            client, updates = await d.connect()
            if len(sessions) < SESSIONS:
                created = await client.request(
                    "session/new", {"cwd": str(tmp_path), "mode": "bypassPermissions"}
                )
                sid = created["sessionId"]
                sessions.append(sid)
                seen[sid] = {}
            else:
                sid = sessions[round_ % SESSIONS]
                await client.request("session/load", {"sessionId": sid})
                replay = _of(updates, sid)
                for seq, update in seen[sid].items():
                    assert replay.get(seq) == update, (round_, sid, seq)
                kinds = [u["kind"] for u in replay.values()]
                assert kinds.count("turn_started") == kinds.count("turn_completed"), kinds
            start = len(_of(updates, sid))
            _script(fake)
            prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": f"round {round_}"}]}
            running = asyncio.create_task(client.request("session/prompt", prompt))
            await _wait_for_count(updates, sid, start + rng.randint(2, 45))
            killed_mid_turn += not running.done()
            d.process.kill()  # SIGKILL: no cleanup of any kind
            await d.process.wait()
            seen[sid].update(_of(updates, sid))
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await client.close()
    assert killed_mid_turn >= KILLS // 2  # most kills hit a running turn

    # A last daemon loads every session once more.
    async with socket_daemon(env, listen) as d:
        client, updates = await d.connect()
        for sid in sessions:
            loaded = await client.request("session/load", {"sessionId": sid})
            assert loaded["busy"] is False
            replay = _of(updates, sid)
            for seq, update in seen[sid].items():
                assert replay.get(seq) == update, (sid, seq)
            last = replay[max(replay)]
            assert last["kind"] == "turn_completed"
        await client.close()
