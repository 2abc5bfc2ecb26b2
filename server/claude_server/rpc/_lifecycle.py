"""A connection's LSP lifecycle state, shared by the connection and its JSON-RPC protocol
object (so that the protocol needs no pointer back to the connection)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from pygls.exceptions import JsonRpcException

from claude_server import protocol as p
from claude_server.errors import RPC_UNAUTHORIZED

INVALID_PARAMS = -32602


class Lifecycle:
    """Whether ``initialize`` succeeded, what the client declared, and how it wants to leave."""

    def __init__(self, *, needs_token: bool, token_matches: Callable[[object], bool]) -> None:
        self._needs_token = needs_token
        self._token_matches = token_matches
        self.initialized = False
        self.client_name: str | None = None
        self.capabilities = p.ClaudePyClientCapabilities()
        self.apply_edit = False
        """The client declared LSP's ``workspace.applyEdit``."""
        self.closing = asyncio.Event()
        self.exit_code = 0

    def begin_initialize(self, raw_params: dict[str, Any]) -> None:
        """Read the client's initialize params; refuse a TCP client without the token."""
        try:
            params = p.read_initialize(raw_params)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "params"
            raise JsonRpcException(
                code=INVALID_PARAMS,
                message=f"Invalid params for initialize: {where}: {first['msg']}",
                data={"code": "protocol_violation", "retryable": False},
            ) from None
        if self._needs_token:
            options = params.initialization_options
            if not self._token_matches(options.token if options else None):
                raise JsonRpcException(
                    code=RPC_UNAUTHORIZED,
                    message="Unauthorized: TCP clients must send initializationOptions.token "
                    "(the content of the daemon's tcp-token file)",
                    data={"code": "unauthorized", "retryable": False},
                )
        self.client_name = params.client_info.name if params.client_info else None
        self.capabilities = params.capabilities.experimental.claude_py
        self.apply_edit = params.capabilities.workspace.apply_edit

    @staticmethod
    def experimental_capabilities() -> dict[str, Any]:
        """What goes under ``capabilities.experimental`` of the initialize result."""
        caps = p.ClaudePyServerCapabilities(
            methods=sorted(p.METHODS), update_kinds=list(p.UPDATE_KINDS)
        )
        return p.ServerExperimentalCapabilities(claude_py=caps).to_wire()

    def request_close(self, exit_code: int) -> None:
        """The client sent ``exit`` (or the daemon is stopping)."""
        self.exit_code = exit_code
        self.closing.set()
