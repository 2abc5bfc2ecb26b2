"""Shared fixtures of the session store tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from claude_server.sessions import SessionStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    """An empty store under a temporary data dir."""
    return SessionStore(tmp_path / "data" / "sessions")
