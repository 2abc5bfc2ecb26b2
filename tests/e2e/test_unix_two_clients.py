"""Two clients on the daemon's unix socket watch one session."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from fake_anthropic import FakeAnthropic, Turn
from support.daemon import SERVER_CMD, daemon_env, socket_daemon

ANSWER = "Both of you should see exactly this text, chunk by chunk, in the same order."


async def test_attached_client_sees_the_same_updates(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text(ANSWER))
    sock = home / "run" / "daemon.sock"
    async with socket_daemon(daemon_env(home, fake.base_url), f"unix:{sock}") as d:
        assert stat.S_IMODE(sock.stat().st_mode) == 0o600
        assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700

        a, a_updates = await d.connect()
        b, b_updates = await d.connect()
        sid = (await a.request("session/new", {"cwd": str(home)}))["sessionId"]
        attached = await b.request("session/attach", {"sessionId": sid})
        assert attached["lastSeq"] == 0
        assert attached["replayed"] == 0

        result = await asyncio.wait_for(
            a.request(
                "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "hi"}]}
            ),
            30,
        )
        assert result["stopReason"] == "end_turn"
        await b_updates.wait_for("turn_completed")

        assert a_updates.text() == ANSWER
        assert a_updates.items == b_updates.items
        assert b_updates.seqs() == list(range(1, len(b_updates.items) + 1))

        status = await b.request("daemon/status")
        assert len(status["connections"]) == 2
        assert status["liveSessions"][0]["attachedClients"] == 2

        # A third client that arrives late catches up with sinceSeq.
        c, c_updates = await d.connect()
        late = await c.request("session/attach", {"sessionId": sid, "sinceSeq": 0})
        assert late["replayed"] == len(a_updates.items)
        assert c_updates.items == a_updates.items
        partial, p_updates = await d.connect()
        some = await partial.request("session/attach", {"sessionId": sid, "sinceSeq": 3})
        assert some["replayed"] == len(a_updates.items) - 3
        assert p_updates.items == a_updates.items[3:]

        for client in (a, b, c, partial):
            await client.close()


async def test_a_client_leaving_does_not_disturb_others(home: Path) -> None:
    sock = home / "run" / "daemon.sock"
    async with socket_daemon(daemon_env(home), f"unix:{sock}") as d:
        a, _ = await d.connect()
        b, _ = await d.connect()
        sid = (await a.request("session/new", {"cwd": str(home)}))["sessionId"]
        await b.request("session/attach", {"sessionId": sid})
        await a.close()
        await asyncio.sleep(0.2)
        status = await b.request("daemon/status")
        assert len(status["connections"]) == 1
        assert status["liveSessions"][0]["attachedClients"] == 1
        await b.close()


async def test_stale_socket_is_replaced_and_live_one_refused(home: Path) -> None:
    sock = home / "run" / "daemon.sock"
    sock.parent.mkdir(mode=0o700)
    sock.write_text("stale")  # a leftover file from a crashed daemon
    async with socket_daemon(daemon_env(home), f"unix:{sock}") as d:
        client, _ = await d.connect()
        assert (await client.request("daemon/status"))["version"]
        # A second daemon on the same socket must refuse, not steal it.
        proc = await asyncio.create_subprocess_exec(
            *SERVER_CMD,
            "--listen",
            f"unix:{sock}",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=daemon_env(home),
        )
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 1
        assert b"already listening" in err
        assert (await client.request("daemon/status"))["version"]
        await client.close()
