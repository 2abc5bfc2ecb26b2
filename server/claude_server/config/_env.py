"""Settings read from the environment (settings files come later)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from claude_server.errors import ConfigError

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MODEL = "claude-sonnet-4-6"
DEFAULT_MAX_TOKENS = 32000
DEFAULT_MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class EnvSettings:
    """What the environment says about the model and the API."""

    base_url: str
    model: str
    max_tokens: int
    max_attempts: int
    """Tries per model request, the first included (``CLAUDE_PY_MAX_ATTEMPTS``)."""


def env_settings(env: Mapping[str, str] | None = None) -> EnvSettings:
    """Read ``ANTHROPIC_BASE_URL``, ``MODEL`` and ``CLAUDE_PY_MAX_ATTEMPTS`` (or the defaults)."""
    env = os.environ if env is None else env
    return EnvSettings(
        base_url=env.get("ANTHROPIC_BASE_URL", "").strip() or DEFAULT_BASE_URL,
        model=env.get("MODEL", "").strip() or DEFAULT_MODEL,
        max_tokens=DEFAULT_MAX_TOKENS,
        max_attempts=_positive_int(env, "CLAUDE_PY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
    )


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


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
