"""Launch-to-prompt time of the terminal client, with the daemon already running.

Starts a daemon on a private socket (against the fake API), then launches ``claude-py`` on a
pseudo-terminal N times and measures the time from exec to the drawn input box (its
placeholder text on the terminal), which is when the user can type. Also shows the time when
the client has to start the daemon itself, and the bare interpreter for reference.

With ``--claude-code PATH`` (the native ``claude`` binary of ``@anthropic-ai/claude-code``) it
measures Claude Code's launch to its prompt the same way, in a temporary HOME whose
``.claude.json`` skips onboarding, inside ``unshare -n`` so it cannot leave the machine.

    python bench/cli_launch.py [--runs 15] [--claude-code PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cli_pty
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


def claude_code(binary: str, base_url: str, runs: int) -> list[float]:
    """Claude Code's launch to its prompt (the status line under its input box)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        raise SystemExit("--claude-code needs root and unshare (to run it without a network)")
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        home, project = Path(tmp) / "home", Path(tmp) / "proj"
        home.mkdir()
        project.mkdir()
        config = {
            "hasCompletedOnboarding": True,
            "theme": "dark",
            "customApiKeyResponses": {"approved": ["sk-ant-fake"], "rejected": []},
            "projects": {str(project): {"hasTrustDialogAccepted": True}},
        }
        (home / ".claude.json").write_text(json.dumps(config))
        env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            "ANTHROPIC_BASE_URL": base_url,
            "ANTHROPIC_API_KEY": "sk-ant-fake",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_AUTOUPDATER": "1",
        }
        saved = cli_pty.CLI
        cli_pty.CLI = ["unshare", "-n", binary]
        try:
            for _ in range(runs + 1):
                client = PtyClient([], env, project)
                try:
                    # Words are placed with cursor moves, not spaces: match a single word.
                    out.append(client.wait_for(b"cycle"))
                finally:
                    client.process.kill()
                    client.process.wait()
                    os.close(client.master)
        finally:
            cli_pty.CLI = saved
    return out[1:]  # the first run warms the caches


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
    parser.add_argument("--claude-code", metavar="PATH", help="also time Claude Code's binary")
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
        theirs = claude_code(args.claude_code, fake.base_url, args.runs) if args.claude_code else []
    print(f"python -c pass (reference):             {summary(bare_python(args.runs))}")
    print(f"claude-py launch -> prompt, daemon up:  {summary(warm)}")
    print(f"claude-py launch -> prompt, no daemon:  {summary(cold)}  (includes starting it)")
    if theirs:
        print(f"Claude Code launch -> prompt:           {summary(theirs)}")


if __name__ == "__main__":
    asyncio.run(main())
