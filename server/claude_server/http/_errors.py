"""The daemon's error taxonomy as HTTP answers: one status per kind, the code in the body."""

from __future__ import annotations

from pydantic import ValidationError

from claude_server import protocol as p
from claude_server.errors import (
    AuthError,
    ClaudePyError,
    CommandError,
    ConfigError,
    ProtocolViolationError,
    ProviderError,
    SessionBusyError,
    SessionError,
    SessionNotFoundError,
)

_STATUS: tuple[tuple[type[ClaudePyError], int], ...] = (
    # First match wins: subclasses before their parents.
    (SessionNotFoundError, 404),
    (SessionBusyError, 409),
    (SessionError, 400),
    (ProtocolViolationError, 400),
    (ConfigError, 400),
    (CommandError, 400),
    (AuthError, 503),
    (ProviderError, 502),
)


def error_body(code: str, message: str, retryable: bool = False) -> p.HttpError:
    """An error answer's body."""
    return p.HttpError(error=p.HttpErrorDetail(code=code, message=message, retryable=retryable))


def from_error(exc: ClaudePyError) -> tuple[int, p.HttpError]:
    """The status and body for one of the daemon's own errors."""
    status = next((s for kind, s in _STATUS if isinstance(exc, kind)), 500)
    return status, error_body(exc.code, exc.message, exc.retryable)


def from_validation(exc: ValidationError) -> tuple[int, p.HttpError]:
    """400 for a body that does not match its model, naming the first problem."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "body"
    return 400, error_body("invalid_params", f"{where}: {first['msg']}")
