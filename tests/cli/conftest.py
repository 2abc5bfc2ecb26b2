"""Fixtures for the terminal client's tests: a project directory and a tmux pane."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.system import require_program

from cli._tmux import Pane, stop_daemon


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project directory for the client to work in."""
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "app.py").write_text("a = 0\nx = 1\nb = 3\n")
    (root / "src" / "alpha.py").write_text("print('alpha')\n")
    (root / "src" / "beta.py").write_text("print('beta')\n")
    return root


@pytest.fixture
def term(home: Path) -> Iterator[Pane]:
    """A tmux pane (100x30); afterwards the tmux server and the daemon under ``home`` stop."""
    require_program("tmux", "apt-get install tmux")
    pane = Pane(100, 30)
    try:
        yield pane
    finally:
        pane.kill()
        stop_daemon(home)
