"""The LSP lifecycle as this daemon uses it: what we read from ``initialize`` and answer.

``initialize`` is LSP's own request; the daemon only reads the members modelled here and puts its
own capabilities under ``capabilities.experimental.claudePy``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from claude_server.protocol._base import WireModel

PROTOCOL_VERSION = 1
"""Bumped when a change would break an existing client."""


class ClientInfo(WireModel):
    """Who the client is, for logs and ``daemon/status``."""

    name: str
    version: str | None = None


class ClaudePyClientCapabilities(WireModel):
    """What the client can do, under ``capabilities.experimental.claudePy``."""

    request_permission: bool = False
    """The client answers ``session/requestPermission``."""
    ask_user: bool = False
    """The client answers ``session/askUser``."""
    editor_diagnostics: bool = False
    """The client answers ``editor/diagnostics`` with the problems its editor knows."""


class WorkspaceClientCapabilities(WireModel):
    """LSP's ``capabilities.workspace``, the part the daemon reads."""

    apply_edit: bool = False
    """The client applies ``workspace/applyEdit`` to the documents it has open."""


class ClientExperimentalCapabilities(WireModel):
    """``capabilities.experimental`` of the client."""

    claude_py: ClaudePyClientCapabilities = Field(default_factory=ClaudePyClientCapabilities)


class ClientCapabilities(WireModel):
    """The part of LSP's client capabilities the daemon reads."""

    experimental: ClientExperimentalCapabilities = Field(
        default_factory=ClientExperimentalCapabilities
    )
    workspace: WorkspaceClientCapabilities = Field(default_factory=WorkspaceClientCapabilities)


class InitializationOptions(WireModel):
    """``initializationOptions`` of ``initialize``."""

    token: str | None = None
    """Required on TCP connections: the content of the daemon's token file."""


class InitializeParams(WireModel):
    """LSP ``initialize`` params; members not listed here are accepted and ignored."""

    process_id: int | None = None
    client_info: ClientInfo | None = None
    capabilities: ClientCapabilities = Field(default_factory=ClientCapabilities)
    initialization_options: InitializationOptions | None = None


class ClaudePyServerCapabilities(WireModel):
    """The daemon's capabilities, under ``capabilities.experimental.claudePy``."""

    protocol_version: int = PROTOCOL_VERSION
    methods: list[str] = Field(default_factory=list)
    """Every method of ``METHODS`` that the daemon serves."""
    update_kinds: list[str] = Field(default_factory=list)
    """Every ``update.kind`` a ``session/update`` may carry."""


class ServerExperimentalCapabilities(WireModel):
    """``capabilities.experimental`` of the daemon."""

    claude_py: ClaudePyServerCapabilities


class ServerCapabilities(WireModel):
    """The part of LSP's server capabilities that is ours."""

    experimental: ServerExperimentalCapabilities


class ServerInfo(WireModel):
    """The daemon's name and version."""

    name: str
    version: str


class InitializeResult(WireModel):
    """LSP ``initialize`` result (LSP members not listed here may be present too)."""

    capabilities: ServerCapabilities
    server_info: ServerInfo


def read_initialize(raw: dict[str, Any] | None) -> InitializeParams:
    """Parse the members of LSP ``initialize`` params that the daemon uses."""
    return InitializeParams.model_validate(raw or {})
