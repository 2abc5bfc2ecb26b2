"""Settings read from the environment: the default model and the log level.

The API's endpoint, retries and timeouts are the provider's own variables
(:mod:`claude_server.provider._settings`), read in one place there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_BASE_URL = "https://api.anthropic.com"
"""The Messages API endpoint when ``ANTHROPIC_BASE_URL`` is not set (the one place it is named)."""
DEFAULT_MODEL = "claude-sonnet-4-6"
DEFAULT_MAX_TOKENS = 32000


@dataclass(frozen=True, slots=True)
class EnvSettings:
    """What the environment says about the model."""

    model: str
    max_tokens: int


def env_settings(env: Mapping[str, str] | None = None) -> EnvSettings:
    """Read ``MODEL`` (or the default)."""
    env = os.environ if env is None else env
    return EnvSettings(
        model=env.get("MODEL", "").strip() or DEFAULT_MODEL,
        max_tokens=DEFAULT_MAX_TOKENS,
    )


LOG_LEVEL_ENV = "CLAUDE_PY_LOG"
"""The variable naming the log level (``debug``, ``info``, ``warning``, ``error``)."""

DEFAULT_DAEMON_LOG_LEVEL = "info"
DEFAULT_CLIENT_LOG_LEVEL = "warning"
_LOG_LEVELS = {
    "debug": "debug",
    "info": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
    "critical": "critical",
}


def log_level(env: Mapping[str, str] | None = None, *, client: bool = False) -> str:
    """The log level ``CLAUDE_PY_LOG`` names; default ``warning`` for a client, ``info`` else.

    An unknown name gives the default rather than an error: logging must never stop a start.
    """
    env = os.environ if env is None else env
    default = DEFAULT_CLIENT_LOG_LEVEL if client else DEFAULT_DAEMON_LOG_LEVEL
    return _LOG_LEVELS.get(env.get(LOG_LEVEL_ENV, "").strip().lower(), default)
