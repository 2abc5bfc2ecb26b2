"""Claude Code's OAuth login from ~/.claude/.credentials.json, refreshed against a local server."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
from pathlib import Path

import pytest
from claude_server.auth import OAUTH_BETA, OAUTH_CLIENT_ID, CredentialResolver
from claude_server.errors import AuthError

from ._support import Clock, TokenServer, base_env, no_keyring, oauth_document, write_credentials

HOUR_MS = 3_600_000


def make(
    tmp_path: Path,
    clock: Clock,
    token_server: TokenServer | None = None,
    env: dict[str, str] | None = None,
) -> CredentialResolver:
    return CredentialResolver(
        env if env is not None else base_env(),
        home=tmp_path,
        keyring_backend=no_keyring(),
        token_url=token_server.url if token_server is not None else None,
        clock=clock,
    )


def now_ms(clock: Clock) -> int:
    return int(clock.now * 1000)


async def test_valid_token_is_used_with_the_beta_header(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) + HOUR_MS))
    resolver = make(tmp_path, clock, token_server)
    credential = await resolver.resolve()
    assert credential.source == "claude-code-oauth:file"
    assert credential.kind == "oauth"
    assert credential.headers() == {
        "authorization": "Bearer sk-ant-oat01-access",
        "anthropic-beta": OAUTH_BETA,
    }
    assert credential.expires_at == pytest.approx(clock.now + 3600, abs=0.01)
    assert token_server.requests == []
    status = await resolver.status()
    assert status.source == "claude-code-oauth:file" and status.kind == "oauth"
    assert status.subscription_type == "max"
    assert status.expires_at_ms == now_ms(clock) + HOUR_MS
    assert status.to_dict()["expiresAt"] == now_ms(clock) + HOUR_MS


async def test_expired_token_is_refreshed_and_stored_back(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    path = write_credentials(
        tmp_path,
        oauth_document(
            expires_at_ms=now_ms(clock) - 1000, otherTool={"keep": True}, mcpOAuth={"x": 1}
        ),
    )
    token_server.reply(
        200,
        {
            "access_token": "sk-ant-oat01-new",
            "refresh_token": "sk-ant-ort01-rotated",
            "expires_in": 28800,
            "token_type": "Bearer",
        },
    )
    credential = await make(tmp_path, clock, token_server).resolve()
    assert credential.secret == "sk-ant-oat01-new"
    assert credential.headers()["anthropic-beta"] == OAUTH_BETA
    [request] = token_server.requests
    assert request.path == "/v1/oauth/token"
    assert request.headers["content-type"] == "application/json"
    assert request.body == {
        "grant_type": "refresh_token",
        "refresh_token": "sk-ant-ort01-refresh",
        "client_id": OAUTH_CLIENT_ID,
    }
    document = json.loads(path.read_text())
    assert document["otherTool"] == {"keep": True} and document["mcpOAuth"] == {"x": 1}
    assert document["claudeAiOauth"] == {
        "accessToken": "sk-ant-oat01-new",
        "refreshToken": "sk-ant-ort01-rotated",
        "expiresAt": now_ms(clock) + 28800 * 1000,
        "scopes": ["user:inference", "user:profile"],
        "subscriptionType": "max",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [".credentials.json"]
    # The stored token is fresh now: no second refresh.
    assert (await make(tmp_path, clock, token_server).resolve()).secret == "sk-ant-oat01-new"
    assert len(token_server.requests) == 1


async def test_token_close_to_expiry_is_refreshed_early(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) + 120_000))
    token_server.reply(200, {"access_token": "sk-ant-oat01-new", "expires_in": 3600})
    resolver = make(tmp_path, clock, token_server)
    assert "refreshed on next use" in (await resolver.status()).sources[-1].detail
    assert (await resolver.resolve()).secret == "sk-ant-oat01-new"
    # No refresh_token in the answer: the old one stays.
    stored = json.loads((tmp_path / ".claude" / ".credentials.json").read_text())
    assert stored["claudeAiOauth"]["refreshToken"] == "sk-ant-ort01-refresh"


async def test_concurrent_resolves_refresh_once(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) - 1))
    token_server.delay = 0.2
    token_server.reply(200, {"access_token": "sk-ant-oat01-new", "expires_in": 3600})
    resolver = make(tmp_path, clock, token_server)
    credentials = await asyncio.gather(*(resolver.resolve() for _ in range(4)))
    assert {c.secret for c in credentials} == {"sk-ant-oat01-new"}
    assert len(token_server.requests) == 1


async def test_invalidate_after_401_refreshes_a_valid_looking_token(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) + HOUR_MS))
    token_server.reply(200, {"access_token": "sk-ant-oat01-new", "expires_in": 3600})
    resolver = make(tmp_path, clock, token_server)
    refused = await resolver.resolve()
    assert token_server.requests == []
    await resolver.invalidate(refused)
    assert (await resolver.resolve()).secret == "sk-ant-oat01-new"
    assert (await resolver.resolve()).secret == "sk-ant-oat01-new"
    assert len(token_server.requests) == 1


async def test_refresh_failure_says_how_to_log_in_again(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    path = write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) - 1))
    before = path.read_bytes()
    token_server.reply(
        400,
        {"error": "invalid_grant", "error_description": "bad token sk-ant-ort01-refresh"},
    )
    with pytest.raises(AuthError) as caught:
        await make(tmp_path, clock, token_server).resolve()
    message = str(caught.value)
    assert "claude /login" in message and "ANTHROPIC_API_KEY" in message
    assert "HTTP 400, invalid_grant" in message
    assert "sk-ant-ort01" not in message and "sk-ant-oat01" not in message
    assert path.read_bytes() == before


async def test_unreachable_token_endpoint(tmp_path: Path, clock: Clock) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) - 1))
    env = base_env(CLAUDE_PY_OAUTH_TOKEN_URL=f"http://127.0.0.1:{port}/token")
    with pytest.raises(AuthError, match="could not be reached") as caught:
        await make(tmp_path, clock, env=env).resolve()
    assert "claude /login" in str(caught.value)


async def test_token_url_from_the_environment(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) - 1))
    token_server.reply(200, {"access_token": "sk-ant-oat01-new", "expires_in": 60})
    env = base_env(CLAUDE_PY_OAUTH_TOKEN_URL=token_server.url)
    assert (await make(tmp_path, clock, env=env).resolve()).secret == "sk-ant-oat01-new"


async def test_answer_without_access_token(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) - 1))
    token_server.reply(200, b"not json")
    with pytest.raises(AuthError, match="holds no access token"):
        await make(tmp_path, clock, token_server).resolve()


async def test_expired_without_refresh_token(tmp_path: Path, clock: Clock) -> None:
    write_credentials(tmp_path, oauth_document(refresh=None, expires_at_ms=now_ms(clock) - 1))
    with pytest.raises(AuthError, match=r"no refresh token.*claude /login"):
        await make(tmp_path, clock).resolve()


async def test_claude_config_dir_moves_the_file(tmp_path: Path, clock: Clock) -> None:
    config = tmp_path / "elsewhere"
    config.mkdir()
    (config / ".credentials.json").write_text(
        json.dumps(oauth_document(access="sk-ant-oat01-moved", expires_at_ms=None))
    )
    resolver = make(tmp_path, clock, env=base_env(CLAUDE_CONFIG_DIR=str(config)))
    assert resolver.credentials_file == config / ".credentials.json"
    assert (await resolver.resolve()).secret == "sk-ant-oat01-moved"


async def test_symlinked_file_is_updated_through_the_link(
    tmp_path: Path, clock: Clock, token_server: TokenServer
) -> None:
    real = tmp_path / "dotfiles" / "credentials.json"
    real.parent.mkdir()
    real.write_text(json.dumps(oauth_document(expires_at_ms=now_ms(clock) - 1)))
    (tmp_path / ".claude").mkdir()
    link = tmp_path / ".claude" / ".credentials.json"
    link.symlink_to(real)
    token_server.reply(200, {"access_token": "sk-ant-oat01-new", "expires_in": 60})
    await make(tmp_path, clock, token_server).resolve()
    assert link.is_symlink()
    assert json.loads(real.read_text())["claudeAiOauth"]["accessToken"] == "sk-ant-oat01-new"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json sk-ant-oat01-inside", "not valid JSON"),
        ("[]", "does not hold a JSON object"),
        ("{}", "no claudeAiOauth"),
        ('{"claudeAiOauth": {"refreshToken": "sk-ant-ort01-x"}}', "no access token"),
    ],
)
async def test_unusable_files_are_explained(
    tmp_path: Path, clock: Clock, content: str, reason: str
) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / ".credentials.json").write_text(content)
    resolver = make(tmp_path, clock)
    status = await resolver.status()
    assert status.source == "none"
    assert reason in status.sources[-1].detail
    with pytest.raises(AuthError, match=reason) as caught:
        await resolver.resolve()
    assert "sk-ant" not in str(caught.value)


async def test_login_without_inference_scope_is_not_used(tmp_path: Path, clock: Clock) -> None:
    write_credentials(
        tmp_path,
        oauth_document(expires_at_ms=now_ms(clock) + HOUR_MS, scopes=["org:create_api_key"]),
    )
    with pytest.raises(AuthError, match="user:inference"):
        await make(tmp_path, clock).resolve()


async def test_base_url_override_applies_to_oauth(tmp_path: Path, clock: Clock) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) + HOUR_MS))
    resolver = make(tmp_path, clock, env=base_env(ANTHROPIC_BASE_URL="http://127.0.0.1:9/"))
    assert (await resolver.resolve()).source == "claude-code-oauth:file"
    assert resolver.base_url == "http://127.0.0.1:9/"
    assert (await resolver.status()).base_url == "http://127.0.0.1:9/"


async def test_env_sources_win_over_the_login(tmp_path: Path, clock: Clock) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=now_ms(clock) + HOUR_MS))
    env = base_env(ANTHROPIC_AUTH_TOKEN="tok")
    resolver = make(tmp_path, clock, env=env)
    assert (await resolver.resolve()).source == "env:ANTHROPIC_AUTH_TOKEN"
    status = await resolver.status()
    assert status.source == "env:ANTHROPIC_AUTH_TOKEN"
    assert status.subscription_type is None
    assert status.sources[-1].available
