"""Claude Code's stored OAuth login (a Claude subscription), reused by claude-py.

Claude Code keeps the login as JSON ``{"claudeAiOauth": {"accessToken", "refreshToken",
"expiresAt" (epoch ms), "scopes", "subscriptionType"}}``: in the macOS keychain under the service
``Claude Code-credentials`` (account: the user name), and on Linux in
``~/.claude/.credentials.json`` (``CLAUDE_CONFIG_DIR`` replaces ``~/.claude``). Both places are
read through :class:`LoginStore`; the keyring one through the ``keyring`` package, so it is found
on any platform whose keyring holds it.

The access token is sent as ``Authorization: Bearer`` with ``anthropic-beta: oauth-2025-04-20``.
Shortly before it expires (or after the API refused it) it is refreshed with the refresh token at
the token endpoint, and the new tokens are written back where they came from, keeping every
other key, so Claude Code keeps working with the rotated refresh token.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx

from claude_server import __version__
from claude_server.auth._credential import Credential
from claude_server.auth._keyring import AsyncKeyring, KeyringUnavailable
from claude_server.errors import AuthError

log = logging.getLogger(__name__)

OAUTH_TOKEN_URL: Final = "https://console.anthropic.com/v1/oauth/token"  # noqa: S105 - a URL
OAUTH_CLIENT_ID: Final = "9d1c250a-e61b-44d9-88ed-5944d1962f5e"
"""Claude Code's public OAuth client id (refresh tokens are bound to it)."""
OAUTH_BETA: Final = "oauth-2025-04-20"
"""The ``anthropic-beta`` value that lets the Messages API accept an OAuth access token."""
TOKEN_URL_ENV: Final = "CLAUDE_PY_OAUTH_TOKEN_URL"  # noqa: S105 - a variable name
"""Replaces :data:`OAUTH_TOKEN_URL` (tests point it at a local server)."""
CLAUDE_CODE_KEYCHAIN_SERVICE: Final = "Claude Code-credentials"
CREDENTIALS_FILE: Final = ".credentials.json"
REFRESH_MARGIN: Final = 300.0
"""Seconds before expiry at which the access token is refreshed."""
RELOGIN_HELP: Final = (
    "Log in again with Claude Code (`claude /login`), or set ANTHROPIC_API_KEY in the daemon's "
    "environment."
)

_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


def claude_config_dir(env: Mapping[str, str], home: Path) -> Path:
    """Claude Code's config directory: ``$CLAUDE_CONFIG_DIR`` or ``~/.claude``."""
    if configured := env.get("CLAUDE_CONFIG_DIR", "").strip():
        return Path(configured).expanduser()
    return home / ".claude"


@dataclass(frozen=True, slots=True)
class OAuthLogin:
    """The ``claudeAiOauth`` part of Claude Code's credentials; ``repr`` hides the tokens."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at_ms: int | None
    scopes: tuple[str, ...] | None
    subscription_type: str | None

    @classmethod
    def parse(cls, document: object) -> OAuthLogin | str:
        """The login in a credentials document, or why there is none (safe to show)."""
        if not isinstance(document, dict):
            return "does not hold a JSON object"
        oauth = document.get("claudeAiOauth")
        if oauth is None:
            return "holds no Claude Code login (no claudeAiOauth)"
        if not isinstance(oauth, dict):
            return "claudeAiOauth is not an object"
        access = oauth.get("accessToken")
        if not isinstance(access, str) or not access.strip():
            return "the login has no access token"
        refresh = oauth.get("refreshToken")
        expires = oauth.get("expiresAt")
        scopes = oauth.get("scopes")
        subscription = oauth.get("subscriptionType")
        return cls(
            access_token=access.strip(),
            refresh_token=refresh.strip() if isinstance(refresh, str) and refresh.strip() else None,
            expires_at_ms=int(expires)
            if isinstance(expires, int | float) and not isinstance(expires, bool)
            else None,
            scopes=tuple(s for s in scopes if isinstance(s, str))
            if isinstance(scopes, list)
            else None,
            subscription_type=subscription if isinstance(subscription, str) else None,
        )

    def unusable_reason(self) -> str | None:
        """Why the login cannot call the Messages API, if it cannot."""
        if self.scopes is not None and "user:inference" not in self.scopes:
            return "the login lacks the user:inference scope"
        return None

    def due(self, now: float, margin: float = REFRESH_MARGIN) -> bool:
        """Whether the access token expires within ``margin`` seconds of ``now``."""
        return self.expires_at_ms is not None and now * 1000 >= self.expires_at_ms - margin * 1000


class StoreUnreadable(Exception):
    """A login store exists but cannot be used; the message is safe to show."""


class LoginStore(abc.ABC):
    """A place where Claude Code keeps its credentials document."""

    source: str
    """The source name shown by ``auth/status``."""
    where: str
    """Where it is, for messages (never the content)."""

    @abc.abstractmethod
    async def load(self) -> dict[str, Any] | None:
        """The document, ``None`` when absent; :class:`StoreUnreadable` when unusable."""

    @abc.abstractmethod
    async def save(self, document: dict[str, Any]) -> None:
        """Replace the document; :class:`StoreUnreadable` when that fails."""


class FileLoginStore(LoginStore):
    """``~/.claude/.credentials.json`` (Linux and Windows Claude Code)."""

    source = "claude-code-oauth:file"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    async def load(self) -> dict[str, Any] | None:
        return await asyncio.to_thread(self._load)

    def _load(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise StoreUnreadable(f"{self.where} cannot be read: {reason}") from None
        try:
            document = json.loads(text)
        except ValueError:
            # The parser's message is not quoted: it can carry a piece of the file.
            raise StoreUnreadable(f"{self.where} is not valid JSON") from None
        if not isinstance(document, dict):
            raise StoreUnreadable(f"{self.where} does not hold a JSON object")
        return document

    async def save(self, document: dict[str, Any]) -> None:
        data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
        try:
            await asyncio.to_thread(write_private_atomic, self.path, data)
        except OSError as exc:
            raise StoreUnreadable(f"{self.where} cannot be written: {exc.strerror}") from None


def write_private_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, mode 0600.

    Readers see the old file or the new one, never a torn one. A symlink is followed, so a
    dotfile manager's link keeps pointing at the updated file.
    """
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # Make the rename itself durable; not every file system allows fsync on a directory.
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class KeyringLoginStore(LoginStore):
    """The keyring entry ``Claude Code-credentials`` (macOS keychain, or any keyring)."""

    source = "claude-code-oauth:keyring"

    def __init__(
        self,
        keyring: AsyncKeyring,
        *,
        user: str | None,
        service: str = CLAUDE_CODE_KEYCHAIN_SERVICE,
    ) -> None:
        self._keyring = keyring
        self._service = service
        self._user = user
        self.where = f"the system keyring entry {service!r}"

    async def load(self) -> dict[str, Any] | None:
        try:
            found = await self._keyring.find(self._service, self._user)
        except KeyringUnavailable as exc:
            raise StoreUnreadable(str(exc)) from None
        if found is None:
            return None
        # Remember the account it lives under, to write the refreshed login to the same entry.
        self._user, text = found
        try:
            document = json.loads(text)
        except ValueError:
            raise StoreUnreadable(f"{self.where} is not valid JSON") from None
        if not isinstance(document, dict):
            raise StoreUnreadable(f"{self.where} does not hold a JSON object")
        return document

    async def save(self, document: dict[str, Any]) -> None:
        try:
            await self._keyring.set(self._service, self._user or "", json.dumps(document))
        except KeyringUnavailable as exc:
            raise StoreUnreadable(str(exc)) from None


class ClaudeCodeLogin:
    """Turns a stored login into a :class:`Credential`, refreshing the token when due."""

    def __init__(
        self,
        *,
        token_url: str = OAUTH_TOKEN_URL,
        client_id: str = OAUTH_CLIENT_ID,
        clock: Callable[[], float] = time.time,
        margin: float = REFRESH_MARGIN,
        http_timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.token_url = token_url
        self._client_id = client_id
        self._clock = clock
        self._margin = margin
        self._http_timeout = http_timeout
        self._transport = transport
        # One refresh at a time: a rotated refresh token works once, so two concurrent
        # refreshes with the same one would make the second fail.
        self._lock = asyncio.Lock()
        self._refused: str | None = None
        # Logins refreshed by us, per source, in case writing them back failed.
        self._refreshed: dict[str, OAuthLogin] = {}

    def mark_refused(self, access_token: str) -> None:
        """The API refused ``access_token``: refresh it on next use, whatever its expiry."""
        self._refused = access_token

    def needs_refresh(self, login: OAuthLogin) -> bool:
        """Whether ``login`` must be refreshed before use."""
        return login.access_token == self._refused or login.due(self._clock(), self._margin)

    def newest(self, source: str, login: OAuthLogin) -> OAuthLogin:
        """``login``, or the one we refreshed for ``source`` if that lasts longer."""
        mine = self._refreshed.get(source)
        if mine is None or mine.access_token == login.access_token:
            return login
        if (mine.expires_at_ms or 0) > (login.expires_at_ms or 0):
            return mine
        return login

    async def credential(self, store: LoginStore, login: OAuthLogin) -> Credential:
        """The credential for ``login`` from ``store``; refreshed first when due."""
        login = self.newest(store.source, login)
        if self.needs_refresh(login):
            async with self._lock:
                # Another request, or Claude Code itself, may have refreshed meanwhile.
                with contextlib.suppress(StoreUnreadable):
                    reloaded = OAuthLogin.parse(await store.load())
                    if isinstance(reloaded, OAuthLogin):
                        login = self.newest(store.source, reloaded)
                if self.needs_refresh(login):
                    login = await self._refresh(store, login)
        return Credential(
            kind="oauth",
            secret=login.access_token,
            source=store.source,
            extra_headers={"anthropic-beta": OAUTH_BETA},
            expires_at=login.expires_at_ms / 1000 if login.expires_at_ms is not None else None,
        )

    async def _refresh(self, store: LoginStore, login: OAuthLogin) -> OAuthLogin:
        what = f"Claude Code's login ({store.where})"
        if login.refresh_token is None:
            raise AuthError(f"{what} has expired and holds no refresh token. {RELOGIN_HELP}")
        shown_url = _shown(self.token_url)
        log.debug("refreshing %s at %s", what, shown_url)
        body = {
            "grant_type": "refresh_token",
            "refresh_token": login.refresh_token,
            "client_id": self._client_id,
        }
        try:
            async with httpx.AsyncClient(
                transport=self._transport,
                timeout=self._http_timeout,
                follow_redirects=False,
                trust_env=True,
            ) as client:
                response = await client.post(
                    self.token_url,
                    json=body,
                    headers={
                        "accept": "application/json",
                        "user-agent": f"claude-py/{__version__}",
                    },
                )
                # Read inside the client: the body is needed below.
                await response.aread()
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            # The exception's text is not used: it may repeat the request.
            raise AuthError(
                f"Could not refresh {what}: the token endpoint {shown_url} could not be reached "
                f"({type(exc).__name__}). Check the network, or: {RELOGIN_HELP}"
            ) from None
        if response.status_code != 200:
            code = _oauth_error_code(response)
            detail = f"HTTP {response.status_code}" + (f", {code}" if code else "")
            raise AuthError(f"Refreshing {what} failed ({detail}). {RELOGIN_HELP}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        access = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(answer, dict) or not isinstance(access, str) or not access.strip():
            raise AuthError(
                f"Refreshing {what} failed: the token endpoint's answer holds no access token. "
                f"{RELOGIN_HELP}"
            )
        rotated = answer.get("refresh_token")
        expires_in = answer.get("expires_in")
        scope = answer.get("scope")
        now_ms = int(self._clock() * 1000)
        fresh = OAuthLogin(
            access_token=access.strip(),
            refresh_token=rotated.strip()
            if isinstance(rotated, str) and rotated.strip()
            else login.refresh_token,
            expires_at_ms=now_ms + int(float(expires_in) * 1000)
            if isinstance(expires_in, int | float) and not isinstance(expires_in, bool)
            else None,
            scopes=tuple(scope.split())
            if isinstance(scope, str) and scope.strip()
            else login.scopes,
            subscription_type=login.subscription_type,
        )
        self._refreshed[store.source] = fresh
        log.info("refreshed %s", what)
        await self._store_back(store, fresh)
        return fresh

    async def _store_back(self, store: LoginStore, fresh: OAuthLogin) -> None:
        update: dict[str, Any] = {
            "accessToken": fresh.access_token,
            "refreshToken": fresh.refresh_token,
            "expiresAt": fresh.expires_at_ms,
        }
        if fresh.scopes is not None:
            update["scopes"] = list(fresh.scopes)
        try:
            # Re-read so keys written by Claude Code since our last read survive.
            document = await store.load() or {}
            previous = document.get("claudeAiOauth")
            document["claudeAiOauth"] = {
                **(previous if isinstance(previous, dict) else {}),
                **update,
            }
            await store.save(document)
        except StoreUnreadable as exc:
            # This process keeps the new tokens in memory; Claude Code will ask to log in again.
            log.warning("the refreshed login could not be stored back: %s", exc)


def _oauth_error_code(response: httpx.Response) -> str | None:
    """The OAuth ``error`` code of a failed answer, if it is a plain identifier."""
    try:
        answer = response.json()
    except ValueError:
        return None
    code = answer.get("error") if isinstance(answer, dict) else None
    # Only a short identifier like invalid_grant: anything else could echo the request.
    return code if isinstance(code, str) and _ERROR_CODE.fullmatch(code) else None


def _shown(url: str) -> str:
    """``url`` without any user:password part or query, for messages."""
    try:
        return str(httpx.URL(url).copy_with(userinfo=b"", query=None, fragment=None))
    except httpx.InvalidURL:
        return "(invalid URL)"
