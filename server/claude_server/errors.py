"""The one error taxonomy of claude-py.

Every error the daemon reports has a stable string ``code``, a ``retryable`` flag and a
JSON-RPC error number. Third-party exceptions (httpx, pydantic, OS errors) are translated into
these at one boundary per package, so callers never catch a library's exception type.

::

    ClaudePyError
    ├── ConfigError                config_invalid
    ├── AuthError                  auth_missing, auth_invalid
    ├── ProviderError              provider_error
    │   ├── ApiError               api_error (HTTP status from the model API, never retried)
    │   ├── RateLimitedError       rate_limited (retryable)
    │   ├── OverloadedError        overloaded (retryable)
    │   ├── ServerError            server_error (retryable)
    │   ├── ApiConnectionError     api_connection (retryable)
    │   └── StreamError            stream_broken (retryable)
    ├── SessionError
    │   ├── SessionNotFoundError   session_not_found
    │   └── SessionBusyError       session_busy
    ├── CommandError               command_failed (a slash command cannot run as typed)
    ├── McpError                   mcp_error
    │   ├── McpConnectionError     mcp_connection_failed
    │   ├── McpTimeoutError        mcp_timeout (retryable)
    │   └── McpServerError         mcp_server_error
    ├── ProtocolViolationError     protocol_violation (bad input from a client)
    ├── OperationCancelledError    cancelled
    └── InternalError              internal
"""

from __future__ import annotations

from typing import Any, ClassVar

# JSON-RPC numbers for our own errors live in the range the spec reserves for servers
# (-32000 to -32099); LSP already uses -32002 (not initialized) and -32800 (cancelled).
RPC_SERVER_ERROR = -32000
RPC_NOT_INITIALIZED = -32002
RPC_UNAUTHORIZED = -32001
RPC_REQUEST_CANCELLED = -32800


class ClaudePyError(Exception):
    """Base of every error claude-py raises on purpose."""

    code: ClassVar[str] = "error"
    rpc_code: ClassVar[int] = RPC_SERVER_ERROR
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data or {}

    def to_dict(self) -> dict[str, Any]:
        """The error as the ``data`` member of a JSON-RPC error object."""
        return {"code": self.code, "retryable": self.retryable, **self.data}


class ConfigError(ClaudePyError):
    """A setting or a command-line value is invalid."""

    code = "config_invalid"
    rpc_code = -32010


class AuthError(ClaudePyError):
    """No usable credential, or the API refused the one we sent."""

    code = "auth_missing"
    rpc_code = -32011


class AuthInvalidError(AuthError):
    """The API refused the credential (HTTP 401)."""

    code = "auth_invalid"


class ProviderError(ClaudePyError):
    """Something went wrong talking to the model API."""

    code = "provider_error"
    rpc_code = -32020


class ApiError(ProviderError):
    """The model API answered with an error status that retrying will not fix."""

    code = "api_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_type: str | None = None,
        request_id: str | None = None,
    ) -> None:
        data: dict[str, Any] = {}
        if status is not None:
            data["status"] = status
        if error_type is not None:
            data["errorType"] = error_type
        if request_id is not None:
            data["requestId"] = request_id
        super().__init__(message, data=data)
        self.status = status
        self.error_type = error_type


class RateLimitedError(ApiError):
    """HTTP 429; ``retry_after`` is the server's hint in seconds, when it gave one."""

    code = "rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class OverloadedError(ApiError):
    """HTTP 529 or an ``overloaded_error`` event: the API is busy, try again later."""

    code = "overloaded"
    retryable = True


class ServerError(ApiError):
    """HTTP 500 and other 5xx, or an ``api_error`` event: the API failed; trying again may work."""

    code = "server_error"
    retryable = True


class ApiConnectionError(ProviderError):
    """The API could not be reached (refused, reset, DNS, timeout)."""

    code = "api_connection"
    retryable = True


class StreamError(ProviderError):
    """The response stream broke off or could not be parsed."""

    code = "stream_broken"
    retryable = True


class SessionError(ClaudePyError):
    """A session-level request cannot be carried out."""

    code = "session_error"
    rpc_code = -32030


class SessionNotFoundError(SessionError):
    """No live session has this id."""

    code = "session_not_found"
    rpc_code = -32031


class SessionBusyError(SessionError):
    """The session is already running a turn."""

    code = "session_busy"
    rpc_code = -32032


class CommandError(ClaudePyError):
    """A command cannot be carried out as typed (a missing file, a bad argument).

    The message is written for the user and is shown as is.
    """

    code = "command_failed"
    rpc_code = -32040


class McpError(ClaudePyError):
    """Something went wrong with an MCP server."""

    code = "mcp_error"
    rpc_code = -32050


class McpConnectionError(McpError):
    """The server could not be started or reached, or the connection broke."""

    code = "mcp_connection_failed"


class McpTimeoutError(McpError):
    """The server did not answer in time."""

    code = "mcp_timeout"
    retryable = True


class McpServerError(McpError):
    """The server answered a request with an error (unknown tool, invalid arguments...)."""

    code = "mcp_server_error"


class ProtocolViolationError(ClaudePyError):
    """A client sent something the protocol does not allow."""

    code = "protocol_violation"
    rpc_code = -32600


class OperationCancelledError(ClaudePyError):
    """The user cancelled the operation."""

    code = "cancelled"
    rpc_code = RPC_REQUEST_CANCELLED


class InternalError(ClaudePyError):
    """A bug: something that should not happen did."""

    code = "internal"
    rpc_code = -32603


ERROR_CLASSES: tuple[type[ClaudePyError], ...] = (
    ConfigError,
    AuthError,
    AuthInvalidError,
    ProviderError,
    ApiError,
    RateLimitedError,
    OverloadedError,
    ApiConnectionError,
    StreamError,
    SessionError,
    SessionNotFoundError,
    SessionBusyError,
    CommandError,
    McpError,
    McpConnectionError,
    McpTimeoutError,
    McpServerError,
    ProtocolViolationError,
    OperationCancelledError,
    InternalError,
)
"""Every concrete error class, for documentation and tests."""
