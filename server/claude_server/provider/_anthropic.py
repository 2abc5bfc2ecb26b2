"""The Anthropic Messages API as a :class:`~claude_server.model.Provider`, over httpx.

One call to :meth:`AnthropicProvider.stream` is one model response: a streaming
``POST /v1/messages`` whose Server-Sent Events are decoded (:mod:`._sse`) and accumulated
(:mod:`._accumulate`) into stream events, ending with ``MessageCompleted``.

Retries. An attempt that fails with a retryable error (429, 529 and other 5xx statuses,
connection failures, timeouts, a broken or stalled stream, an ``overloaded_error`` event) is
tried again, up to ``max_attempts`` attempts in all. Before each retry the stream yields
``StreamRetrying(attempt, max_attempts, delay, reason)`` where ``attempt`` is the number of the
attempt about to start (2 for the first retry), then waits ``delay`` seconds: the server's
``retry-after-ms`` / ``retry-after`` hint when it gave one (at most ``retry_after_max``),
otherwise exponential backoff from ``backoff_base`` with full jitter, at most ``backoff_max``.

Failures after content was delivered. A response is "committed" once its first event beyond
``MessageStarted`` (a block start, a delta...) has been yielded; ``MessageStarted`` itself is
held back until then, so a failure before any content is retried invisibly, without the caller
ever seeing two starts. A failure after the commit is NOT retried here: replaying the response
would hand the caller duplicate deltas. The error is raised as is (it keeps its ``retryable``
flag), and the caller, who knows what it already showed and stored, decides whether to discard
the partial response and ask again.

Requests. The body and the ``anthropic-beta`` header come from :mod:`._request` (prompt-cache
breakpoints, thinking, effort, betas merged with any the credential's headers carry).
:meth:`AnthropicProvider.count_tokens` asks ``POST /v1/messages/count_tokens`` for the same
prompt and falls back to a local estimate (:mod:`._tokens`) when the API cannot answer.

Timeouts. ``connect_timeout`` bounds opening a connection; ``idle_timeout`` bounds every wait
for the next bytes of a response, so a stream may run for as long as data keeps coming.

Secrets. The credential goes into request headers only. Error messages are built from statuses,
the API's own error text and httpx's exception text, each scrubbed of the secret; nothing here
logs headers. Abandoning the iterator early closes the HTTP response; wrap the iteration in
``contextlib.aclosing`` to make that immediate rather than left to the garbage collector.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any, Final, Literal

import httpx

from claude_server import __version__, config
from claude_server.auth import Credential
from claude_server.errors import AuthError, ClaudePyError, ConfigError, StreamError
from claude_server.model import (
    MessageStarted,
    ModelRequest,
    StreamEvent,
    StreamRetrying,
    TokenCount,
)
from claude_server.provider._accumulate import MessageAccumulator
from claude_server.provider._errors import (
    Scrubber,
    error_from_response,
    error_from_transport,
)
from claude_server.provider._request import (
    build_count_tokens_request,
    build_request,
    request_headers,
)
from claude_server.provider._retry import RetryPolicy, parse_retry_after
from claude_server.provider._sse import SSEDecoder
from claude_server.provider._tokens import estimate_tokens

__all__ = ["ANTHROPIC_VERSION", "DEFAULT_BASE_URL", "AnthropicProvider", "messages_url"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = config.DEFAULT_BASE_URL
ANTHROPIC_VERSION: Final = "2023-06-01"
"""The ``anthropic-version`` header value this client speaks."""

_MAX_ERROR_BODY: Final = 64 * 1024  # an error body beyond this is not worth reading
_MAX_COUNT_BODY: Final = 64 * 1024  # a count_tokens answer is a few bytes


def messages_url(base_url: str) -> str:
    """The Messages endpoint under ``base_url``, which may end in a slash or hold a path."""
    try:
        url = httpx.URL(base_url.strip())
    except httpx.InvalidURL as exc:
        raise ConfigError(f"The API base URL {base_url!r} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(
            f"The API base URL {base_url!r} must be an http:// or https:// URL with a host."
        )
    return str(url.copy_with(query=None, fragment=None)).rstrip("/") + "/v1/messages"


def _sendable(value: str) -> bool:
    return value.isascii() and value.isprintable()


class _AttemptFailed(Exception):
    """Internal: carries an attempt's taxonomy error with the server's retry hint, if any."""

    def __init__(self, error: ClaudePyError, retry_after: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class AnthropicProvider:
    """Streams responses from the Anthropic Messages API.

    ``idle_timeout`` is the longest silence tolerated between two reads of a response (the API
    sends ``ping`` events to keep a slow stream alive). ``transport`` replaces httpx's network
    transport and ``rng`` the jitter source; both exist for tests.
    """

    def __init__(
        self,
        credential: Credential,
        *,
        base_url: str = DEFAULT_BASE_URL,
        max_attempts: int = 3,
        connect_timeout: float = 10.0,
        idle_timeout: float = 120.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        retry_after_max: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ConfigError(f"max_attempts must be at least 1, not {max_attempts}")
        self._credential = credential
        self._scrub = Scrubber(credential.secret)
        self._url = messages_url(base_url)
        self._count_url = self._url + "/count_tokens"
        # For messages and logs: the endpoint without any user:password part.
        self._shown_url = str(httpx.URL(self._url).copy_with(userinfo=b""))
        auth_headers = credential.headers()
        if not all(_sendable(value) for value in auth_headers.values()):
            # httpx would fail later with an exception that quotes the value; say it plainly now.
            raise AuthError(
                f"The credential from {credential.source} cannot be sent in an HTTP header: "
                "it contains non-ASCII characters or line breaks. Check for a stray character "
                "when it was copied."
            )
        self._idle_timeout = idle_timeout
        self._policy = RetryPolicy(
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_max=retry_after_max,
        )
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(
                connect=connect_timeout,
                read=idle_timeout,
                write=idle_timeout,
                pool=connect_timeout,
            ),
            # Proxies from the environment are honoured, as other Anthropic clients do.
            trust_env=True,
            follow_redirects=False,
        )
        # The credential's headers may carry beta flags of their own (an OAuth login does);
        # request_headers merges those with each request's betas into one header.
        self._base_headers = {
            **auth_headers,
            "anthropic-version": ANTHROPIC_VERSION,
            "content-type": "application/json",
            "user-agent": f"claude-py/{__version__}",
        }

    def __repr__(self) -> str:
        return f"AnthropicProvider(url={self._shown_url!r}, credential={self._credential!r})"

    @property
    def url(self) -> str:
        """The Messages endpoint this provider posts to (without any user:password part)."""
        return self._shown_url

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry settings in force."""
        return self._policy

    async def aclose(self) -> None:
        """Close the HTTP client and its connections."""
        await self._client.aclose()

    @staticmethod
    def request_body(request: ModelRequest) -> dict[str, Any]:
        """The JSON body of the streaming Messages request for ``request``."""
        return build_request(request).body

    def request_headers(self, request: ModelRequest) -> dict[str, str]:
        """The headers of the streaming Messages request for ``request`` (secret included)."""
        return self._headers(build_request(request).betas, "text/event-stream")

    def _headers(self, betas: list[str], accept: str) -> dict[str, str]:
        return {**request_headers(self._base_headers, betas), "accept": accept}

    async def count_tokens(self, request: ModelRequest) -> TokenCount:
        """The input tokens of ``request``: counted by the API, or estimated locally.

        Asks ``POST /v1/messages/count_tokens`` once, without retries. When the API cannot be
        reached, answers with an error status or with something unreadable, the result is
        :func:`estimate_tokens` with ``exact`` false and ``reason`` saying what happened.
        """
        built = build_count_tokens_request(request)
        content = json.dumps(built.body, ensure_ascii=False).encode("utf-8")
        headers = self._headers(built.betas, "application/json")
        try:
            reason = await self._count(content, headers)
        except httpx.HTTPError as exc:
            error = error_from_transport(
                exc,
                phase="request",
                url=self._scrub(self._shown_url + "/count_tokens"),
                idle_timeout=self._idle_timeout,
                scrub=self._scrub,
            )
            reason = error.message
        if isinstance(reason, int):
            return TokenCount(tokens=reason, exact=True)
        log.debug("count_tokens fell back to an estimate: %s", reason)
        return TokenCount(tokens=estimate_tokens(request), exact=False, reason=reason)

    async def _count(self, content: bytes, headers: dict[str, str]) -> int | str:
        """The API's count, or why there is none."""
        async with self._client.stream(
            "POST", self._count_url, content=content, headers=headers
        ) as response:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) >= _MAX_COUNT_BODY:
                    break
            if response.status_code != 200:
                error = error_from_response(
                    response.status_code,
                    response.headers,
                    bytes(body),
                    scrub=self._scrub,
                    credential_source=self._credential.source,
                    retry_after=None,
                )
                return error.message
        try:
            tokens = json.loads(body).get("input_tokens")
        except (ValueError, AttributeError, RecursionError):
            tokens = None
        if not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0:
            return "The token counting endpoint answered without a token count."
        return tokens

    async def stream(self, request: ModelRequest) -> AsyncGenerator[StreamEvent, None]:
        """Send ``request`` and yield its events; see the module docstring for retries."""
        built = build_request(request)
        content = json.dumps(built.body, ensure_ascii=False).encode("utf-8")
        headers = self._headers(built.betas, "text/event-stream")
        policy = self._policy
        attempt = 1
        while True:
            held: MessageStarted | None = None
            committed = False
            try:
                async with aclosing(self._attempt(content, headers, attempt)) as events:
                    async for event in events:
                        if not committed:
                            if isinstance(event, MessageStarted):
                                held = event
                                continue
                            committed = True
                            if held is not None:
                                yield held
                        yield event
                return
            except _AttemptFailed as failure:
                error, retry_after = failure.error, failure.retry_after
                if committed or not error.retryable or attempt >= policy.max_attempts:
                    self._log_final(error, committed)
                    raise error from error.__cause__
            except ClaudePyError as failure:
                error, retry_after = failure, None
                if committed or not error.retryable or attempt >= policy.max_attempts:
                    self._log_final(error, committed)
                    raise
            delay = policy.delay(attempt, retry_after, self._rng)
            attempt += 1
            log.info(
                "model request failed (%s); attempt %d of %d in %.2fs",
                error.code,
                attempt,
                policy.max_attempts,
                delay,
            )
            yield StreamRetrying(
                attempt=attempt, max_attempts=policy.max_attempts, delay=delay, reason=error.message
            )
            await asyncio.sleep(delay)

    @staticmethod
    def _log_final(error: ClaudePyError, committed: bool) -> None:
        if committed and error.retryable:
            log.warning("model stream failed after content was delivered: %s", error.message)
        else:
            log.debug("model request failed: %s", error.message)

    async def _attempt(
        self, content: bytes, headers: dict[str, str], attempt: int
    ) -> AsyncGenerator[StreamEvent, None]:
        """One HTTP exchange; failures leave as :class:`_AttemptFailed` or taxonomy errors."""
        log.debug("POST %s (attempt %d)", self._shown_url, attempt)
        phase: Literal["request", "stream"] = "request"
        try:
            async with self._client.stream(
                "POST", self._url, content=content, headers=headers
            ) as response:
                phase = "stream"
                if response.status_code != 200:
                    raise await self._status_failure(response)
                content_type = response.headers.get("content-type", "")
                if not content_type.startswith("text/event-stream"):
                    raise StreamError(
                        "The Anthropic API answered with "
                        f"{content_type or 'no content type'} instead of an event stream."
                    )
                request_id = response.headers.get("request-id")
                log.debug("model stream open (request-id %s)", request_id)
                decoder = SSEDecoder()
                accumulator = MessageAccumulator(request_id=request_id, scrub=self._scrub)
                chunks = response.aiter_bytes()
                async for chunk in chunks:
                    ready: list[StreamEvent] = []
                    try:
                        for name, data in decoder.feed(chunk):
                            ready.extend(accumulator.feed_sse(name, data))
                    except ClaudePyError:
                        for event in ready:  # what came before the failure, then the failure
                            yield event
                        raise
                    if accumulator.message is not None:
                        # Nothing after message_stop matters, but reading the body to its end
                        # (before the last event: the consumer may stop asking after it) lets
                        # the connection go back to the pool for the next request.
                        await _drain(chunks)
                        for event in ready:
                            yield event
                        return
                    for event in ready:
                        yield event
                decoder.close()
                accumulator.finish()
        except httpx.HTTPError as exc:
            error = error_from_transport(
                exc,
                phase=phase,
                url=self._scrub(self._shown_url),
                idle_timeout=self._idle_timeout,
                scrub=self._scrub,
            )
            # The original exception stays attached for debugging unless its text has the secret.
            error.__cause__ = None if self._scrub.leaks(f"{exc!s} {exc!r}") else exc
            raise _AttemptFailed(error, None) from None

    async def _status_failure(self, response: httpx.Response) -> _AttemptFailed:
        body = bytearray()
        try:
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) >= _MAX_ERROR_BODY:
                    break
        except httpx.HTTPError:
            pass  # the status alone is enough to report
        retry_after = parse_retry_after(response.headers)
        error = error_from_response(
            response.status_code,
            response.headers,
            bytes(body),
            scrub=self._scrub,
            credential_source=self._credential.source,
            retry_after=retry_after,
        )
        return _AttemptFailed(error, retry_after)


_DRAIN_BYTES = 64 * 1024
_DRAIN_SECONDS = 1.0


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Read what is left of a finished stream, a little and briefly (a server that goes on
    talking after ``message_stop`` only costs the connection)."""
    left = _DRAIN_BYTES
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for chunk in chunks:
                left -= len(chunk)
                if left <= 0:
                    return
