"""The daemon's command line: version, bad arguments, the default socket."""

from __future__ import annotations

import os
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


def _stderr_lines(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    env = {**env, "CLAUDE_PY_LOG": "error"}
    done = subprocess.run([*SERVER_CMD, *args], env=env, capture_output=True, text=True, timeout=30)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stderr.strip().splitlines()


def test_a_socket_dir_of_another_user_is_one_line(home: Path, tmp_path: Path) -> None:
    if os.getuid() != 0:
        # Only root can hand a folder to another user here.
        theirs = Path("/tmp")
    else:
        theirs = tmp_path / "theirs"
        theirs.mkdir()
        os.chown(theirs, 65534, 65534)
    code, lines = _stderr_lines(["--listen", f"unix:{theirs / 'd.sock'}"], daemon_env(home))
    assert code == 1
    assert lines == [
        f"claude-py-server: cannot use {theirs} for the socket: {theirs} belongs to another "
        "user; refusing to use it"
    ]


async def test_a_port_in_use_is_one_line(home: Path, tmp_path: Path) -> None:
    async with socket_daemon(daemon_env(home), "tcp:127.0.0.1:0") as first:
        port = first.address.rsplit(":", 1)[1]
        other = tmp_path / "other-home"
        other.mkdir(mode=0o700)
        code, lines = _stderr_lines(["--listen", f"tcp:127.0.0.1:{port}"], daemon_env(other))
    assert code == 1
    assert len(lines) == 1 and "address already in use" in lines[0]
