"""Fixtures of the compaction tests: a provider talking to the fake API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from claude_server.auth import Credential
from claude_server.provider import AnthropicProvider
from fake_anthropic import FakeAnthropic


@pytest.fixture
async def provider(fake: FakeAnthropic) -> AsyncIterator[AnthropicProvider]:
    """The real Anthropic provider, pointed at the fake (``fake`` comes from tests/conftest)."""
    client = AnthropicProvider(
        Credential(kind="api_key", secret="sk-test", source="test"),
        base_url=fake.base_url,
        max_attempts=1,
    )
    yield client
    await client.aclose()
