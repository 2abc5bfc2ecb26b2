"""Launch-to-prompt time of the terminal client, with the daemon already running.

Starts a daemon on a private socket (against the fake API), then launches ``claude-py`` on a
pseudo-terminal N times and measures the time from exec to the drawn input box (its
placeholder text on the terminal), which is when the user can type. Also shows the time when
the client has to start the daemon itself, and the bare interpreter for reference.

    python bench/cli_launch.py [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import summary
from cli_pty import PtyClient, client_env, stop_daemon
from fake_anthropic import FakeAnthropic
from support.daemon import socket_daemon

READY = b"explain this project"


def launch_once(env: dict[str, str], cwd: Path) -> float:
    client = PtyClient([], env, cwd)
    try:
        return client.wait_for(READY)
    finally:
        client.close()


def bare_python(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        out.append(time.perf_counter() - t0)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with FakeAnthropic() as fake, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        project = Path(tmp) / "proj"
        home.mkdir(mode=0o700)
        project.mkdir()
        env = client_env(home, fake.base_url)
        cold = []
        for run in range(3):
            cold_home = Path(tmp) / f"cold{run}"
            cold_home.mkdir(mode=0o700)
            cold_env = client_env(cold_home, fake.base_url)
            cold.append(launch_once(cold_env, project))
            await asyncio.to_thread(stop_daemon, cold_home)
        async with socket_daemon(env, f"unix:{home / 'run' / 'daemon.sock'}"):
            launch_once(env, project)  # warm the OS caches once
            warm = [launch_once(env, project) for _ in range(args.runs)]
    print(f"python -c pass (reference):             {summary(bare_python(args.runs))}")
    print(f"claude-py launch -> prompt, daemon up:  {summary(warm)}")
    print(f"claude-py launch -> prompt, no daemon:  {summary(cold)}  (includes starting it)")


if __name__ == "__main__":
    asyncio.run(main())
