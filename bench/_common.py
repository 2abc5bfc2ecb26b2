"""Shared helpers for benchmarks: the fake API from the test tree, process memory, stats."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # fake_anthropic and support live in the test tree


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a live process (Linux), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def summary(values: list[float]) -> str:
    """Median and spread of timings given in seconds."""
    ms = sorted(v * 1000 for v in values)
    return f"median {statistics.median(ms):.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f}, n={len(ms)})"
