"""System programs the tests need: skipped on a developer's machine, required in CI.

CI (``.ci/run``) installs them and sets ``CLAUDE_PY_REQUIRE_SYSTEM_TOOLS``, so a missing one
fails there instead of turning a regression into a quiet skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_ENV = "CLAUDE_PY_REQUIRE_SYSTEM_TOOLS"


def missing(reason: str) -> None:
    """Fail in CI, skip elsewhere, because a program or service the test needs is absent."""
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason} (CI requires it: {REQUIRE_ENV} is set)")
    pytest.skip(reason)


def require_program(name: str, install: str) -> str:
    """The path of ``name`` on PATH; otherwise :func:`missing` says how to install it."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed: {install}")
        raise AssertionError("unreachable")  # pytest.skip and pytest.fail raise
    return path
