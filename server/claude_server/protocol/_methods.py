"""The method table: the one place that says which methods exist and what they carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from claude_server.protocol._auth import AuthLoginParams, AuthLogoutResult, AuthStatusResult
from claude_server.protocol._base import Empty, WireModel
from claude_server.protocol._commands import (
    CommandsListParams,
    CommandsListResult,
    FilesSearchParams,
    FilesSearchResult,
    SessionCommandParams,
    SessionCommandResult,
)
from claude_server.protocol._daemon import DaemonStatusResult
from claude_server.protocol._lifecycle import InitializeParams, InitializeResult
from claude_server.protocol._permissions import PermissionsExplainParams, PermissionsExplainResult
from claude_server.protocol._session import (
    SessionAttachParams,
    SessionAttachResult,
    SessionCancelParams,
    SessionExportResult,
    SessionForkParams,
    SessionForkResult,
    SessionIdParams,
    SessionListParams,
    SessionListResult,
    SessionLoadParams,
    SessionLoadResult,
    SessionNewParams,
    SessionNewResult,
    SessionPromptParams,
    SessionPromptResult,
    SessionRewindParams,
    SessionRewindResult,
)
from claude_server.protocol._tools import (
    AskUserParams,
    AskUserResult,
    RequestPermissionParams,
    RequestPermissionResult,
    SessionSetModelParams,
    SessionSetModelResult,
    SessionSetModeParams,
)
from claude_server.protocol._updates import SessionUpdateParams
from claude_server.protocol._workspace import (
    WorkspaceInfo,
    WorkspaceStatusParams,
    WorkspaceTrustParams,
)

Direction = Literal["client_to_daemon", "daemon_to_client"]
Kind = Literal["request", "notification"]


class CancelRequestParams(WireModel):
    """Params of LSP's ``$/cancelRequest``."""

    id: int | str


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One method of the protocol."""

    name: str
    direction: Direction
    kind: Kind
    params: type[WireModel] | None
    """``None``: the method takes no params."""
    result: type[WireModel] | None
    """``None`` for notifications, and for requests whose result is ``null``."""
    summary: str
    lsp: bool = False
    """Defined by LSP (served with LSP's semantics), not by claude-py."""


def _request(
    name: str, params: type[WireModel] | None, result: type[WireModel] | None, summary: str
) -> MethodSpec:
    return MethodSpec(name, "client_to_daemon", "request", params, result, summary)


METHODS: dict[str, MethodSpec] = {
    spec.name: spec
    for spec in (
        MethodSpec(
            "initialize",
            "client_to_daemon",
            "request",
            InitializeParams,
            InitializeResult,
            "Open the connection: exchange capabilities (and present the token over TCP).",
            lsp=True,
        ),
        MethodSpec(
            "initialized",
            "client_to_daemon",
            "notification",
            Empty,
            None,
            "The client has read the initialize result.",
            lsp=True,
        ),
        MethodSpec(
            "shutdown",
            "client_to_daemon",
            "request",
            None,
            None,
            "The client is about to leave; no more requests except exit.",
            lsp=True,
        ),
        MethodSpec(
            "exit",
            "client_to_daemon",
            "notification",
            None,
            None,
            "Close this connection (over stdio: stop the daemon).",
            lsp=True,
        ),
        MethodSpec(
            "$/cancelRequest",
            "client_to_daemon",
            "notification",
            CancelRequestParams,
            None,
            "Cancel a running request; it answers with error -32800.",
            lsp=True,
        ),
        _request(
            "daemon/status",
            Empty,
            DaemonStatusResult,
            "Version, pid, uptime, connections and live sessions.",
        ),
        _request(
            "auth/status",
            Empty,
            AuthStatusResult,
            "Which credential source is in use (never the secret).",
        ),
        _request(
            "auth/login",
            AuthLoginParams,
            AuthStatusResult,
            "Store an API key in the system keyring for claude-py.",
        ),
        _request(
            "auth/logout", Empty, AuthLogoutResult, "Remove the key claude-py stored, if any."
        ),
        _request("session/new", SessionNewParams, SessionNewResult, "Create a live session."),
        _request(
            "session/list",
            SessionListParams,
            SessionListResult,
            "Stored sessions (or Claude Code's), newest first, paged.",
        ),
        _request(
            "session/load",
            SessionLoadParams,
            SessionLoadResult,
            "Resume a stored session: its whole history is replayed as updates first.",
        ),
        _request(
            "session/fork", SessionForkParams, SessionForkResult, "Copy a session into a new one."
        ),
        _request("session/delete", SessionIdParams, Empty, "Remove a session and its file."),
        _request("session/export", SessionIdParams, SessionExportResult, "A session as Markdown."),
        _request(
            "session/rewind",
            SessionRewindParams,
            SessionRewindResult,
            "Drop the last turns (optionally restoring the files they edited).",
        ),
        _request(
            "session/prompt",
            SessionPromptParams,
            SessionPromptResult,
            "Run one turn; updates stream while it runs; the result comes when it ends.",
        ),
        MethodSpec(
            "session/cancel",
            "client_to_daemon",
            "notification",
            SessionCancelParams,
            None,
            "Stop the session's running turn (its prompt request ends with stopReason cancelled).",
        ),
        _request(
            "session/attach",
            SessionAttachParams,
            SessionAttachResult,
            "Watch a live session; replays missed updates first when sinceSeq is given.",
        ),
        _request(
            "session/command",
            SessionCommandParams,
            SessionCommandResult,
            "Run a slash command (built-in, skill or custom command) in the session.",
        ),
        _request(
            "commands/list",
            CommandsListParams,
            CommandsListResult,
            "Every command a user can type, for autocomplete.",
        ),
        _request(
            "files/search",
            FilesSearchParams,
            FilesSearchResult,
            "Fuzzy path completion under a directory, for @ references.",
        ),
        _request(
            "permissions/explain",
            PermissionsExplainParams,
            PermissionsExplainResult,
            "How a project's permission rules decide one tool call, and which rule decided.",
        ),
        _request(
            "workspace/status",
            WorkspaceStatusParams,
            WorkspaceInfo,
            "Whether a project folder is trusted, and what of its configuration is ignored.",
        ),
        _request(
            "workspace/trust",
            WorkspaceTrustParams,
            WorkspaceInfo,
            "Trust a project folder (or stop trusting it); optionally enable its MCP servers.",
        ),
        _request(
            "session/setMode",
            SessionSetModeParams,
            Empty,
            "Switch the session's permission mode (default, acceptEdits, plan, dontAsk, bypassPermissions).",
        ),
        _request(
            "session/setModel",
            SessionSetModelParams,
            SessionSetModelResult,
            "Switch the session's model; aliases resolve to model ids.",
        ),
        MethodSpec(
            "session/requestPermission",
            "daemon_to_client",
            "request",
            RequestPermissionParams,
            RequestPermissionResult,
            "Ask the user whether a tool call may run; the first client to answer decides.",
        ),
        MethodSpec(
            "session/askUser",
            "daemon_to_client",
            "request",
            AskUserParams,
            AskUserResult,
            "Ask the user questions for the AskUserQuestion tool; the first answer wins.",
        ),
        MethodSpec(
            "session/update",
            "daemon_to_client",
            "notification",
            SessionUpdateParams,
            None,
            "Something happened in a session this connection created or attached to.",
        ),
    )
}
"""Every method of the protocol, by name."""
