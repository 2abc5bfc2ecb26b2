"""``claude-py daemon status|stop|restart`` against the real background daemon."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from support.daemon import daemon_env

CLI = [sys.executable, "-m", "claude_cli"]


def _daemon(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "daemon", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_status_stop_and_restart(home: Path, tmp_path: Path) -> None:
    env = daemon_env(home)
    none = _daemon(["status"], env, tmp_path)
    assert none.returncode == 1
    assert none.stdout.startswith("No claude-py daemon is running")
    pid = None
    try:
        started = _daemon(["restart"], env, tmp_path)
        assert started.returncode == 0, started.stderr
        match = re.search(r"Started a new daemon \(pid (\d+)\)", started.stdout)
        assert match, started.stdout
        pid = int(match.group(1))
        running = _daemon(["status"], env, tmp_path)
        assert running.returncode == 0
        assert f"running: pid {pid}" in running.stdout and str(home) in running.stdout
        again = _daemon(["restart"], env, tmp_path)
        assert again.returncode == 0, again.stderr
        assert f"Stopped the daemon (pid {pid})." in again.stdout
        new_pid = int(re.findall(r"pid (\d+)", again.stdout)[-1])
        assert new_pid != pid
        pid = new_pid
        stopped = _daemon(["stop"], env, tmp_path)
        assert stopped.stdout.strip() == f"Stopped the daemon (pid {pid})."
        pid = None
        assert _daemon(["status"], env, tmp_path).returncode == 1
        assert _daemon(["stop"], env, tmp_path).stdout.strip() == "No claude-py daemon was running."
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGTERM)


def test_a_bad_action_is_a_usage_error(home: Path, tmp_path: Path) -> None:
    done = _daemon(["explode"], daemon_env(home), tmp_path)
    assert done.returncode == 2 and "invalid choice" in done.stderr
