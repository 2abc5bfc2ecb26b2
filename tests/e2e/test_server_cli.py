"""The daemon's command line: version, bad arguments, the default socket."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.daemon import SERVER_CMD, daemon_env, socket_daemon


def test_version_and_bad_listen(home: Path) -> None:
    env = daemon_env(home)
    version = subprocess.run(
        [*SERVER_CMD, "--version"], env=env, capture_output=True, text=True, timeout=30
    )
    assert version.returncode == 0
    assert version.stdout.startswith("claude-py-server ")
    bad = subprocess.run(
        [*SERVER_CMD, "--listen", "carrier-pigeon:1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2
    assert "expected unix" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


async def test_default_socket_lives_under_home(home: Path) -> None:
    async with socket_daemon(daemon_env(home), "unix") as d:
        assert d.address == f"unix:{home / 'run' / 'daemon.sock'}"
        client, _ = await d.connect()
        status = await client.request("daemon/status")
        assert status["dataDir"] == str(home)
        await client.close()
    assert not (home / "run" / "daemon.sock").exists()  # removed on a clean stop
