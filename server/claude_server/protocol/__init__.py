"""The wire protocol between the daemon and its clients.

Pydantic models of every message, the method table :data:`METHODS`, the error codes and the JSON
Schema export. This package imports nothing else from ``claude_server``, so clients can use it
without loading the daemon.
"""

from claude_server.protocol._base import Empty, WireModel
from claude_server.protocol._daemon import ConnectionInfo, DaemonStatusResult, LiveSessionInfo
from claude_server.protocol._errors import DAEMON_ERRORS, JSONRPC_ERRORS, ErrorCode, ErrorData
from claude_server.protocol._lifecycle import (
    PROTOCOL_VERSION,
    ClaudePyClientCapabilities,
    ClaudePyServerCapabilities,
    ClientCapabilities,
    ClientExperimentalCapabilities,
    ClientInfo,
    InitializationOptions,
    InitializeParams,
    InitializeResult,
    ServerCapabilities,
    ServerExperimentalCapabilities,
    ServerInfo,
    read_initialize,
)
from claude_server.protocol._methods import METHODS, CancelRequestParams, MethodSpec
from claude_server.protocol._schema import protocol_schema, protocol_schema_json
from claude_server.protocol._session import (
    PromptBlock,
    SessionAttachParams,
    SessionAttachResult,
    SessionCancelParams,
    SessionNewParams,
    SessionNewResult,
    SessionPromptParams,
    SessionPromptResult,
    StopReason,
    TextPromptBlock,
    Usage,
)
from claude_server.protocol._updates import (
    UPDATE_KINDS,
    AgentMessageChunkUpdate,
    AgentThoughtChunkUpdate,
    ErrorUpdate,
    RetryingUpdate,
    SessionUpdate,
    SessionUpdateParams,
    TurnCompletedUpdate,
    TurnStartedUpdate,
    UsageUpdate,
    UserMessageUpdate,
)

__all__ = [
    "DAEMON_ERRORS",
    "JSONRPC_ERRORS",
    "METHODS",
    "PROTOCOL_VERSION",
    "UPDATE_KINDS",
    "AgentMessageChunkUpdate",
    "AgentThoughtChunkUpdate",
    "CancelRequestParams",
    "ClaudePyClientCapabilities",
    "ClaudePyServerCapabilities",
    "ClientCapabilities",
    "ClientExperimentalCapabilities",
    "ClientInfo",
    "ConnectionInfo",
    "DaemonStatusResult",
    "Empty",
    "ErrorCode",
    "ErrorData",
    "ErrorUpdate",
    "InitializationOptions",
    "InitializeParams",
    "InitializeResult",
    "LiveSessionInfo",
    "MethodSpec",
    "PromptBlock",
    "RetryingUpdate",
    "ServerCapabilities",
    "ServerExperimentalCapabilities",
    "ServerInfo",
    "SessionAttachParams",
    "SessionAttachResult",
    "SessionCancelParams",
    "SessionNewParams",
    "SessionNewResult",
    "SessionPromptParams",
    "SessionPromptResult",
    "SessionUpdate",
    "SessionUpdateParams",
    "StopReason",
    "TextPromptBlock",
    "TurnCompletedUpdate",
    "TurnStartedUpdate",
    "Usage",
    "UsageUpdate",
    "UserMessageUpdate",
    "WireModel",
    "protocol_schema",
    "protocol_schema_json",
    "read_initialize",
]
