"""``auth/*``: which credential is in use, and storing or removing claude-py's own key."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from claude_server.protocol._base import WireModel


class AuthSource(WireModel):
    """One credential source and whether it can be used now."""

    name: str
    available: bool
    detail: str


class AuthStatusResult(WireModel):
    """Result of ``auth/status`` (and of ``auth/login``). Never contains a secret."""

    source: str
    """The source in use: ``env:ANTHROPIC_API_KEY``, ``env:ANTHROPIC_AUTH_TOKEN``,
    ``apiKeyHelper``, ``keyring:claude-py``, ``claude-code-oauth:keyring``,
    ``claude-code-oauth:file`` or ``none``."""
    kind: str | None = None
    """``api_key``, ``bearer`` or ``oauth``."""
    base_url: str
    expires_at: int | None = None
    """OAuth only: when the access token expires (epoch milliseconds)."""
    subscription_type: str | None = None
    keyring_backend: str | None = None
    sources: list[AuthSource] = Field(default_factory=list)


class AuthLoginParams(WireModel):
    """Params of ``auth/login``: an API key to store in the system keyring."""

    api_key: Annotated[str, Field(min_length=1, max_length=1024)]


class AuthLogoutResult(WireModel):
    """Result of ``auth/logout``."""

    removed: bool
    """Whether claude-py had a stored key to remove."""
