"""Running ripgrep, the engine behind Glob and Grep (fast, and it honours .gitignore)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from claude_server.model import ToolError
from claude_server.tools._process import kill_process_group

MAX_OUTPUT_BYTES = 20_000_000
"""ripgrep is stopped once it has printed this much: no useful answer is that long."""
TIMEOUT_SECONDS = 60.0


def find_ripgrep() -> str | None:
    """The ``rg`` binary: the one installed next to this Python (PyPI ``ripgrep``), else PATH."""
    beside = Path(sys.executable).parent / "rg"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("rg")


@dataclass(frozen=True, slots=True)
class RgOutput:
    """What one ripgrep run printed."""

    code: int
    stdout: str
    stderr: str
    truncated: bool
    """Output stopped at MAX_OUTPUT_BYTES."""


async def run_ripgrep(args: list[str], cwd: Path) -> RgOutput:
    """Run ``rg`` with ``args`` in ``cwd``; its own config file is ignored so output is stable."""
    rg = find_ripgrep()
    if rg is None:
        raise ToolError(
            "ripgrep (rg) is not installed, so this search cannot run. Use Bash with grep or "
            "find instead, or ask the user to install ripgrep."
        )
    env = {k: v for k, v in os.environ.items() if k != "RIPGREP_CONFIG_PATH"}
    proc = await asyncio.create_subprocess_exec(
        rg,
        "--no-config",
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    chunks: list[bytes] = []
    size = 0
    truncated = False

    async def read_stdout() -> None:
        nonlocal size, truncated
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_OUTPUT_BYTES:
                truncated = True
                return

    stderr_task = asyncio.ensure_future(proc.stderr.read())
    try:
        await asyncio.wait_for(read_stdout(), TIMEOUT_SECONDS)
    except TimeoutError:
        await kill_process_group(proc)
        stderr_task.cancel()
        raise ToolError(
            f"The search took longer than {TIMEOUT_SECONDS:g} s and was stopped. Narrow it "
            "with a more specific path or glob."
        ) from None
    except asyncio.CancelledError:
        stderr_task.cancel()
        await kill_process_group(proc)
        raise
    if truncated:
        await kill_process_group(proc, grace=0.5)
    stderr = await stderr_task
    code = await proc.wait()
    data = b"".join(chunks)
    if truncated:
        data = data[: data.rfind(b"\n") + 1]  # no line cut in half by the size limit
    return RgOutput(
        code=code,
        stdout=data.decode("utf-8", "replace"),
        stderr=stderr.decode("utf-8", "replace").strip(),
        truncated=truncated,
    )
