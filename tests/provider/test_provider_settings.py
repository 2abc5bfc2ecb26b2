"""Provider settings from the environment: defaults, values, errors that name the variable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest
from claude_server.auth import Credential
from claude_server.errors import ClaudePyError, ConfigError
from claude_server.model import Message, ModelRequest
from claude_server.provider import ProviderSettings, provider_from_env

from ._fixtures import STREAM_FIXTURES
from ._replay_server import ReplayServer, Reply

CREDENTIAL = Credential(kind="api_key", secret="sk-settings-test", source="test")
BASIC = next(f for f in STREAM_FIXTURES if f.name == "pysdk_basic_response")


def test_defaults() -> None:
    assert ProviderSettings.from_env({}) == ProviderSettings(
        base_url="https://api.anthropic.com",
        max_attempts=3,
        connect_timeout=10.0,
        idle_timeout=120.0,
    )
    blank = {
        "ANTHROPIC_BASE_URL": "  ",
        "CLAUDE_PY_MAX_ATTEMPTS": "",
        "CLAUDE_PY_CONNECT_TIMEOUT": " ",
        "CLAUDE_PY_IDLE_TIMEOUT": "",
    }
    assert ProviderSettings.from_env(blank) == ProviderSettings()


def test_values() -> None:
    env = {
        "ANTHROPIC_BASE_URL": " http://127.0.0.1:8080/proxy ",
        "CLAUDE_PY_MAX_ATTEMPTS": " 5 ",
        "CLAUDE_PY_CONNECT_TIMEOUT": "2.5",
        "CLAUDE_PY_IDLE_TIMEOUT": "600",
        "UNRELATED": "x",
    }
    assert ProviderSettings.from_env(env) == ProviderSettings(
        base_url="http://127.0.0.1:8080/proxy",
        max_attempts=5,
        connect_timeout=2.5,
        idle_timeout=600.0,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLAUDE_PY_MAX_ATTEMPTS", "three"),
        ("CLAUDE_PY_MAX_ATTEMPTS", "0"),
        ("CLAUDE_PY_MAX_ATTEMPTS", "-2"),
        ("CLAUDE_PY_MAX_ATTEMPTS", "2.5"),
        ("CLAUDE_PY_CONNECT_TIMEOUT", "soon"),
        ("CLAUDE_PY_CONNECT_TIMEOUT", "0"),
        ("CLAUDE_PY_CONNECT_TIMEOUT", "-1"),
        ("CLAUDE_PY_CONNECT_TIMEOUT", "nan"),
        ("CLAUDE_PY_IDLE_TIMEOUT", "inf"),
        ("CLAUDE_PY_IDLE_TIMEOUT", "10s"),
        ("ANTHROPIC_BASE_URL", "ftp://example.com"),
        ("ANTHROPIC_BASE_URL", "not a url"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ProviderSettings.from_env({name: value})
    assert caught.value.message.startswith(name)
    assert caught.value.code == "config_invalid"


async def test_provider_from_env_applies_the_settings() -> None:
    env = {
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/base/",
        "CLAUDE_PY_MAX_ATTEMPTS": "7",
        "CLAUDE_PY_CONNECT_TIMEOUT": "1.5",
        "CLAUDE_PY_IDLE_TIMEOUT": "42",
    }
    provider = provider_from_env(env, CREDENTIAL)
    try:
        assert provider.url == "http://127.0.0.1:9/base/v1/messages"
        assert provider.retry_policy.max_attempts == 7
        timeout = provider._client.timeout
        assert (timeout.connect, timeout.read, timeout.pool) == (1.5, 42.0, 1.5)
    finally:
        await provider.aclose()


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def server() -> AsyncIterator[ReplayServer]:
    async with ReplayServer() as replay:
        yield replay


async def test_idle_timeout_from_env_ends_a_stalled_stream(server: ReplayServer) -> None:
    server.queue(Reply(body=BASIC.body, stall_after=len(BASIC.body) // 2))
    env = {
        "ANTHROPIC_BASE_URL": server.url,
        "CLAUDE_PY_MAX_ATTEMPTS": "1",
        "CLAUDE_PY_IDLE_TIMEOUT": "0.3",
    }
    provider = provider_from_env(env, CREDENTIAL)
    request = ModelRequest(model="m", messages=[Message.user_text("hi")], max_tokens=8)

    async def drain() -> None:
        async with aclosing(provider.stream(request)) as stream:
            async for _ in stream:
                pass

    try:
        with pytest.raises(ClaudePyError) as caught:
            await drain()
    finally:
        await provider.aclose()
    assert caught.value.retryable
    assert "0.3" in caught.value.message
