"""What the daemon leaves on disk and what ids can reach, through a real daemon: every file and
folder it makes is private to the user, and an id naming a path outside the store is refused
without touching it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import daemon_env, socket_daemon, trust_folder

HOSTILE_IDS = ["../../etc/passwd", "..", "a/b", "/tmp/x", "x\x00y", "%2e%2e%2f", "x" * 500, ""]


async def test_everything_the_daemon_writes_is_private(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    trust_folder(home, project)
    fake.add_turns(
        Turn.tool_use("Write", {"file_path": "out.txt", "content": "x"}), Turn.text("ok")
    )
    async with socket_daemon(daemon_env(home, fake.base_url), "tcp:127.0.0.1:0") as tcp:
        token = (home / "tcp-token").read_text().strip()
        client, _ = await tcp.connect(token=token)
        sid = (await client.request("session/new", {"cwd": str(project), "mode": "acceptEdits"}))[
            "sessionId"
        ]
        prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": "write"}]}
        await client.request("session/prompt", prompt)
        await client.close()
        async with socket_daemon(daemon_env(home), "unix") as unix:
            sock = Path(unix.address.removeprefix("unix:"))
            assert stat.S_IMODE(sock.stat().st_mode) == 0o600
            assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
        written = sorted(p for p in home.rglob("*") if not p.is_socket())
        assert any(p.suffix == ".jsonl" for p in written)
        assert any(p.name == "daemon.log" for p in written)
        assert any(p.name == "tcp-token" for p in written)
        for path in written:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_dir():
                assert mode == 0o700, path
            else:
                assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


@pytest.mark.parametrize("bad", HOSTILE_IDS)
async def test_session_ids_cannot_name_paths(home: Path, tmp_path: Path, bad: str) -> None:
    bait = tmp_path / "bait.jsonl"
    bait.write_text('{"type": "meta"}\n')
    async with socket_daemon(daemon_env(home), f"unix:{tmp_path / 's'}") as d:
        client, _ = await d.connect()
        for method in ("session/load", "session/delete", "session/export", "session/attach"):
            with pytest.raises(RpcError) as refused:
                await client.request(method, {"sessionId": bad})
            assert refused.value.code in (-32602, -32030, -32031), (method, refused.value)
            assert "Traceback" not in refused.value.message
        status = await client.request("daemon/status")
        assert status["pid"] == d.process.pid
        await client.close()
    assert bait.read_text() == '{"type": "meta"}\n'
