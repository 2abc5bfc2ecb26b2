"""Connection settings of the provider: the one place they are read from the environment.

| variable | meaning | default |
|---|---|---|
| ``ANTHROPIC_BASE_URL`` | the endpoint speaking the Messages API | ``https://api.anthropic.com`` |
| ``CLAUDE_PY_MAX_ATTEMPTS`` | tries per model request, the first included (whole number >= 1) | 3 |
| ``CLAUDE_PY_CONNECT_TIMEOUT`` | seconds allowed to open a connection (> 0) | 10 |
| ``CLAUDE_PY_IDLE_TIMEOUT`` | seconds of silence tolerated within a response (> 0) | 120 |

Empty values mean "use the default". A value that cannot be used raises
:class:`~claude_server.errors.ConfigError` naming the variable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import httpx

from claude_server.auth import Credential
from claude_server.errors import ConfigError
from claude_server.provider._anthropic import DEFAULT_BASE_URL, AnthropicProvider, messages_url

__all__ = ["ProviderSettings", "provider_from_env"]

BASE_URL_VAR: Final = "ANTHROPIC_BASE_URL"
MAX_ATTEMPTS_VAR: Final = "CLAUDE_PY_MAX_ATTEMPTS"
CONNECT_TIMEOUT_VAR: Final = "CLAUDE_PY_CONNECT_TIMEOUT"
IDLE_TIMEOUT_VAR: Final = "CLAUDE_PY_IDLE_TIMEOUT"


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """Where the API is and how patient to be with it."""

    base_url: str = DEFAULT_BASE_URL
    max_attempts: int = 3
    connect_timeout: float = 10.0
    idle_timeout: float = 120.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ProviderSettings:
        """Settings from ``env`` (see the module docstring for the variables)."""
        default = cls()
        base_url = env.get(BASE_URL_VAR, "").strip() or default.base_url
        try:
            messages_url(base_url)
        except ConfigError as exc:
            raise ConfigError(f"{BASE_URL_VAR}: {exc.message}") from None
        return cls(
            base_url=base_url,
            max_attempts=_whole(env, MAX_ATTEMPTS_VAR, default.max_attempts),
            connect_timeout=_seconds(env, CONNECT_TIMEOUT_VAR, default.connect_timeout),
            idle_timeout=_seconds(env, IDLE_TIMEOUT_VAR, default.idle_timeout),
        )

    def provider(
        self, credential: Credential, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> AnthropicProvider:
        """An :class:`AnthropicProvider` with these settings."""
        return AnthropicProvider(
            credential,
            base_url=self.base_url,
            max_attempts=self.max_attempts,
            connect_timeout=self.connect_timeout,
            idle_timeout=self.idle_timeout,
            transport=transport,
        )


def provider_from_env(
    env: Mapping[str, str],
    credential: Credential,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AnthropicProvider:
    """An :class:`AnthropicProvider` configured from ``env`` (``transport`` is for tests)."""
    return ProviderSettings.from_env(env).provider(credential, transport=transport)


def _whole(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}.")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds.") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a positive number of seconds, not {raw!r}.")
    return value
