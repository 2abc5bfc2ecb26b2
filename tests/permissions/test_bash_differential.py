"""The parser against bash itself: every program bash runs must be one we found.

Random compound commands over stub programs (each logs its name) run under a real bash; for
each one the parser understood (no problems), the programs bash ran must all be among the
simple commands the parser listed. A miss would let a command slip past the rules.
"""

from __future__ import annotations

import os
import random
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from claude_server.permissions import parse_bash

NAMES = ["aa", "bb", "cc", "dd", "ee"]
SEPARATORS = [" && ", " || ", "; ", " | ", "\n", " |& "]


def _atom(rng: random.Random, depth: int) -> str:
    name = rng.choice(NAMES)
    args = " ".join(
        rng.choice(["x", '"y z"', "'q'", "--f", "a\\;b"]) for _ in range(rng.randint(0, 2))
    )
    simple = f"{name} {args}".strip()
    if depth >= 3:
        return simple
    inner = _compound(rng, depth + 1)
    return rng.choice(
        [
            simple,
            simple,
            f"( {inner} )",
            f"{{ {inner}; }}",
            f"{name} $({inner})",
            f'{name} "$({inner})"',
            f"{name} `{_atom(rng, 3)}`",
            f"{name} <({inner})",
            f"bash -c {shlex.quote(inner)}",
            f"eval {shlex.quote(inner)}",
            f"if {simple}; then {inner}; fi",
            f"for i in 1; do {inner}; done",
            f"x=$({inner}) {name}",
            f"timeout 5 {simple}",
            f"{name} <<<$({inner})",
        ]
    )


def _compound(rng: random.Random, depth: int) -> str:
    parts = [_atom(rng, depth) for _ in range(rng.randint(1, 3))]
    out = parts[0]
    for p in parts[1:]:
        out += rng.choice(SEPARATORS) + p
    return out


@pytest.fixture
def stubs(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in NAMES:
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho {name} >> "$LOG"\ncat >/dev/null 2>&1 </dev/null\n')
        stub.chmod(0o755)
    for tool in ("bash", "timeout", "cat"):
        found = shutil.which(tool)
        assert found is not None
        os.symlink(found, bin_dir / tool)
    return bin_dir


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_parser_finds_every_program_bash_runs(stubs: Path, tmp_path: Path) -> None:
    rng = random.Random(20240611)
    checked = 0
    for i in range(150):
        # A log per command: process substitutions may still be writing after bash exits.
        log = tmp_path / f"log{i}"
        command = _compound(rng, 0)
        parsed = parse_bash(command)
        if parsed.problems:
            continue
        found = {os.path.basename(sc.name) for sc in parsed.commands if sc.name}
        log.write_text("")
        subprocess.run(
            ["bash", "-c", command],
            env={"PATH": str(stubs), "LOG": str(log)},
            capture_output=True,
            timeout=30,
            check=False,
        )
        ran = set(log.read_text().split())
        assert ran <= found, f"{command!r}: bash ran {sorted(ran - found)} the parser missed"
        checked += 1
    assert checked > 100
