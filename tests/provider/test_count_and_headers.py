"""count_tokens against a local server (exact) and without one (estimate); headers on the wire."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import pytest
from claude_server.auth import Credential
from claude_server.model import ImageBlock, Message, MessageCompleted, ModelRequest, TextBlock
from claude_server.provider import (
    AnthropicProvider,
    ThinkingConfig,
    build_count_tokens_request,
    estimate_tokens,
)
from fake_anthropic import FakeAnthropic

from ._fixtures import STREAM_FIXTURES
from ._replay_server import ReplayServer, Reply

SECRET = "sk-ant-api03-" + "C0untT3stKey" * 4
CREDENTIAL = Credential(kind="api_key", secret=SECRET, source="env:ANTHROPIC_API_KEY")
BASIC = next(f for f in STREAM_FIXTURES if f.name == "pysdk_basic_response")

REQUEST = ModelRequest(
    model="claude-opus-4-5",
    messages=[Message.user_text("How many tokens is this?")],
    max_tokens=4096,
    system="Count carefully.",
    tools=[{"name": "t", "description": "d", "input_schema": {"type": "object"}}],
    metadata={"user_id": "u"},
    effort="medium",
    betas=["context-1m-2025-08-07"],
)


class BetaCredential(Credential):
    """A credential whose headers carry a beta flag of their own (as an OAuth login does)."""

    __slots__ = ()

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "anthropic-beta": "oauth-2025-04-20"}


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def server() -> AsyncIterator[ReplayServer]:
    async with ReplayServer() as replay:
        yield replay


Factory = Callable[..., AnthropicProvider]


@pytest.fixture
async def make_provider() -> AsyncIterator[Factory]:
    made: list[AnthropicProvider] = []

    def factory(
        base_url: str, credential: Credential = CREDENTIAL, **options: Any
    ) -> AnthropicProvider:
        provider = AnthropicProvider(
            credential, base_url=base_url, connect_timeout=2.0, idle_timeout=5.0, **options
        )
        made.append(provider)
        return provider

    yield factory
    for provider in made:
        await provider.aclose()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def json_reply(body: bytes, status: int = 200) -> Reply:
    return Reply(status=status, body=body, content_type="application/json")


# --- count_tokens -------------------------------------------------------------------------------


async def test_count_tokens_exact(server: ReplayServer, make_provider: Factory) -> None:
    server.queue(json_reply(b'{"input_tokens": 1234}'))
    provider = make_provider(server.url + "/")
    count = await provider.count_tokens(REQUEST)
    assert (count.tokens, count.exact, count.reason) == (1234, True, None)
    [sent] = server.requests
    assert (sent.method, sent.path) == ("POST", "/v1/messages/count_tokens")
    assert sent.json() == build_count_tokens_request(REQUEST).body
    assert "max_tokens" not in sent.json() and "stream" not in sent.json()
    assert sent.json()["output_config"] == {"effort": "medium"}
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["x-api-key"] == SECRET
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.headers["anthropic-beta"] == "context-1m-2025-08-07,effort-2025-11-24"


async def test_count_tokens_against_the_fake_api(
    fake: FakeAnthropic, make_provider: Factory
) -> None:
    provider = make_provider(fake.base_url)
    count = await provider.count_tokens(REQUEST)
    assert count.exact and count.tokens > 0
    [recorded] = fake.requests
    assert recorded.path == "/v1/messages/count_tokens"
    assert fake.remaining == 0  # counting consumed no scripted turn


async def test_count_tokens_with_the_server_down(make_provider: Factory) -> None:
    provider = make_provider(f"http://127.0.0.1:{closed_port()}")
    count = await provider.count_tokens(REQUEST)
    assert not count.exact
    assert count.tokens == estimate_tokens(REQUEST)
    assert count.reason is not None and "connect" in count.reason.lower()
    assert SECRET not in count.reason


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (Reply.error(401, "authentication_error", "invalid x-api-key"), "401"),
        (Reply.error(500, "api_error", "Internal server error"), "500"),
        (Reply.error(404, "not_found_error", "no such endpoint"), "404"),
        (json_reply(b"not json"), "without a token count"),
        (json_reply(b'{"input_tokens": "12"}'), "without a token count"),
        (json_reply(b"[1, 2]"), "without a token count"),
    ],
)
async def test_count_tokens_falls_back_to_an_estimate(
    reply: Reply, says: str, server: ReplayServer, make_provider: Factory
) -> None:
    server.queue(reply)
    count = await make_provider(server.url).count_tokens(REQUEST)
    assert not count.exact
    assert count.tokens == estimate_tokens(REQUEST)
    assert count.reason is not None and says in count.reason
    assert len(server.requests) == 1  # no retries for a count


def test_estimate_tokens() -> None:
    short = ModelRequest(model="m", messages=[Message.user_text("hi")], max_tokens=10)
    long = ModelRequest(model="m", messages=[Message.user_text("word " * 4000)], max_tokens=10)
    assert 1 <= estimate_tokens(short) < 20
    # 20,000 characters of text: about 5,000 tokens plus the JSON around it.
    assert 5000 <= estimate_tokens(long) < 5050
    # Cache markers are not prompt text.
    uncached = ModelRequest(
        model="m", messages=[Message.user_text("word " * 4000)], max_tokens=10, cache=False
    )
    assert estimate_tokens(uncached) == estimate_tokens(long)


def test_estimate_counts_media_by_size_not_base64_text() -> None:
    picture = ImageBlock(
        source={"type": "base64", "media_type": "image/png", "data": "A" * 400_000}
    )
    with_image = ModelRequest(
        model="m",
        messages=[Message(role="user", content=[picture, TextBlock(text="what is this?")])],
        max_tokens=10,
    )
    assert 1600 < estimate_tokens(with_image) < 1650
    pdf = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "A" * 40_000},
    }
    with_pdf = ModelRequest(
        model="m",
        messages=[Message.model_validate({"role": "user", "content": [pdf]})],
        max_tokens=10,
    )
    # 40,000 base64 characters are 30,000 bytes: 7,500 tokens at four per token.
    assert 7500 < estimate_tokens(with_pdf) < 7550


# --- headers of a streamed request --------------------------------------------------------------


async def test_stream_merges_credential_and_request_betas(
    server: ReplayServer, make_provider: Factory
) -> None:
    server.queue(Reply(body=BASIC.body))
    credential = BetaCredential(kind="bearer", secret="oauth-" + "t0k" * 10, source="keyring")
    provider = make_provider(server.url, credential=credential)
    request = ModelRequest(
        model="claude-sonnet-4-5",
        messages=[Message.user_text("hi")],
        max_tokens=4096,
        thinking=ThinkingConfig.budget(2048),
        betas=["oauth-2025-04-20", "context-1m-2025-08-07"],
    )
    assert provider.request_headers(request)["anthropic-beta"] == (
        "oauth-2025-04-20,context-1m-2025-08-07,interleaved-thinking-2025-05-14"
    )
    async with aclosing(provider.stream(request)) as stream:
        events = [event async for event in stream]
    assert isinstance(events[-1], MessageCompleted)
    [sent] = server.requests
    assert sent.headers["anthropic-beta"] == (
        "oauth-2025-04-20,context-1m-2025-08-07,interleaved-thinking-2025-05-14"
    )
    assert sent.headers["authorization"] == f"Bearer {credential.secret}"
    assert sent.headers["accept"] == "text/event-stream"
    assert sent.json()["thinking"] == {"type": "enabled", "budget_tokens": 2048}


async def test_recorded_thinking_goes_back_on_the_next_turn(
    server: ReplayServer, make_provider: Factory
) -> None:
    thinking = next(f for f in STREAM_FIXTURES if f.name == "pydanticai_thinking_part_stream")
    server.queue(Reply(body=thinking.body, chunk_size=97), Reply(body=BASIC.body))
    provider = make_provider(server.url)
    history = [Message.user_text("How do I cross the street?")]
    request = ModelRequest(
        model="claude-sonnet-4-0",
        messages=history,
        max_tokens=4096,
        thinking=ThinkingConfig.budget(1024),
    )
    async with aclosing(provider.stream(request)) as stream:
        first = [event async for event in stream]
    completed = first[-1]
    assert isinstance(completed, MessageCompleted)
    history += [completed.message.as_message(), Message.user_text("And at night?")]
    request.messages = list(history)
    async with aclosing(provider.stream(request)) as stream:
        _ = [event async for event in stream]
    second = server.requests[1].json()
    sent_back = second["messages"][1]["content"]
    expected = thinking.expected["message"]["content"]
    assert sent_back == expected
    assert sent_back[0]["type"] == "thinking" and sent_back[0]["signature"].startswith("EvMC")
