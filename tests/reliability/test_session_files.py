"""Sessions across daemons and under file accidents, through real daemons on one data dir:
another daemon gets ``session_busy`` and cannot delete a live session; a session file deleted
under a live session is written again, the clients are told, and no turn is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, stdio_daemon

SESSION_BUSY = -32032


def _prompt(sid: str, text: str) -> dict[str, object]:
    return {"sessionId": sid, "prompt": [{"type": "text", "text": text}]}


async def test_one_writer_per_session_and_a_deleted_file_comes_back(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("first answer"), Turn.text("second answer"))
    env = daemon_env(home, fake.base_url)
    async with stdio_daemon(env) as first:
        sid = (await first.client.request("session/new", {"cwd": str(tmp_path)}))["sessionId"]
        await first.client.request("session/prompt", _prompt(sid, "one"))

        async with stdio_daemon(env) as second:
            with pytest.raises(RpcError) as deleting:
                await second.client.request("session/delete", {"sessionId": sid})
            assert deleting.value.code == SESSION_BUSY
            assert "another claude-py daemon" in deleting.value.message
            with pytest.raises(RpcError) as loading:
                await second.client.request("session/load", {"sessionId": sid})
            assert loading.value.code == SESSION_BUSY

        files = list((home / "sessions").rglob(f"{sid}.jsonl"))
        assert len(files) == 1
        files[0].unlink()
        await first.client.request("session/prompt", _prompt(sid, "two"))
        warning = await first.updates.wait_for("error")
        assert warning["update"]["code"] == "session_file_restored"
        assert "was deleted" in warning["update"]["message"]
        assert files[0].exists()

    async with stdio_daemon(env) as third:
        loaded = await third.client.request("session/load", {"sessionId": sid})
        assert loaded["messageCount"] == 4
        assert loaded["warnings"] == []
        replay = third.updates.text()
        assert "first answer" in replay and "second answer" in replay
