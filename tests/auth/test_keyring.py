"""The keyring sources against a real Secret Service (gnome-keyring on a private D-Bus bus)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from claude_server.auth import (
    CLAUDE_CODE_KEYCHAIN_SERVICE,
    KEYRING_SERVICE,
    KEYRING_USERNAME,
    OAUTH_BETA,
    CredentialResolver,
)
from claude_server.errors import AuthError
from keyring.backend import KeyringBackend
from support.system import require_program

from ._support import Clock, TokenServer, base_env, no_keyring, oauth_document, write_credentials

HOUR_MS = 3_600_000


def make(
    tmp_path: Path,
    backend: KeyringBackend,
    *,
    env: dict[str, str] | None = None,
    user: str | None = "tester",
    token_server: TokenServer | None = None,
    clock: Clock | None = None,
) -> CredentialResolver:
    return CredentialResolver(
        env if env is not None else base_env(),
        home=tmp_path,
        keyring_backend=backend,
        user=user,
        token_url=token_server.url if token_server is not None else None,
        clock=clock or Clock(),
    )


def secret_tool_lookup(service: str, username: str) -> str | None:
    """Read an entry with libsecret's own CLI, independently of the keyring package."""
    tool = require_program("secret-tool", "apt-get install libsecret-tools")
    result = subprocess.run(
        [tool, "lookup", "service", service, "username", username],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=20,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


async def test_login_status_resolve_logout(tmp_path: Path, secret_service: KeyringBackend) -> None:
    resolver = make(tmp_path, secret_service)
    assert (await resolver.status()).source == "none"

    status = await resolver.login("  sk-ant-api03-stored-key\n")
    assert status.source == "keyring:claude-py" and status.kind == "api_key"
    assert status.keyring_backend is not None and "SecretService" in status.keyring_backend
    # Really in the Secret Service, under the documented service and user names.
    assert secret_tool_lookup(KEYRING_SERVICE, KEYRING_USERNAME) == "sk-ant-api03-stored-key"

    credential = await resolver.resolve()
    assert credential.source == "keyring:claude-py"
    assert credential.headers() == {"x-api-key": "sk-ant-api03-stored-key"}
    # A second resolver (a restarted daemon) finds it too.
    assert (await make(tmp_path, secret_service).resolve()).secret == "sk-ant-api03-stored-key"

    assert await resolver.logout() is True
    assert secret_service.get_password(KEYRING_SERVICE, KEYRING_USERNAME) is None
    assert (await resolver.status()).source == "none"
    assert await resolver.logout() is False


async def test_login_replaces_the_stored_key(
    tmp_path: Path, secret_service: KeyringBackend
) -> None:
    resolver = make(tmp_path, secret_service)
    await resolver.login("sk-ant-api03-first")
    await resolver.login("sk-ant-api03-second")
    assert (await resolver.resolve()).secret == "sk-ant-api03-second"


async def test_env_key_still_wins_after_login(
    tmp_path: Path, secret_service: KeyringBackend
) -> None:
    resolver = make(tmp_path, secret_service, env=base_env(ANTHROPIC_API_KEY="sk-ant-env"))
    status = await resolver.login("sk-ant-api03-stored")
    assert status.source == "env:ANTHROPIC_API_KEY"
    keyring_source = next(s for s in status.sources if s.name == "keyring:claude-py")
    assert keyring_source.available and keyring_source.detail == "key stored"
    assert (await resolver.resolve()).secret == "sk-ant-env"


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("   ", "empty"),
        ("sk-ant-api03 with spaces", "spaces"),
        ("sk-ant-api03-\u00e9", "non-ASCII"),
        ("sk-ant-oat01-oauth-token", "OAuth token"),
        ("k" * 2000, "longer than"),
    ],
)
async def test_login_refuses_what_is_not_a_key(
    tmp_path: Path, secret_service: KeyringBackend, key: str, reason: str
) -> None:
    with pytest.raises(AuthError, match=reason) as caught:
        await make(tmp_path, secret_service).login(key)
    assert key.strip() not in str(caught.value) or not key.strip()
    assert secret_service.get_password(KEYRING_SERVICE, KEYRING_USERNAME) is None


async def test_without_a_usable_keyring(tmp_path: Path) -> None:
    resolver = make(tmp_path, no_keyring())
    with pytest.raises(AuthError) as caught:
        await resolver.login("sk-ant-api03-key")
    message = str(caught.value)
    assert "Secret Service" in message and "PYTHON_KEYRING_BACKEND" in message
    assert "ANTHROPIC_API_KEY" in message and "sk-ant-api03-key" not in message
    assert await resolver.logout() is False
    status = await resolver.status()
    detail = {s.name: s.detail for s in status.sources}
    assert "no usable keyring backend" in detail["keyring:claude-py"]
    assert "no usable keyring backend" in detail["claude-code-oauth:keyring"]


async def test_claude_code_keychain_entry(tmp_path: Path, secret_service: KeyringBackend) -> None:
    clock = Clock()
    document = oauth_document(
        access="sk-ant-oat01-keychain", expires_at_ms=int(clock.now * 1000) + HOUR_MS
    )
    secret_service.set_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester", json.dumps(document))
    resolver = make(tmp_path, secret_service, clock=clock)
    credential = await resolver.resolve()
    assert credential.source == "claude-code-oauth:keyring"
    assert credential.headers() == {
        "authorization": "Bearer sk-ant-oat01-keychain",
        "anthropic-beta": OAUTH_BETA,
    }
    status = await resolver.status()
    assert status.source == "claude-code-oauth:keyring" and status.subscription_type == "max"
    # Found under another account name too (the user name may differ from the login name).
    other = make(tmp_path, secret_service, user="somebody-else", clock=clock)
    assert (await other.resolve()).secret == "sk-ant-oat01-keychain"
    # logout removes only what claude-py stored.
    assert await resolver.logout() is False
    assert secret_service.get_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester") is not None


async def test_keychain_login_is_refreshed_into_the_same_entry(
    tmp_path: Path, secret_service: KeyringBackend, token_server: TokenServer
) -> None:
    clock = Clock()
    document = oauth_document(
        access="sk-ant-oat01-old",
        refresh="sk-ant-ort01-old",
        expires_at_ms=int(clock.now * 1000) - 1,
        organization={"uuid": "o-1"},
    )
    secret_service.set_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester", json.dumps(document))
    token_server.reply(
        200,
        {"access_token": "sk-ant-oat01-new", "refresh_token": "sk-ant-ort01-new", "expires_in": 60},
    )
    resolver = make(
        tmp_path, secret_service, user="other-name", token_server=token_server, clock=clock
    )
    assert (await resolver.resolve()).secret == "sk-ant-oat01-new"
    assert token_server.requests[0].body["refresh_token"] == "sk-ant-ort01-old"
    # Written back to the entry it came from (account "tester"), other keys kept.
    stored = json.loads(secret_service.get_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester") or "")
    assert stored["organization"] == {"uuid": "o-1"}
    assert stored["claudeAiOauth"]["accessToken"] == "sk-ant-oat01-new"
    assert stored["claudeAiOauth"]["refreshToken"] == "sk-ant-ort01-new"
    assert stored["claudeAiOauth"]["expiresAt"] == int(clock.now * 1000) + 60_000
    assert secret_service.get_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "other-name") is None


async def test_keyring_precedence(tmp_path: Path, secret_service: KeyringBackend) -> None:
    expires = int(time.time() * 1000) + HOUR_MS
    write_credentials(tmp_path, oauth_document(access="sk-ant-oat01-file", expires_at_ms=expires))
    resolver = make(tmp_path, secret_service)
    assert (await resolver.resolve()).source == "claude-code-oauth:file"

    keychain = oauth_document(access="sk-ant-oat01-keychain", expires_at_ms=expires)
    secret_service.set_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester", json.dumps(keychain))
    assert (await resolver.resolve()).source == "claude-code-oauth:keyring"

    await resolver.login("sk-ant-api03-mine")
    assert (await resolver.resolve()).source == "keyring:claude-py"
    status = await resolver.status()
    assert status.source == "keyring:claude-py"
    assert [s.available for s in status.sources] == [False, False, False, True, True, True]
    # The status shows no OAuth details when an API key is in use.
    assert status.subscription_type is None and status.expires_at_ms is None

    await resolver.logout()
    assert (await resolver.resolve()).source == "claude-code-oauth:keyring"


async def test_garbage_in_claude_code_entry_falls_back_to_the_file(
    tmp_path: Path, secret_service: KeyringBackend
) -> None:
    write_credentials(tmp_path, oauth_document(access="sk-ant-oat01-file", expires_at_ms=None))
    secret_service.set_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester", "sk-ant-oat01-garbage{")
    resolver = make(tmp_path, secret_service)
    assert (await resolver.resolve()).source == "claude-code-oauth:file"
    status = await resolver.status()
    detail = next(s.detail for s in status.sources if s.name == "claude-code-oauth:keyring")
    assert "not valid JSON" in detail and "garbage" not in detail
