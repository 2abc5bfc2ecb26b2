"""Environment sources, precedence, the no-credential error and the base URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from claude_server.auth import (
    MISSING_CREDENTIAL_HELP,
    SOURCES,
    Credential,
    CredentialResolver,
    resolve_credential,
)
from claude_server.errors import AuthError

from ._support import base_env, no_keyring


def resolver(tmp_path: Path, env: dict[str, str]) -> CredentialResolver:
    """A resolver whose keyring is the ``fail`` backend and whose home is empty."""
    return CredentialResolver(env, home=tmp_path, keyring_backend=no_keyring())


async def test_api_key_goes_in_x_api_key(tmp_path: Path) -> None:
    credential = await resolver(tmp_path, base_env(ANTHROPIC_API_KEY=" sk-ant-api-1 \n")).resolve()
    assert credential.kind == "api_key"
    assert credential.source == "env:ANTHROPIC_API_KEY"
    assert credential.headers() == {"x-api-key": "sk-ant-api-1"}


async def test_auth_token_goes_in_bearer(tmp_path: Path) -> None:
    credential = await resolver(tmp_path, base_env(ANTHROPIC_AUTH_TOKEN="tok-1")).resolve()
    assert credential.kind == "bearer"
    assert credential.source == "env:ANTHROPIC_AUTH_TOKEN"
    assert credential.headers() == {"authorization": "Bearer tok-1"}


async def test_api_key_wins_over_auth_token(tmp_path: Path) -> None:
    env = base_env(ANTHROPIC_API_KEY="sk-ant-api-1", ANTHROPIC_AUTH_TOKEN="tok-1")
    credential = await resolver(tmp_path, env).resolve()
    assert credential.source == "env:ANTHROPIC_API_KEY"
    status = await resolver(tmp_path, env).status()
    assert status.source == "env:ANTHROPIC_API_KEY"
    available = {s.name: s.available for s in status.sources}
    assert available["env:ANTHROPIC_API_KEY"] and available["env:ANTHROPIC_AUTH_TOKEN"]


async def test_blank_variables_count_as_unset(tmp_path: Path) -> None:
    env = base_env(ANTHROPIC_API_KEY="  ", ANTHROPIC_AUTH_TOKEN="tok-1")
    assert (await resolver(tmp_path, env).resolve()).source == "env:ANTHROPIC_AUTH_TOKEN"


async def test_no_credential_lists_every_source(tmp_path: Path) -> None:
    with pytest.raises(AuthError) as caught:
        await resolver(tmp_path, base_env()).resolve()
    message = str(caught.value)
    assert "ANTHROPIC_API_KEY" in message and "claude /login" in message
    for name in SOURCES:
        assert name in message
    assert "no usable keyring backend" in message
    assert str(tmp_path / ".claude" / ".credentials.json") in message
    assert list(caught.value.data["sources"]) == list(SOURCES)
    assert caught.value.to_dict()["code"] == "auth_missing"
    status = await resolver(tmp_path, base_env()).status()
    assert status.source == "none" and status.kind is None
    assert not any(s.available for s in status.sources)


def test_sync_env_only_resolver_still_works() -> None:
    assert resolve_credential({"ANTHROPIC_API_KEY": "k"}).headers() == {"x-api-key": "k"}
    assert resolve_credential({"ANTHROPIC_AUTH_TOKEN": "t"}).kind == "bearer"
    with pytest.raises(AuthError, match="ANTHROPIC_API_KEY"):
        resolve_credential({})
    assert "ANTHROPIC_API_KEY" in MISSING_CREDENTIAL_HELP


async def test_base_url_default_and_override(tmp_path: Path) -> None:
    plain = resolver(tmp_path, base_env(ANTHROPIC_API_KEY="k"))
    assert plain.base_url == "https://api.anthropic.com"
    assert (await plain.status()).base_url == "https://api.anthropic.com"
    env = base_env(
        ANTHROPIC_AUTH_TOKEN="t", ANTHROPIC_BASE_URL="https://user:hunter2@gw.example/api "
    )
    custom = resolver(tmp_path, env)
    assert custom.base_url == "https://user:hunter2@gw.example/api"
    shown = (await custom.status()).base_url
    assert shown == "https://gw.example/api" and "hunter2" not in shown


def test_credential_repr_and_headers() -> None:
    credential = Credential(
        kind="oauth",
        secret="sk-ant-oat01-zzz",
        source="claude-code-oauth:file",
        extra_headers={"Anthropic-Beta": "oauth-2025-04-20"},
    )
    assert "zzz" not in repr(credential) and "zzz" not in str(credential)
    assert credential.headers() == {
        "authorization": "Bearer sk-ant-oat01-zzz",
        "anthropic-beta": "oauth-2025-04-20",
    }
    # Positional construction of the original three fields keeps working.
    assert Credential("api_key", "k", "x").headers() == {"x-api-key": "k"}


async def test_env_credential_never_touches_the_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the default backend (keyring's choice), an env key resolves without keyring at all.
    def no_keyring_please() -> None:
        raise AssertionError("the keyring was consulted")

    monkeypatch.setattr("claude_server.auth._keyring._default_backend", no_keyring_please)
    resolver = CredentialResolver(base_env(ANTHROPIC_API_KEY="k"), home=tmp_path)
    assert (await resolver.resolve()).source == "env:ANTHROPIC_API_KEY"


def test_importing_auth_does_not_import_keyring() -> None:
    code = "import sys, claude_server.auth; print('keyring' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
