"""Wire types of the claude-py protocol, as ``TypedDict`` s (GENERATED: do not edit).

Written by ``python -m claude_server.protocol --cli-types clients/cli/claude_cli/_wire.py`` from
the protocol's models; ``tests/protocol/test_cli_wire.py`` fails when this file is stale.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

PROTOCOL_VERSION = 1


PERMISSION_MODES: tuple[str, ...] = (
    "default",
    "acceptEdits",
    "plan",
    "dontAsk",
    "bypassPermissions",
)


UPDATE_KINDS: tuple[str, ...] = (
    "user_message",
    "agent_message_chunk",
    "agent_thought_chunk",
    "turn_started",
    "turn_completed",
    "usage_update",
    "retrying",
    "error",
    "tool_call",
    "tool_call_update",
    "plan",
    "mode_changed",
    "model_changed",
    "permission_resolved",
    "conversation_rewound",
    "compaction",
)


METHODS: tuple[str, ...] = (
    "$/cancelRequest",
    "auth/login",
    "auth/logout",
    "auth/status",
    "commands/list",
    "daemon/status",
    "exit",
    "files/search",
    "initialize",
    "initialized",
    "permissions/explain",
    "session/askUser",
    "session/attach",
    "session/cancel",
    "session/command",
    "session/delete",
    "session/export",
    "session/fork",
    "session/list",
    "session/load",
    "session/new",
    "session/prompt",
    "session/requestPermission",
    "session/rewind",
    "session/setMode",
    "session/setModel",
    "session/update",
    "shutdown",
    "workspace/status",
    "workspace/trust",
)


class AgentMessageChunkUpdate(TypedDict):
    """More of the assistant's answer text."""

    kind: NotRequired[Literal["agent_message_chunk"]]
    text: str


class AgentThoughtChunkUpdate(TypedDict):
    """More of the assistant's extended thinking."""

    kind: NotRequired[Literal["agent_thought_chunk"]]
    text: str


class AskUserParams(TypedDict):
    """Params of ``session/askUser`` (daemon -> client)."""

    questions: list[Question]
    requestId: str
    sessionId: str
    toolCallId: NotRequired[str | None]


class AskUserResult(TypedDict):
    """Result of ``session/askUser``: for each question text, the chosen label(s) or free text."""

    answers: NotRequired[dict[str, str | list[str]]]
    outcome: Literal["answered", "cancelled"]


class AuthLoginParams(TypedDict):
    """Params of ``auth/login``: an API key to store in the system keyring."""

    apiKey: str


class AuthLogoutResult(TypedDict):
    """Result of ``auth/logout``."""

    removed: bool


class AuthSource(TypedDict):
    """One credential source and whether it can be used now."""

    available: bool
    detail: str
    name: str


class AuthStatusResult(TypedDict):
    """Result of ``auth/status`` (and of ``auth/login``). Never contains a secret."""

    baseUrl: str
    expiresAt: NotRequired[int | None]
    keyringBackend: NotRequired[str | None]
    kind: NotRequired[str | None]
    source: str
    sources: NotRequired[list[AuthSource]]
    subscriptionType: NotRequired[str | None]


class CancelRequestParams(TypedDict):
    """Params of LSP's ``$/cancelRequest``."""

    id: int | str


class CancelledOutcome(TypedDict):
    """The question was withdrawn (turn cancelled, another client answered first)."""

    outcome: NotRequired[Literal["cancelled"]]


class ClaudePyClientCapabilities(TypedDict):
    """What the client can do, under ``capabilities.experimental.claudePy``."""

    askUser: NotRequired[bool]
    editorDiagnostics: NotRequired[bool]
    requestPermission: NotRequired[bool]


class ClaudePyServerCapabilities(TypedDict):
    """The daemon's capabilities, under ``capabilities.experimental.claudePy``."""

    methods: NotRequired[list[str]]
    protocolVersion: NotRequired[int]
    updateKinds: NotRequired[list[str]]


class ClientCapabilities(TypedDict):
    """The part of LSP's client capabilities the daemon reads."""

    experimental: NotRequired[ClientExperimentalCapabilities]
    workspace: NotRequired[WorkspaceClientCapabilities]


class ClientExperimentalCapabilities(TypedDict):
    """``capabilities.experimental`` of the client."""

    claudePy: NotRequired[ClaudePyClientCapabilities]


class ClientInfo(TypedDict):
    """Who the client is, for logs and ``daemon/status``."""

    name: str
    version: NotRequired[str | None]


class CommandInfo(TypedDict):
    """One command for autocomplete."""

    aliases: NotRequired[list[str]]
    argumentHint: NotRequired[str | None]
    description: str
    label: NotRequired[str | None]
    name: str
    runsIn: Literal["daemon", "client"]
    scope: NotRequired[Literal["user", "project"] | None]
    source: Literal["builtin", "skill", "command"]


class CommandsListParams(TypedDict):
    """Params of ``commands/list``: the session (or project directory) whose skills count."""

    cwd: NotRequired[str | None]
    sessionId: NotRequired[str | None]


class CommandsListResult(TypedDict):
    """Result of ``commands/list``."""

    commands: list[CommandInfo]
    warnings: NotRequired[list[str]]


class CompactionUpdate(TypedDict):
    """Older messages were summarised to free context."""

    kind: NotRequired[Literal["compaction"]]
    summary: NotRequired[str]
    tokensAfter: int
    tokensBefore: int
    trigger: Literal["auto", "manual"]


class ConnectionInfo(TypedDict):
    """One connected client."""

    clientName: NotRequired[str | None]
    connectionId: int
    initialized: bool
    transport: str


class ConversationRewoundUpdate(TypedDict):
    """The conversation was cut back (``session/rewind``, ``/clear``); later turns are gone."""

    droppedPrompts: NotRequired[int]
    keptMessages: int
    kind: NotRequired[Literal["conversation_rewound"]]
    restoredFiles: NotRequired[list[str]]


class DaemonStatusResult(TypedDict):
    """Result of ``daemon/status``."""

    connections: list[ConnectionInfo]
    dataDir: str
    liveSessions: list[LiveSessionInfo]
    pid: int
    protocolVersion: int
    uptimeSeconds: float
    version: str


class DiffContent(TypedDict):
    """A file change made by a tool call."""

    newText: str
    oldText: str
    path: str
    type: NotRequired[Literal["diff"]]


class Empty(TypedDict):
    """A request or result with no members (``{}``; ``null`` params are accepted too)."""


class ErrorUpdate(TypedDict):
    """Something went wrong that the user should see."""

    code: str
    kind: NotRequired[Literal["error"]]
    message: str
    retryable: NotRequired[bool]


class FileMatchInfo(TypedDict):
    """A path that matches, relative to ``cwd`` (directories end with ``/``)."""

    isDir: bool
    path: str
    score: float


class FilesSearchParams(TypedDict):
    """Params of ``files/search``: fuzzy path completion for ``@`` references."""

    cwd: str
    limit: NotRequired[int]
    query: str


class FilesSearchResult(TypedDict):
    """Result of ``files/search``, best first."""

    matches: list[FileMatchInfo]


class ImagePromptBlock(TypedDict):
    """An image the user attached (pasted, dropped): base64 bytes of a PNG, JPEG, GIF or WebP."""

    data: str
    mimeType: NotRequired[str | None]
    type: NotRequired[Literal["image"]]


class InitializationOptions(TypedDict):
    """``initializationOptions`` of ``initialize``."""

    token: NotRequired[str | None]


class InitializeParams(TypedDict):
    """LSP ``initialize`` params; members not listed here are accepted and ignored."""

    capabilities: NotRequired[ClientCapabilities]
    clientInfo: NotRequired[ClientInfo | None]
    initializationOptions: NotRequired[InitializationOptions | None]
    processId: NotRequired[int | None]


class InitializeResult(TypedDict):
    """LSP ``initialize`` result (LSP members not listed here may be present too)."""

    capabilities: ServerCapabilities
    serverInfo: ServerInfo


class LiveSessionInfo(TypedDict):
    """A session the daemon holds in memory."""

    attachedClients: int
    busy: bool
    cwd: str
    lastSeq: int
    model: str
    sessionId: str
    title: NotRequired[str]


class ModeChangedUpdate(TypedDict):
    """The session's permission mode changed."""

    kind: NotRequired[Literal["mode_changed"]]
    mode: Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]


class ModelChangedUpdate(TypedDict):
    """The session's model changed."""

    kind: NotRequired[Literal["model_changed"]]
    model: str


class PermissionOption(TypedDict):
    """One answer a client may give to a permission request."""

    kind: Literal["allow_once", "allow_always", "reject_once", "reject_always"]
    name: str
    optionId: str


class PermissionResolvedUpdate(TypedDict):
    """A permission request was answered (by some client) or withdrawn."""

    kind: NotRequired[Literal["permission_resolved"]]
    optionId: NotRequired[str | None]
    outcome: Literal["allowed", "rejected", "cancelled"]
    requestId: str
    toolCallId: str


class PermissionsExplainParams(TypedDict):
    """Params of ``permissions/explain``."""

    cwd: str
    input: NotRequired[dict[str, Any]]
    mode: NotRequired[Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"] | None]
    tool: str


class PermissionsExplainResult(TypedDict):
    """Result of ``permissions/explain``."""

    decision: Literal["allow", "ask", "deny"]
    mode: Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]
    problems: NotRequired[list[str]]
    reason: str
    rule: NotRequired[str | None]
    source: NotRequired[str | None]
    tool: str


class PlanEntry(TypedDict):
    """One task of the session's task list."""

    activeForm: NotRequired[str]
    content: str
    status: Literal["pending", "in_progress", "completed"]


class PlanUpdate(TypedDict):
    """The session's task list changed (the whole list is sent)."""

    entries: list[PlanEntry]
    kind: NotRequired[Literal["plan"]]


class Question(TypedDict):
    """One question of ``session/askUser``."""

    header: NotRequired[str]
    multiSelect: NotRequired[bool]
    options: list[QuestionOption]
    question: str


class QuestionOption(TypedDict):
    """A choice of an AskUserQuestion question."""

    description: NotRequired[str]
    label: str


class RequestPermissionParams(TypedDict):
    """Params of ``session/requestPermission`` (daemon -> client)."""

    options: list[PermissionOption]
    reason: str
    requestId: str
    sessionId: str
    toolCall: ToolCallInfo


class RequestPermissionResult(TypedDict):
    """Result of ``session/requestPermission``."""

    outcome: SelectedOutcome | CancelledOutcome


class RetryingUpdate(TypedDict):
    """A model request failed and will be tried again after ``delaySeconds``."""

    attempt: int
    delaySeconds: float
    kind: NotRequired[Literal["retrying"]]
    maxAttempts: int
    reason: str


class SelectedOutcome(TypedDict):
    """The user chose an option."""

    message: NotRequired[str | None]
    optionId: str
    outcome: NotRequired[Literal["selected"]]
    updatedInput: NotRequired[dict[str, Any] | None]


class ServerCapabilities(TypedDict):
    """The part of LSP's server capabilities that is ours."""

    experimental: ServerExperimentalCapabilities


class ServerExperimentalCapabilities(TypedDict):
    """``capabilities.experimental`` of the daemon."""

    claudePy: ClaudePyServerCapabilities


class ServerInfo(TypedDict):
    """The daemon's name and version."""

    name: str
    version: str


class SessionAttachParams(TypedDict):
    """Params of ``session/attach``."""

    sessionId: str
    sinceSeq: NotRequired[int | None]


class SessionAttachResult(TypedDict):
    """Result of ``session/attach``."""

    busy: bool
    cwd: str
    lastSeq: int
    mode: str
    model: str
    replayed: int
    sessionId: str


class SessionCancelParams(TypedDict):
    """Params of the ``session/cancel`` notification."""

    sessionId: str


class SessionCommandParams(TypedDict):
    """Params of ``session/command``: a slash command line as the user typed it."""

    command: str
    sessionId: str


class SessionCommandResult(TypedDict):
    """Result of ``session/command``."""

    command: str
    output: NotRequired[str | None]
    stopReason: NotRequired[Literal["end_turn", "interrupted", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded", "max_turns", "cancelled", "error", "blocked"] | None]
    usage: NotRequired[Usage | None]


class SessionExportResult(TypedDict):
    """Result of ``session/export``."""

    markdown: str


class SessionForkParams(TypedDict):
    """Params of ``session/fork``."""

    messages: NotRequired[int | None]
    sessionId: str


class SessionForkResult(TypedDict):
    """Result of ``session/fork``: the new session's id (load or attach it to use it)."""

    sessionId: str


class SessionIdParams(TypedDict):
    """Params naming one session (``session/delete``, ``session/export``)."""

    sessionId: str


class SessionListParams(TypedDict):
    """Params of ``session/list``."""

    cursor: NotRequired[str | None]
    cwd: NotRequired[str | None]
    limit: NotRequired[int]
    source: NotRequired[Literal["claude-py", "claude-code"]]


class SessionListResult(TypedDict):
    """Result of ``session/list``: newest first."""

    nextCursor: NotRequired[str | None]
    sessions: list[SessionSummaryInfo]


class SessionLoadParams(TypedDict):
    """Params of ``session/load``."""

    sessionId: str
    source: NotRequired[Literal["claude-py", "claude-code"]]


class SessionLoadResult(TypedDict):
    """Result of ``session/load``, after the history was replayed as updates."""

    busy: bool
    cwd: str
    lastSeq: int
    messageCount: int
    mode: str
    model: str
    replayed: int
    sessionId: str
    title: str
    warnings: NotRequired[list[str]]
    workspace: NotRequired[WorkspaceInfo | None]


class SessionNewParams(TypedDict):
    """Params of ``session/new``."""

    cwd: str
    mode: NotRequired[Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"] | None]
    model: NotRequired[str | None]


class SessionNewResult(TypedDict):
    """Result of ``session/new``."""

    mode: str
    model: str
    sessionId: str
    workspace: NotRequired[WorkspaceInfo | None]


class SessionPromptParams(TypedDict):
    """Params of ``session/prompt``."""

    prompt: list[TextPromptBlock | ImagePromptBlock]
    sessionId: str


class SessionPromptResult(TypedDict):
    """Result of ``session/prompt``: sent when the turn has ended."""

    costUsd: NotRequired[float | None]
    stopReason: Literal["end_turn", "interrupted", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded", "max_turns", "cancelled", "error", "blocked"]
    usage: Usage


class SessionRewindParams(TypedDict):
    """Params of ``session/rewind``."""

    messages: NotRequired[int]
    restoreFiles: NotRequired[bool]
    sessionId: str


class SessionRewindResult(TypedDict):
    """Result of ``session/rewind``."""

    keptMessages: int
    restoredFiles: list[str]


class SessionSetModeParams(TypedDict):
    """Params of ``session/setMode``."""

    mode: Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]
    sessionId: str


class SessionSetModelParams(TypedDict):
    """Params of ``session/setModel``."""

    model: str
    sessionId: str


class SessionSetModelResult(TypedDict):
    """Result of ``session/setModel``: the resolved model id."""

    model: str


class SessionSummaryInfo(TypedDict):
    """One stored session in a list."""

    createdAt: str
    cwd: str
    forkedFrom: NotRequired[str | None]
    messageCount: int
    model: NotRequired[str]
    sessionId: str
    source: NotRequired[Literal["claude-py", "claude-code"]]
    title: str
    updatedAt: str


class SessionUpdateParams(TypedDict):
    """Params of the ``session/update`` notification."""

    seq: int
    sessionId: str
    update: UserMessageUpdate | AgentMessageChunkUpdate | AgentThoughtChunkUpdate | TurnStartedUpdate | TurnCompletedUpdate | UsageUpdate | RetryingUpdate | ErrorUpdate | ToolCallUpdate | ToolCallProgressUpdate | PlanUpdate | ModeChangedUpdate | ModelChangedUpdate | PermissionResolvedUpdate | ConversationRewoundUpdate | CompactionUpdate


class TerminalContent(TypedDict):
    """Output of a command run by a tool call."""

    exitCode: NotRequired[int | None]
    output: str
    type: NotRequired[Literal["terminal"]]


class TextContent(TypedDict):
    """Plain text output of a tool call."""

    text: str
    type: NotRequired[Literal["text"]]


class TextPromptBlock(TypedDict):
    """Text typed by the user."""

    text: str
    type: NotRequired[Literal["text"]]


class ToolCallInfo(TypedDict):
    """A tool call as shown to the user."""

    input: dict[str, Any]
    kind: Literal["read", "edit", "execute", "other"]
    parentToolCallId: NotRequired[str | None]
    title: str
    toolCallId: str
    toolName: str


class ToolCallProgressUpdate(TypedDict):
    """A tool call changed status or produced output."""

    content: NotRequired[list[TextContent | DiffContent | TerminalContent]]
    kind: NotRequired[Literal["tool_call_update"]]
    progress: NotRequired[str | None]
    status: Literal["pending", "in_progress", "completed", "failed"]
    toolCallId: str


class ToolCallUpdate(TypedDict):
    """The model asked for a tool call; it starts ``pending``."""

    kind: NotRequired[Literal["tool_call"]]
    status: NotRequired[Literal["pending", "in_progress", "completed", "failed"]]
    toolCall: ToolCallInfo


class TurnCompletedUpdate(TypedDict):
    """A turn ended."""

    costUsd: NotRequired[float | None]
    kind: NotRequired[Literal["turn_completed"]]
    stopReason: Literal["end_turn", "interrupted", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", "model_context_window_exceeded", "max_turns", "cancelled", "error", "blocked"]
    turnId: str
    usage: Usage


class TurnStartedUpdate(TypedDict):
    """A turn began."""

    kind: NotRequired[Literal["turn_started"]]
    turnId: str


class Usage(TypedDict):
    """Token counts."""

    cacheCreationInputTokens: NotRequired[int]
    cacheReadInputTokens: NotRequired[int]
    inputTokens: NotRequired[int]
    outputTokens: NotRequired[int]


class UsageUpdate(TypedDict):
    """Token counts after a model response: this turn's and the session's total."""

    kind: NotRequired[Literal["usage_update"]]
    total: Usage
    totalCostUsd: NotRequired[float | None]
    turn: Usage
    turnCostUsd: NotRequired[float | None]


class UserMessageUpdate(TypedDict):
    """A user prompt entered the conversation (from any client)."""

    kind: NotRequired[Literal["user_message"]]
    text: str


class WorkspaceClientCapabilities(TypedDict):
    """LSP's ``capabilities.workspace``, the part the daemon reads."""

    applyEdit: NotRequired[bool]


class WorkspaceInfo(TypedDict):
    """A project folder's trust state."""

    directory: str
    ignored: NotRequired[list[str]]
    notice: NotRequired[str | None]
    pendingMcpServers: NotRequired[list[str]]
    problems: NotRequired[list[str]]
    trusted: bool


class WorkspaceStatusParams(TypedDict):
    """Params of ``workspace/status``."""

    cwd: str


class WorkspaceTrustParams(TypedDict):
    """Params of ``workspace/trust``."""

    cwd: str
    enableMcpServers: NotRequired[bool]
    revoke: NotRequired[bool]
