"""Error codes on the wire.

A failed request gets a JSON-RPC error object. Errors of the daemon itself carry ``data`` with a
stable string ``code`` and a ``retryable`` flag; the numeric code is the JSON-RPC one below.
"""

from __future__ import annotations

from dataclasses import dataclass

from claude_server.protocol._base import WireModel


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One row of the error table."""

    number: int
    code: str
    meaning: str


JSONRPC_ERRORS: tuple[ErrorCode, ...] = (
    ErrorCode(-32700, "parse_error", "The frame's body is not valid JSON (or its header is bad)."),
    ErrorCode(-32600, "invalid_request", "The JSON is not a valid JSON-RPC 2.0 request."),
    ErrorCode(-32601, "method_not_found", "No such method."),
    ErrorCode(-32602, "invalid_params", "The params do not match the method's schema."),
    ErrorCode(-32603, "internal", "A bug in the daemon; details are in its log."),
    ErrorCode(-32002, "not_initialized", "A request came before a successful `initialize`."),
    ErrorCode(-32800, "cancelled", "The request was cancelled (`$/cancelRequest`)."),
)
"""Codes defined by JSON-RPC 2.0 and LSP."""

DAEMON_ERRORS: tuple[ErrorCode, ...] = (
    ErrorCode(-32001, "unauthorized", "TCP connection without the right token."),
    ErrorCode(-32010, "config_invalid", "A setting or command-line value is invalid."),
    ErrorCode(-32011, "auth_missing", "No API credential is configured."),
    ErrorCode(-32011, "auth_invalid", "The API refused the credential."),
    ErrorCode(-32020, "provider_error", "The model API failed in an unexpected way."),
    ErrorCode(-32020, "api_error", "The model API answered with an error status."),
    ErrorCode(-32020, "rate_limited", "The model API rate-limited us (retryable)."),
    ErrorCode(-32020, "overloaded", "The model API is overloaded (retryable)."),
    ErrorCode(-32020, "server_error", "The model API failed with a server error (retryable)."),
    ErrorCode(-32020, "api_connection", "The model API could not be reached (retryable)."),
    ErrorCode(-32020, "stream_broken", "The response stream broke off (retryable)."),
    ErrorCode(-32030, "session_error", "A session request cannot be carried out."),
    ErrorCode(-32031, "session_not_found", "No live session has this id."),
    ErrorCode(
        -32032,
        "session_busy",
        "The session is already running a turn, or is open in another daemon.",
    ),
    ErrorCode(-32040, "command_failed", "A slash command cannot run as typed."),
    ErrorCode(-32050, "mcp_error", "An MCP server failed."),
    ErrorCode(-32050, "mcp_connection_failed", "An MCP server could not be started or reached."),
    ErrorCode(-32050, "mcp_timeout", "An MCP server did not answer in time (retryable)."),
    ErrorCode(-32050, "mcp_server_error", "An MCP server answered with an error."),
    ErrorCode(-32600, "protocol_violation", "The client broke a rule of this protocol."),
)
"""Codes of the daemon's own errors (``error.data.code``)."""


class ErrorData(WireModel):
    """The ``data`` member of an error the daemon raised on purpose."""

    code: str
    retryable: bool = False
