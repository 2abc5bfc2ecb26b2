"""Plain helpers shared by the MCP tests (not in conftest.py: test modules cannot import a
conftest reliably, since every test folder has one of that name)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def running_with(marker: str) -> list[int]:
    """Pids of live processes whose command line contains ``marker``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            pids.append(int(proc.name))
    return pids
