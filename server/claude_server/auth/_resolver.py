"""The credential resolver: every source, in order, plus login, logout and status.

Sources, first one that yields wins:

1. ``env:ANTHROPIC_API_KEY`` -> ``x-api-key``.
2. ``env:ANTHROPIC_AUTH_TOKEN`` -> ``Authorization: Bearer``.
3. ``apiKeyHelper`` (a settings command; see :mod:`._helper`) -> ``x-api-key`` *and*
   ``Authorization: Bearer``, as Claude Code documents it, so gateways expecting either work.
4. ``keyring:claude-py``: the key ``auth/login`` stored in the system keyring (service
   ``claude-py``, user ``api-key``) -> ``x-api-key``.
5. ``claude-code-oauth:keyring`` then ``claude-code-oauth:file``: Claude Code's OAuth login
   (see :mod:`._oauth`) -> ``Authorization: Bearer`` plus the OAuth beta header.

A source that is configured but broken (the helper fails, an expired login cannot be refreshed)
raises :class:`AuthError` instead of silently falling through to a lower source: the user asked
for it, and quietly billing another account would be worse than a clear error. A keyring that
cannot be reached counts as "not available" and the next source is tried.

``ANTHROPIC_BASE_URL`` applies to every source (:attr:`CredentialResolver.base_url`).

Secrets never appear in logs, errors, reprs or :class:`AuthStatus`. The status carries no
fingerprint either (not even the last characters of a key): the source name, the keyring
backend and, for OAuth, the subscription type and expiry say which credential is in use, and a
partial key would only help someone holding a leaked list of keys.
"""

from __future__ import annotations

import getpass
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import httpx

from claude_server.auth._credential import Credential, CredentialKind
from claude_server.auth._helper import DEFAULT_HELPER_TIMEOUT, ApiKeyHelper, helper_ttl
from claude_server.auth._keyring import (
    DEFAULT_KEYRING_TIMEOUT,
    KEYRING_SERVICE,
    KEYRING_USERNAME,
    NO_KEYRING_HELP,
    AsyncKeyring,
    KeyringUnavailable,
)
from claude_server.auth._oauth import (
    CREDENTIALS_FILE,
    OAUTH_TOKEN_URL,
    TOKEN_URL_ENV,
    ClaudeCodeLogin,
    FileLoginStore,
    KeyringLoginStore,
    LoginStore,
    OAuthLogin,
    StoreUnreadable,
    claude_config_dir,
)
from claude_server.config import DEFAULT_BASE_URL
from claude_server.errors import AuthError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SourceName = Literal[
    "env:ANTHROPIC_API_KEY",
    "env:ANTHROPIC_AUTH_TOKEN",
    "apiKeyHelper",
    "keyring:claude-py",
    "claude-code-oauth:keyring",
    "claude-code-oauth:file",
]
SOURCES: Final[tuple[SourceName, ...]] = (
    "env:ANTHROPIC_API_KEY",
    "env:ANTHROPIC_AUTH_TOKEN",
    "apiKeyHelper",
    "keyring:claude-py",
    "claude-code-oauth:keyring",
    "claude-code-oauth:file",
)
"""Every credential source, highest precedence first."""

NO_CREDENTIAL_HELP: Final = (
    "No API credential found. Set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in the daemon's "
    "environment, configure an apiKeyHelper in settings, store an API key in the system keyring "
    "(auth/login), or log in with Claude Code (`claude /login`)."
)

_MAX_KEY_LENGTH: Final = 1024


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """Whether one source could provide a credential now, and why (never the secret)."""

    name: SourceName
    available: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """As JSON for ``auth/status``."""
        return {"name": self.name, "available": self.available, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class AuthStatus:
    """What ``auth/status`` reports: the active source and every source's availability.

    It holds no secret and no fingerprint of one (see the module docstring).
    """

    source: SourceName | Literal["none"]
    """The source :meth:`CredentialResolver.resolve` would use, or ``none``."""
    kind: CredentialKind | None
    base_url: str
    """The API endpoint, without any user:password part."""
    expires_at_ms: int | None = None
    """For OAuth: when the access token expires (epoch ms; it is refreshed before)."""
    subscription_type: str | None = None
    """For OAuth: Claude Code's ``subscriptionType`` (``pro``, ``max``...)."""
    keyring_backend: str | None = None
    """The keyring backend in use, e.g. ``SecretService Keyring``."""
    sources: tuple[SourceStatus, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """As JSON for ``auth/status`` (camelCase keys)."""
        return {
            "source": self.source,
            "kind": self.kind,
            "baseUrl": self.base_url,
            "expiresAt": self.expires_at_ms,
            "subscriptionType": self.subscription_type,
            "keyringBackend": self.keyring_backend,
            "sources": [source.to_dict() for source in self.sources],
        }


@dataclass(slots=True)
class _Probe:
    """One source looked at: a credential (or a login to turn into one), or why not."""

    name: SourceName
    detail: str
    kind: CredentialKind | None = None
    credential: Credential | None = None
    store: LoginStore | None = None
    login: OAuthLogin | None = None

    @property
    def available(self) -> bool:
        return self.kind is not None


class CredentialResolver:
    """Finds the credential to use, from the sources listed in the module docstring.

    ``env`` is the daemon's environment (default ``os.environ``); ``api_key_helper`` the
    ``apiKeyHelper`` setting; ``home`` the user's home (for ``~/.claude``);
    ``keyring_backend`` a ``keyring`` backend (default: keyring's active one, chosen on first
    use); ``token_url`` the OAuth token endpoint (default ``$CLAUDE_PY_OAUTH_TOKEN_URL`` or
    Anthropic's); ``user`` the account of Claude Code's keychain entry (default: the login
    name). ``clock``, ``http_transport`` and the timeouts exist for tests.
    """

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        api_key_helper: str | None = None,
        home: Path | None = None,
        keyring_backend: KeyringBackend | None = None,
        token_url: str | None = None,
        clock: Callable[[], float] = time.time,
        user: str | None = None,
        helper_timeout: float = DEFAULT_HELPER_TIMEOUT,
        keyring_timeout: float = DEFAULT_KEYRING_TIMEOUT,
        http_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._env: Mapping[str, str] = os.environ if env is None else env
        home = Path.home() if home is None else home
        self._keyring = AsyncKeyring(keyring_backend, timeout=keyring_timeout)
        command = (api_key_helper or "").strip()
        self._helper = (
            ApiKeyHelper(
                command,
                env=self._env,
                ttl=helper_ttl(self._env),
                timeout=helper_timeout,
                clock=clock,
            )
            if command
            else None
        )
        self._file_store = FileLoginStore(claude_config_dir(self._env, home) / CREDENTIALS_FILE)
        self._keyring_store = KeyringLoginStore(self._keyring, user=user or _login_name(self._env))
        self._login = ClaudeCodeLogin(
            token_url=token_url or self._env.get(TOKEN_URL_ENV, "").strip() or OAUTH_TOKEN_URL,
            clock=clock,
            transport=http_transport,
        )
        self._last_oauth_token: str | None = None

    def __repr__(self) -> str:
        return f"CredentialResolver(helper={self._helper!r}, file={self._file_store.where!r})"

    @property
    def base_url(self) -> str:
        """The API base URL for every source: ``ANTHROPIC_BASE_URL`` or Anthropic's."""
        return self._env.get("ANTHROPIC_BASE_URL", "").strip() or DEFAULT_BASE_URL

    @property
    def credentials_file(self) -> Path:
        """Where Claude Code's credentials file is looked for."""
        return self._file_store.path

    async def resolve(self) -> Credential:
        """The credential of the first source that has one.

        Raises :class:`AuthError` when a configured source fails (helper error, failed OAuth
        refresh) or when no source has a credential; the latter lists every source and why.
        """
        tried: dict[str, str] = {}
        for name in SOURCES:
            probe = await self._probe(name, run=True)
            if probe.store is not None and probe.login is not None:
                probe.credential = await self._login.credential(probe.store, probe.login)
                self._last_oauth_token = probe.credential.secret
            if probe.credential is not None:
                log.debug("using the credential from %s", name)
                return probe.credential
            tried[name] = probe.detail
        listing = "; ".join(f"{name}: {detail}" for name, detail in tried.items())
        raise AuthError(f"{NO_CREDENTIAL_HELP} Sources tried: {listing}.", data={"sources": tried})

    async def status(self) -> AuthStatus:
        """Which source is active and what each source has, without running the helper or
        refreshing a token."""
        probes = [await self._probe(name, run=False) for name in SOURCES]
        active = next((probe for probe in probes if probe.available), None)
        backend: str | None
        try:
            _, backend = await self._keyring.usable()
        except KeyringUnavailable:
            backend = None
        login = active.login if active is not None else None
        return AuthStatus(
            source=active.name if active is not None else "none",
            kind=active.kind if active is not None else None,
            base_url=_shown_url(self.base_url),
            expires_at_ms=login.expires_at_ms if login is not None else None,
            subscription_type=login.subscription_type if login is not None else None,
            keyring_backend=backend,
            sources=tuple(SourceStatus(p.name, p.available, p.detail) for p in probes),
        )

    async def invalidate(self, credential: Credential | None = None) -> None:
        """The API refused ``credential`` (401/403): drop what caches it.

        The next :meth:`resolve` runs the helper again and refreshes an OAuth token that is
        still the refused one. Without ``credential``, everything cached is dropped.
        """
        if self._helper is not None and (credential is None or credential.source == "apiKeyHelper"):
            self._helper.invalidate()
        refused = credential.secret if credential is not None else self._last_oauth_token
        if refused is not None and (credential is None or credential.kind == "oauth"):
            self._login.mark_refused(refused)
        log.debug("credential caches dropped")

    async def login(self, api_key: str) -> AuthStatus:
        """Store ``api_key`` in the system keyring (service ``claude-py``, user ``api-key``).

        Returns the status afterwards: a higher source (say ``ANTHROPIC_API_KEY``) still wins
        over the stored key, and the caller may want to say so.
        """
        key = _checked_api_key(api_key)
        try:
            usable, name = await self._keyring.usable()
        except KeyringUnavailable as exc:
            raise AuthError(
                f"The system keyring cannot be used ({exc}). {NO_KEYRING_HELP}"
            ) from None
        if not usable:
            raise AuthError(f"{NO_KEYRING_HELP} (The active keyring backend is {name}.)")
        try:
            await self._keyring.set(KEYRING_SERVICE, KEYRING_USERNAME, key)
        except KeyringUnavailable as exc:
            raise AuthError(f"Could not store the API key in the system keyring: {exc}.") from None
        log.info("stored an API key in the system keyring (%s)", name)
        return await self.status()

    async def logout(self) -> bool:
        """Remove the key :meth:`login` stored; ``False`` when there was none.

        Nothing else is touched: not the environment, not Claude Code's login.
        """
        try:
            usable, _ = await self._keyring.usable()
            if not usable:
                return False
            removed = await self._keyring.delete(KEYRING_SERVICE, KEYRING_USERNAME)
        except KeyringUnavailable as exc:
            raise AuthError(
                f"Could not remove the API key from the system keyring: {exc}."
            ) from None
        if removed:
            log.info("removed the API key from the system keyring")
        return removed

    async def _probe(self, name: SourceName, *, run: bool) -> _Probe:
        """Look at one source; ``run`` runs the helper (status does not)."""
        if name == "env:ANTHROPIC_API_KEY" or name == "env:ANTHROPIC_AUTH_TOKEN":
            var = name.removeprefix("env:")
            value = self._env.get(var, "").strip()
            if not value:
                return _Probe(name, "not set")
            kind: CredentialKind = "api_key" if var == "ANTHROPIC_API_KEY" else "bearer"
            return _Probe(name, "set", kind, Credential(kind=kind, secret=value, source=name))
        if name == "apiKeyHelper":
            return await self._probe_helper(run=run)
        if name == "keyring:claude-py":
            try:
                key = await self._keyring.get(KEYRING_SERVICE, KEYRING_USERNAME)
            except KeyringUnavailable as exc:
                return _Probe(name, str(exc))
            if key is None:
                return _Probe(name, "no key stored")
            return _Probe(
                name, "key stored", "api_key", Credential(kind="api_key", secret=key, source=name)
            )
        store: LoginStore = (
            self._keyring_store if name == "claude-code-oauth:keyring" else self._file_store
        )
        return await self._probe_login(name, store)

    async def _probe_helper(self, *, run: bool) -> _Probe:
        name: SourceName = "apiKeyHelper"
        helper = self._helper
        if helper is None:
            return _Probe(name, "not configured")
        if not run:
            left = helper.cached_for()
            state = f"key cached for {left:.0f} s more" if left is not None else "runs on next use"
            return _Probe(name, f"`{helper.label}` ({state})", "api_key")
        key = await helper.get()
        credential = Credential(
            kind="api_key",
            secret=key,
            source=name,
            # Claude Code sends the helper's value both ways; gateways may expect either.
            extra_headers={"authorization": f"Bearer {key}"},
        )
        return _Probe(name, f"`{helper.label}`", "api_key", credential)

    async def _probe_login(self, name: SourceName, store: LoginStore) -> _Probe:
        try:
            document = await store.load()
        except StoreUnreadable as exc:
            return _Probe(name, str(exc))
        if document is None:
            return _Probe(name, f"{store.where}: not found")
        login = OAuthLogin.parse(document)
        if isinstance(login, str):
            return _Probe(name, f"{store.where}: {login}")
        if reason := login.unusable_reason():
            return _Probe(name, f"{store.where}: {reason}")
        login = self._login.newest(name, login)
        plan = f" ({login.subscription_type})" if login.subscription_type else ""
        state = "refreshed on next use" if self._login.needs_refresh(login) else "valid"
        return _Probe(
            name, f"{store.where}: login{plan}, {state}", "oauth", store=store, login=login
        )


def _checked_api_key(api_key: str) -> str:
    """``api_key`` trimmed, if it looks like something that can be an API key."""
    key = api_key.strip()
    if not key:
        raise AuthError("The API key is empty.")
    if len(key) > _MAX_KEY_LENGTH:
        raise AuthError(f"That is not an API key: it is longer than {_MAX_KEY_LENGTH} characters.")
    if not (key.isascii() and key.isprintable()) or any(c.isspace() for c in key):
        raise AuthError(
            "That is not an API key: it contains spaces, line breaks or non-ASCII characters. "
            "Paste only the key."
        )
    if key.startswith(("sk-ant-oat", "sk-ant-ort")):
        raise AuthError(
            "That is a Claude Code OAuth token, not an API key. claude-py uses Claude Code's login "
            "by itself; create an API key in the Anthropic Console to store one here."
        )
    return key


def _login_name(env: Mapping[str, str]) -> str | None:
    """The user name Claude Code files its keychain entry under."""
    for var in ("USER", "LOGNAME"):
        if name := env.get(var, "").strip():
            return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


def _shown_url(url: str) -> str:
    """``url`` without a user:password part (it may hold a secret)."""
    try:
        return str(httpx.URL(url).copy_with(userinfo=b""))
    except httpx.InvalidURL:
        return "(invalid URL)"
