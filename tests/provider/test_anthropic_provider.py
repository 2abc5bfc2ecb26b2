"""AnthropicProvider end to end, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import httpx
import pytest
from claude_server import __version__
from claude_server.auth import Credential
from claude_server.errors import (
    ApiConnectionError,
    ApiError,
    AuthError,
    AuthInvalidError,
    ClaudePyError,
    ConfigError,
    OverloadedError,
    RateLimitedError,
    ServerError,
    StreamError,
)
from claude_server.model import (
    BlockStarted,
    Message,
    MessageCompleted,
    MessageStarted,
    ModelRequest,
    StreamEvent,
    StreamRetrying,
    TextDelta,
)
from claude_server.provider import ANTHROPIC_VERSION, AnthropicProvider

from ._fixtures import (
    ERROR_FIXTURES,
    MESSAGE_FIXTURES,
    STREAM_FIXTURES,
    StreamFixture,
    assert_matches_expected,
)
from ._replay_server import ReplayServer, Reply

SECRET = "sk-ant-api03-" + "Pr1vateT3stKey" * 4
CREDENTIAL = Credential(kind="api_key", secret=SECRET, source="env:ANTHROPIC_API_KEY")

BASIC = next(f for f in STREAM_FIXTURES if f.name == "pysdk_basic_response")
MIDSTREAM_ERROR = next(f for f in ERROR_FIXTURES if "midstream" in f.name)
FIRST_EVENT_ERROR = next(f for f in ERROR_FIXTURES if "first_event" in f.name)

TOOLS = [
    {
        "name": "get_weather",
        "description": "Weather for a city.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
]
REQUEST = ModelRequest(
    model="claude-test-1",
    messages=[Message.user_text("Hello")],
    max_tokens=256,
    system="Answer briefly.",
    tools=TOOLS,
    metadata={"user_id": "user-123"},
)

ProviderFactory = Callable[..., AnthropicProvider]


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # The provider honours proxy settings from the environment; the test server is local.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def server() -> AsyncIterator[ReplayServer]:
    async with ReplayServer() as replay:
        yield replay


@pytest.fixture
async def make_provider(server: ReplayServer) -> AsyncIterator[ProviderFactory]:
    made: list[AnthropicProvider] = []

    def factory(**options: Any) -> AnthropicProvider:
        settings: dict[str, Any] = {
            "base_url": server.url,
            "max_attempts": 3,
            "connect_timeout": 5.0,
            "idle_timeout": 10.0,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
        }
        settings.update(options)
        credential = settings.pop("credential", CREDENTIAL)
        provider = AnthropicProvider(credential, **settings)
        made.append(provider)
        return provider

    yield factory
    for provider in made:
        await provider.aclose()


async def collect(
    provider: AnthropicProvider, request: ModelRequest = REQUEST
) -> tuple[list[StreamEvent], ClaudePyError | None]:
    events: list[StreamEvent] = []
    try:
        async with aclosing(provider.stream(request)) as stream:
            async for event in stream:
                events.append(event)
    except ClaudePyError as exc:
        return events, exc
    return events, None


def retries(events: list[StreamEvent]) -> list[StreamRetrying]:
    return [e for e in events if isinstance(e, StreamRetrying)]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- recorded streams end to end ------------------------------------------------------------


@pytest.mark.parametrize("fixture", MESSAGE_FIXTURES, ids=[f.name for f in MESSAGE_FIXTURES])
async def test_recorded_stream_end_to_end(
    fixture: StreamFixture, server: ReplayServer, make_provider: ProviderFactory
) -> None:
    # Small odd-sized chunks split events, lines and UTF-8 sequences at arbitrary places.
    server.queue(Reply(body=fixture.body, chunk_size=97, chunk_delay=0.0005))
    events, error = await collect(make_provider())
    assert error is None
    assert isinstance(events[-1], MessageCompleted)
    assert_matches_expected(events[-1].message, fixture)
    assert isinstance(events[0], MessageStarted)
    assert len(server.requests) == 1


async def test_recorded_stream_byte_by_byte(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body, chunk_size=1))
    events, error = await collect(make_provider())
    assert error is None
    assert isinstance(events[-1], MessageCompleted)
    assert_matches_expected(events[-1].message, BASIC)


async def test_error_event_after_content_is_raised_not_retried(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(
        Reply(body=MIDSTREAM_ERROR.body, chunk_size=50, headers={"request-id": "req_stream"}),
        Reply(body=BASIC.body),
    )
    events, error = await collect(make_provider())
    assert isinstance(error, OverloadedError)
    assert error.retryable
    assert error.error_type == "overloaded_error"
    assert "Overloaded" in str(error)
    assert error.data["requestId"] == "req_stream"
    # The text delivered before the error reached the caller, and nothing was replayed.
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hello"]
    assert sum(isinstance(e, MessageStarted) for e in events) == 1
    assert retries(events) == []
    assert len(server.requests) == 1


async def test_error_event_before_content_is_retried(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=FIRST_EVENT_ERROR.body), Reply(body=BASIC.body))
    events, error = await collect(make_provider())
    assert error is None
    assert [type(e) for e in events[:2]] == [StreamRetrying, MessageStarted]
    assert "overloaded" in retries(events)[0].reason.lower()
    assert len(server.requests) == 2


async def test_drop_after_message_start_is_retried_without_duplicate_start(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    first_event_end = BASIC.body.index(b"\n\n") + 2  # only message_start gets through
    server.queue(Reply(body=BASIC.body, drop_after=first_event_end), Reply(body=BASIC.body))
    events, error = await collect(make_provider())
    assert error is None
    assert sum(isinstance(e, MessageStarted) for e in events) == 1
    assert isinstance(events[0], StreamRetrying)
    assert isinstance(events[-1], MessageCompleted)
    assert len(server.requests) == 2


# --- what is sent -----------------------------------------------------------------------------


async def test_request_headers_and_body(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body))
    _, error = await collect(make_provider())
    assert error is None
    [sent] = server.requests
    assert sent.method == "POST"
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == SECRET
    assert "authorization" not in sent.headers
    assert sent.headers["anthropic-version"] == ANTHROPIC_VERSION == "2023-06-01"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "text/event-stream"
    assert sent.headers["user-agent"] == f"claude-py/{__version__}"
    # Prompt caching is on by default: the system prompt becomes a marked text block and the
    # newest message carries the rolling breakpoint (tools are never marked).
    ephemeral = {"type": "ephemeral"}
    assert sent.json() == {
        "model": "claude-test-1",
        "max_tokens": 256,
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "Hello", "cache_control": ephemeral}],
            }
        ],
        "system": [{"type": "text", "text": "Answer briefly.", "cache_control": ephemeral}],
        "tools": TOOLS,
        "metadata": {"user_id": "user-123"},
        "stream": True,
    }
    assert "anthropic-beta" not in sent.headers


async def test_optional_fields_are_left_out_and_bearer_is_used(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body))
    bearer = Credential(kind="bearer", secret="oauth-" + "t0ken" * 8, source="env:TOKEN")
    request = ModelRequest(model="m", messages=[Message.user_text("é")], max_tokens=5, cache=False)
    _, error = await collect(make_provider(credential=bearer), request)
    assert error is None
    [sent] = server.requests
    assert sent.headers["authorization"] == f"Bearer {bearer.secret}"
    assert "x-api-key" not in sent.headers
    body = sent.json()
    assert body == {
        "model": "m",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "é"}]}],
        "stream": True,
    }


@pytest.mark.parametrize(
    ("suffix", "path"),
    [
        ("/", "/v1/messages"),
        ("/proxy/anthropic", "/proxy/anthropic/v1/messages"),
        ("/p/", "/p/v1/messages"),
    ],
)
async def test_base_url_forms(
    suffix: str, path: str, server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body))
    provider = make_provider(base_url=server.url + suffix)
    _, error = await collect(provider)
    assert error is None
    assert server.requests[0].path == path
    assert provider.url == server.url + path


# --- error statuses -----------------------------------------------------------------------------


async def test_401_explains_the_refused_key_without_showing_it(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply.error(401, "authentication_error", "invalid x-api-key", request_id="req_a"))
    events, error = await collect(make_provider())
    assert isinstance(error, AuthInvalidError)
    text = str(error)
    assert "ANTHROPIC_API_KEY" in text
    assert "refused" in text
    assert "invalid x-api-key" in text
    assert SECRET not in text
    assert SECRET[-12:] not in text
    assert error.data == {"status": 401, "errorType": "authentication_error", "requestId": "req_a"}
    assert events == []
    assert len(server.requests) == 1  # never retried


@pytest.mark.parametrize(
    ("status", "error_type", "api_message"),
    [
        (400, "invalid_request_error", "max_tokens: must be greater than 0"),
        (403, "permission_error", "Your API key does not have permission to use this model"),
        (404, "not_found_error", "model: claude-nonexistent"),
        (413, "request_too_large", "Request exceeds the maximum allowed number of bytes"),
        (422, "invalid_request_error", "something new"),
    ],
)
async def test_client_errors_carry_the_api_message_and_are_not_retried(
    status: int,
    error_type: str,
    api_message: str,
    server: ReplayServer,
    make_provider: ProviderFactory,
) -> None:
    server.queue(Reply.error(status, error_type, api_message, request_id="req_b"))
    _, error = await collect(make_provider())
    assert type(error) is ApiError
    assert not error.retryable
    assert api_message in str(error)
    assert f"HTTP {status}" in str(error)
    assert (error.status, error.error_type) == (status, error_type)
    assert error.data["requestId"] == "req_b"
    assert len(server.requests) == 1


async def test_error_status_with_a_body_that_is_not_json(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(
        Reply(status=400, body=b"<html>Bad gateway config</html>", content_type="text/html")
    )
    _, error = await collect(make_provider())
    assert isinstance(error, ApiError)
    assert "Bad gateway config" in str(error)


async def test_429_honours_retry_after_and_counts_attempts(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(
        Reply.error(429, "rate_limit_error", "Too many requests", headers={"retry-after": "0.2"}),
        Reply.error(429, "rate_limit_error", "Still too many", headers={"retry-after-ms": "70"}),
        Reply(body=BASIC.body),
    )
    events, error = await collect(make_provider(backoff_base=5.0, backoff_max=5.0))
    assert error is None
    waits = retries(events)
    assert [(r.attempt, r.max_attempts) for r in waits] == [(2, 3), (3, 3)]
    assert [r.delay for r in waits] == [0.2, 0.07]
    assert "Too many requests" in waits[0].reason
    assert isinstance(events[-1], MessageCompleted)
    assert len(server.requests) == 3


async def test_429_exhausted_raises_rate_limited_with_hint(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(
        *[
            Reply.error(429, "rate_limit_error", "slow down", headers={"retry-after": "0.01"})
            for _ in range(2)
        ]
    )
    events, error = await collect(make_provider(max_attempts=2))
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == pytest.approx(0.01)
    assert error.status == 429
    assert len(retries(events)) == 1
    assert len(server.requests) == 2


async def test_overloaded_and_server_errors_are_retried_then_succeed(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(
        Reply.error(529, "overloaded_error", "Overloaded"),
        Reply.error(500, "api_error", "Internal server error"),
        Reply(body=BASIC.body, chunk_size=10),
    )
    events, error = await collect(make_provider())
    assert error is None
    waits = retries(events)
    assert [r.attempt for r in waits] == [2, 3]
    assert "529" in waits[0].reason
    assert "500" in waits[1].reason
    assert isinstance(events[-1], MessageCompleted)
    assert_matches_expected(events[-1].message, BASIC)
    assert len(server.requests) == 3


async def test_retries_exhausted_raise_the_last_error(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(*[Reply.error(529, "overloaded_error", "Overloaded") for _ in range(3)])
    events, error = await collect(make_provider())
    assert isinstance(error, OverloadedError)
    assert error.status == 529
    assert len(retries(events)) == 2
    assert len(server.requests) == 3


async def test_max_attempts_one_never_retries(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply.error(503, "api_error", "unavailable"), Reply(body=BASIC.body))
    events, error = await collect(make_provider(max_attempts=1))
    assert isinstance(error, ServerError) and error.code == "server_error"
    assert events == []
    assert len(server.requests) == 1


class TopOfRange(random.Random):
    """A jitter source that always picks the largest allowed wait."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def test_backoff_delays_grow(server: ReplayServer, make_provider: ProviderFactory) -> None:
    server.queue(*[Reply.error(500, "api_error", "boom") for _ in range(4)])
    provider = make_provider(max_attempts=5, backoff_base=0.01, backoff_max=0.05, rng=TopOfRange())
    server.queue(Reply(body=BASIC.body))
    events, error = await collect(provider)
    assert error is None
    assert [r.delay for r in retries(events)] == [0.01, 0.02, 0.04, 0.05]


async def test_jittered_delays_stay_under_the_exponential_bound(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(*[Reply.error(529, "overloaded_error", "busy") for _ in range(5)])
    server.queue(Reply(body=BASIC.body))
    provider = make_provider(max_attempts=6, backoff_base=0.004, backoff_max=1.0)
    events, error = await collect(provider)
    assert error is None
    for wait in retries(events):
        assert 0 <= wait.delay <= 0.004 * 2 ** (wait.attempt - 2)


# --- transport failures -----------------------------------------------------------------------


async def test_connection_refused_is_retried_then_reported(
    make_provider: ProviderFactory,
) -> None:
    port = closed_port()
    events, error = await collect(make_provider(base_url=f"http://127.0.0.1:{port}"))
    assert isinstance(error, ApiConnectionError)
    assert error.retryable
    assert f"127.0.0.1:{port}" in str(error)
    assert isinstance(error.__cause__, httpx.ConnectError)  # kept for debugging
    assert [r.attempt for r in retries(events)] == [2, 3]
    assert all(isinstance(e, StreamRetrying) for e in events)


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
async def test_drop_mid_stream_is_a_stream_error(
    reset: bool, server: ReplayServer, make_provider: ProviderFactory
) -> None:
    cut = BASIC.body.index(b"text_delta") + 60  # after the first text delta
    server.queue(Reply(body=BASIC.body, drop_after=cut, reset=reset), Reply(body=BASIC.body))
    events, error = await collect(make_provider())
    assert isinstance(error, StreamError)
    assert error.retryable
    assert any(isinstance(e, TextDelta) for e in events)
    assert not any(isinstance(e, MessageCompleted) for e in events)
    assert len(server.requests) == 1  # content was delivered: no silent replay


async def test_stream_that_stops_without_message_stop(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    # A cleanly finished HTTP body that lacks the end of the message.
    body = BASIC.body[: BASIC.body.index(b"event: message_stop")]
    server.queue(Reply(body=body))
    events, error = await collect(make_provider())
    assert isinstance(error, StreamError)
    assert "before the message was complete" in str(error)
    assert any(isinstance(e, BlockStarted) for e in events)


async def test_stalled_stream_hits_the_idle_timeout(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    cut = BASIC.body.index(b"text_delta") + 60
    server.queue(Reply(body=BASIC.body, stall_after=cut))
    events, error = await collect(make_provider(idle_timeout=0.3))
    assert isinstance(error, StreamError)
    assert "no data for 0.3s" in str(error)
    assert any(isinstance(e, TextDelta) for e in events)


async def test_stall_before_any_event_is_retried(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body, stall_after=0), Reply(body=BASIC.body))
    events, error = await collect(make_provider(idle_timeout=0.3))
    assert error is None
    assert len(retries(events)) == 1
    assert "stalled" in retries(events)[0].reason


async def test_success_that_is_not_an_event_stream(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(
        *[Reply(body=b'{"type": "message"}', content_type="application/json") for _ in range(2)]
    )
    _, error = await collect(make_provider(max_attempts=2))
    assert isinstance(error, StreamError)
    assert "application/json" in str(error)


async def test_abandoning_the_stream_closes_the_response(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body, chunk_size=20, chunk_delay=0.01), Reply(body=BASIC.body))
    provider = make_provider()
    async with aclosing(provider.stream(REQUEST)) as stream:
        async for event in stream:
            if isinstance(event, TextDelta):
                break
    # The provider is still usable afterwards.
    events, error = await collect(provider)
    assert error is None
    assert isinstance(events[-1], MessageCompleted)


async def test_cancellation_propagates(
    server: ReplayServer, make_provider: ProviderFactory
) -> None:
    server.queue(Reply(body=BASIC.body, stall_after=0))
    task = asyncio.create_task(collect(make_provider()))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# --- the credential never leaks -------------------------------------------------------------


async def test_credential_never_appears_in_errors_or_logs(
    server: ReplayServer, make_provider: ProviderFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = f"invalid x-api-key: {SECRET}"  # a hostile or buggy server echoing the key back
    scenarios: list[tuple[list[Reply], dict[str, Any]]] = [
        ([Reply.error(401, "authentication_error", echo)], {}),
        ([Reply.error(400, "invalid_request_error", echo)], {}),
        ([Reply.error(500, "api_error", echo) for _ in range(2)], {"max_attempts": 2}),
        ([Reply.error(429, "rate_limit_error", echo) for _ in range(2)], {"max_attempts": 2}),
        ([Reply(status=502, body=echo.encode(), content_type="text/plain")], {"max_attempts": 1}),
        ([Reply(body=BASIC.body, drop_after=300)], {"max_attempts": 1}),
        (
            [
                Reply(
                    body=b'data: {"type":"error","error":{"type":"api_error","message":"'
                    + SECRET.encode()
                    + b'"}}\n\n'
                )
            ],
            {"max_attempts": 1},
        ),
        ([], {"base_url": f"http://127.0.0.1:{closed_port()}", "max_attempts": 2}),
    ]
    seen: list[str] = []
    for replies, options in scenarios:
        server.queue(*replies)
        provider = make_provider(**options)
        seen.append(repr(provider))
        events, error = await collect(provider)
        assert error is not None
        seen += [str(error), repr(error), json.dumps(error.to_dict()), repr(error.args)]
        cause = error.__cause__
        while cause is not None:
            seen += [str(cause), repr(cause)]
            cause = cause.__cause__
        seen += [repr(event) for event in events]
    seen.append(caplog.text)
    seen += [record.getMessage() for record in caplog.records]
    assert caplog.records  # the provider (and httpx) did log something
    for text in seen:
        assert SECRET not in text
    assert any("<redacted>" in text for text in seen)


# --- construction -------------------------------------------------------------------------------


@pytest.mark.parametrize("base_url", ["api.anthropic.com", "ftp://example.com", "http://"])
def test_bad_base_url_is_a_config_error(base_url: str) -> None:
    with pytest.raises(ConfigError, match="base URL"):
        AnthropicProvider(CREDENTIAL, base_url=base_url)


def test_bad_max_attempts_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="max_attempts"):
        AnthropicProvider(CREDENTIAL, max_attempts=0)


@pytest.mark.parametrize("secret", [SECRET + "\n", SECRET + "é", "sk-ant\x00" + SECRET])
def test_unsendable_credential_is_reported_without_showing_it(secret: str) -> None:
    credential = Credential(kind="api_key", secret=secret, source="env:ANTHROPIC_API_KEY")
    with pytest.raises(AuthError, match="cannot be sent") as caught:
        AnthropicProvider(credential)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)


async def test_repr_hides_secret_and_url_password() -> None:
    provider = AnthropicProvider(CREDENTIAL, base_url="https://user:hunter2pass@proxy.test/api/")
    try:
        text = repr(provider)
        assert SECRET not in text
        assert "hunter2pass" not in text
        assert provider.url == "https://proxy.test/api/v1/messages"
    finally:
        await provider.aclose()
