"""Helpers shared by the auth tests."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend


class Clock:
    """A settable clock for ``CredentialResolver(clock=...)``."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class TokenRequest:
    """One request the token endpoint received."""

    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class TokenServer:
    """A local OAuth token endpoint: answers from ``replies`` (FIFO), records requests."""

    url: str
    requests: list[TokenRequest] = field(default_factory=list)
    replies: list[tuple[int, Any]] = field(default_factory=list)
    delay: float = 0.0

    def reply(self, status: int, body: Any) -> None:
        """Queue one answer (a JSON value, or bytes sent as is)."""
        self.replies.append((status, body))


def oauth_document(
    *,
    access: str = "sk-ant-oat01-access",
    refresh: str | None = "sk-ant-ort01-refresh",
    expires_at_ms: int | None,
    scopes: list[str] | None = None,
    subscription: str = "max",
    **extra: Any,
) -> dict[str, Any]:
    """A credentials document shaped like Claude Code's."""
    oauth: dict[str, Any] = {
        "accessToken": access,
        "expiresAt": expires_at_ms,
        "scopes": scopes if scopes is not None else ["user:inference", "user:profile"],
        "subscriptionType": subscription,
    }
    if refresh is not None:
        oauth["refreshToken"] = refresh
    return {"claudeAiOauth": oauth, **extra}


def write_credentials(home: Path, document: dict[str, Any]) -> Path:
    """Write ``~/.claude/.credentials.json`` under ``home``, mode 0600 as Claude Code does."""
    directory = home / ".claude"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ".credentials.json"
    path.write_text(json.dumps(document))
    path.chmod(0o600)
    return path


def base_env(**extra: str) -> dict[str, str]:
    """A minimal environment without any credential variable."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "USER": "tester", **extra}


def no_keyring() -> KeyringBackend:
    """keyring's ``fail`` backend: what a machine without any keyring has."""
    from keyring.backends import fail

    return fail.Keyring()  # type: ignore[no-untyped-call]
