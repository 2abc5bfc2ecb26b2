"""Shared fixtures: an isolated data dir and the fake model server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_anthropic import FakeAnthropic


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh CLAUDE_PY_HOME."""
    path = tmp_path / "home"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    """A running fake Anthropic API with an empty script (tests add turns)."""
    with FakeAnthropic([]) as server:
        yield server
