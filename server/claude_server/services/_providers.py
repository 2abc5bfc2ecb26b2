"""The provider pool: one provider per credential, rebuilt when the credential changes
(implements the engine's ``Providers`` port)."""

from __future__ import annotations

from collections.abc import Mapping

from claude_server.auth import Credential, CredentialResolver
from claude_server.model import Provider
from claude_server.provider import AnthropicProvider, ProviderSettings


class ProviderPool:
    """Hands out a provider for the current credential (a refreshed OAuth token, a new key after
    ``auth/login`` give a new provider; the old one's connections are closed)."""

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
