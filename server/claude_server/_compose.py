"""The composition root: builds the daemon's parts from the environment and settings.

Everything that knows about more than one package meets here, so the packages themselves stay
unaware of each other's concrete classes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from claude_server.auth import Credential, CredentialResolver
from claude_server.config import env_settings
from claude_server.engine import EngineDeps, SessionManager
from claude_server.model import Provider
from claude_server.provider import AnthropicProvider, ProviderSettings, resolve_model
from claude_server.rpc import DaemonCore, RpcBridge

log = logging.getLogger(__name__)


class ProviderPool:
    """Hands out a provider for the current credential, rebuilding it when the credential
    changes (a refreshed OAuth token, a new key after ``auth/login``)."""

    def __init__(self, resolver: CredentialResolver, env: Mapping[str, str]) -> None:
        self._resolver = resolver
        self._settings = ProviderSettings.from_env(env)
        self._credential: Credential | None = None
        self._provider: AnthropicProvider | None = None

    async def get(self) -> Provider:
        """The provider to use for the next request."""
        credential = await self._resolver.resolve()
        if self._provider is None or credential != self._credential:
            if self._provider is not None:
                await self._provider.aclose()
            self._provider = self._settings.provider(credential)
            self._credential = credential
        return self._provider

    async def rejected(self) -> None:
        """The API refused the credential: drop caches so the next request re-resolves it."""
        if self._credential is not None:
            await self._resolver.invalidate(self._credential)
        self._credential = None

    async def aclose(self) -> None:
        """Release the HTTP client."""
        if self._provider is not None:
            await self._provider.aclose()
            self._provider = None


def build_core(home: Path, env: Mapping[str, str] | None = None) -> tuple[DaemonCore, ProviderPool]:
    """The daemon's shared core with everything wired."""
    env = dict(os.environ if env is None else env)
    settings = env_settings(env)
    resolver = CredentialResolver(env)
    pool = ProviderPool(resolver, env)
    deps = EngineDeps(
        provider_factory=pool.get,
        credential_rejected=pool.rejected,
        default_model=resolve_model(settings.model),
        max_tokens=settings.max_tokens,
        small_model=resolve_model("haiku"),
    )
    core = DaemonCore(SessionManager(deps), home, resolver, resolve_model=resolve_model)
    deps.bridge = RpcBridge(core)
    return core, pool
