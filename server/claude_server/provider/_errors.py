"""The one place where HTTP statuses, API error bodies and httpx exceptions become taxonomy errors.

Every message built here is meant for the person using claude-py: it says what happened and,
where there is one, what to do about it. None of them may contain the credential, so every text
that came from outside (the API's own message, an httpx exception) passes through a scrubber that
knows the secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import httpx

from claude_server.errors import (
    ApiConnectionError,
    ApiError,
    AuthInvalidError,
    ClaudePyError,
    OverloadedError,
    ProviderError,
    RateLimitedError,
    ServerError,
    StreamError,
)

__all__ = [
    "Scrubber",
    "error_from_event",
    "error_from_response",
    "error_from_transport",
]

_MAX_DETAIL = 500  # characters of an unexpected (non-JSON) error body worth showing


class Scrubber:
    """Removes a secret from texts that might have picked it up."""

    __slots__ = ("_secret",)

    def __init__(self, secret: str) -> None:
        # Very short "secrets" would blank out ordinary words; real keys are long.
        self._secret = secret if len(secret) >= 8 else ""

    def __repr__(self) -> str:
        return "Scrubber(<hidden>)"

    def __call__(self, text: str) -> str:
        """``text`` with every occurrence of the secret replaced by a placeholder."""
        if self._secret and self._secret in text:
            return text.replace(self._secret, "<redacted>")
        return text

    def leaks(self, text: str) -> bool:
        """Whether ``text`` contains the secret."""
        return bool(self._secret) and self._secret in text


def _compose(lead: str, label: str, detail: str, request_id: str | None, advice: str = "") -> str:
    """One user-facing sentence or two: what happened, the API's words, what to do, the id."""
    detail = detail.strip().rstrip(".") or "no details given"
    text = f"{lead} ({label}): {detail}."
    if advice:
        text += f" {advice}"
    if request_id:
        text += f" [request-id {request_id}]"
    return text


def _parse_error_body(body: bytes) -> tuple[str | None, str | None]:
    """The API's error ``type`` and ``message`` from an error response body, when it has them."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None, None
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return None, None
    kind, message = error.get("type"), error.get("message")
    return (
        kind if isinstance(kind, str) else None,
        message if isinstance(message, str) else None,
    )


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    scrub: Scrubber,
    credential_source: str,
    retry_after: float | None,
) -> ClaudePyError:
    """The error for an HTTP error response (status >= 400, or an unexpected success)."""
    error_type, api_message = _parse_error_body(body)
    if api_message is None:
        text = body.decode("utf-8", errors="replace").strip()
        api_message = text[:_MAX_DETAIL] if text else httpx.codes.get_reason_phrase(status)
    api_message = scrub(api_message)
    request_id = headers.get("request-id") or headers.get("x-request-id")
    label = f"HTTP {status}" + (f" {error_type}" if error_type else "")
    common: dict[str, Any] = {"status": status, "error_type": error_type, "request_id": request_id}

    if status == 401:
        message = _compose(
            f"The Anthropic API refused the credential from {credential_source}",
            label,
            api_message,
            request_id,
            "Check the key in ANTHROPIC_API_KEY (or the token in ANTHROPIC_AUTH_TOKEN): it must "
            "be a valid, active key for this API endpoint.",
        )
        data: dict[str, Any] = {"status": status}
        if error_type:
            data["errorType"] = error_type
        if request_id:
            data["requestId"] = request_id
        return AuthInvalidError(message, data=data)
    if status == 429:
        advice = f"The server asked to wait {retry_after:g}s." if retry_after else ""
        message = _compose(
            "Rate limited by the Anthropic API", label, api_message, request_id, advice
        )
        return RateLimitedError(message, retry_after=retry_after, **common)
    if status == 529 or error_type == "overloaded_error":
        message = _compose(
            "The Anthropic API is overloaded", label, api_message, request_id, "Try again shortly."
        )
        return OverloadedError(message, **common)
    if status >= 500:
        message = _compose(
            "The Anthropic API failed with a server error", label, api_message, request_id
        )
        return ServerError(message, **common)
    if status == 403:
        lead = "The Anthropic API denied the request"
    elif status == 404:
        lead = "The Anthropic API did not find what was asked for"
    elif status == 413:
        lead = "The request is too large for the Anthropic API"
    elif status >= 400:
        lead = "The Anthropic API rejected the request"
    else:
        lead = "The Anthropic API answered with an unexpected status"
    return ApiError(_compose(lead, label, api_message, request_id), **common)


def error_from_event(
    payload: Mapping[str, Any], *, request_id: str | None = None, scrub: Scrubber | None = None
) -> ProviderError:
    """The error for an ``error`` event inside an otherwise successful stream."""
    error = payload.get("error")
    error_type: str | None = None
    api_message = "no details given"
    if isinstance(error, Mapping):
        if isinstance(error.get("type"), str):
            error_type = error["type"]
        if isinstance(error.get("message"), str) and error["message"]:
            api_message = error["message"]
    if scrub is not None:
        api_message = scrub(api_message)
    label = f"stream error {error_type}" if error_type else "stream error"
    common: dict[str, Any] = {"error_type": error_type, "request_id": request_id}
    if error_type == "overloaded_error":
        message = _compose(
            "The Anthropic API is overloaded", label, api_message, request_id, "Try again shortly."
        )
        return OverloadedError(message, **common)
    if error_type == "rate_limit_error":
        message = _compose("Rate limited by the Anthropic API", label, api_message, request_id)
        return RateLimitedError(message, **common)
    if error_type == "api_error":
        # The API's generic "internal error": as transient as an overload.
        message = _compose(
            "The Anthropic API failed while answering", label, api_message, request_id
        )
        return ServerError(message, **common)
    message = _compose(
        "The Anthropic API reported an error mid-response", label, api_message, request_id
    )
    return ApiError(message, **common)


def error_from_transport(
    exc: httpx.HTTPError,
    *,
    phase: Literal["request", "stream"],
    url: str,
    idle_timeout: float,
    scrub: Scrubber,
) -> ProviderError:
    """The error for an httpx exception.

    ``phase`` says whether the response had started: before it the API could not be reached
    (:class:`ApiConnectionError`); after it the stream broke (:class:`StreamError`).
    """
    detail = scrub(str(exc)) or type(exc).__name__
    if phase == "request":
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            message = f"Timed out connecting to the Anthropic API at {url}: {detail}"
        elif isinstance(exc, httpx.TimeoutException):
            message = f"The Anthropic API at {url} did not answer in time: {detail}"
        elif isinstance(exc, httpx.ConnectError):
            message = f"Could not connect to the Anthropic API at {url}: {detail}"
        else:
            message = f"The request to the Anthropic API at {url} failed: {detail}"
        return ApiConnectionError(message, data={"url": url})
    if isinstance(exc, httpx.TimeoutException):
        message = (
            f"The response stream from the Anthropic API stalled: no data for "
            f"{idle_timeout:g}s, so it was abandoned."
        )
    else:
        message = f"The response stream from the Anthropic API broke off: {detail}"
    return StreamError(message, data={"url": url})
