"""Child processes of tools: each runs in its own process group, which is killed as a whole."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

TERM_GRACE_SECONDS = 2.0
"""How long a process group gets to exit after SIGTERM before it is sent SIGKILL."""

_background: set[asyncio.Task[None]] = set()
"""Kill escalations that outlive a cancelled caller (kept referenced so they finish)."""


def group_alive(pgid: int) -> bool:
    """Whether any process of group ``pgid`` still runs (zombies do not count)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    # On Linux, look for a live member: killpg(pgid, 0) also succeeds for zombies, which
    # linger until their parent or init reaps them.
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def _escalate(proc: asyncio.subprocess.Process, pgid: int, grace: float) -> None:
    deadline = time.monotonic() + grace
    resend = time.monotonic() + 0.2
    while time.monotonic() < deadline:
        if proc.returncode is not None and not group_alive(pgid):
            break
        if time.monotonic() >= resend:
            # A child forked while the first signal was in flight missed it.
            _signal_group(pgid, signal.SIGTERM)
            resend = time.monotonic() + 0.2
        await asyncio.sleep(0.05)
    _signal_group(pgid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        await proc.wait()


async def kill_process_group(
    proc: asyncio.subprocess.Process, *, grace: float = TERM_GRACE_SECONDS
) -> None:
    """SIGTERM the process group led by ``proc``, then SIGKILL it after ``grace`` seconds.

    Safe to call when the caller is being cancelled: SIGTERM goes out at once, and the
    escalation runs shielded so a second cancellation cannot leave the group running.
    """
    pgid = proc.pid  # start_new_session=True makes the child its group's leader.
    _signal_group(pgid, signal.SIGTERM)
    task = asyncio.get_running_loop().create_task(_escalate(proc, pgid, grace))
    _background.add(task)
    task.add_done_callback(_background.discard)
    await asyncio.shield(task)
