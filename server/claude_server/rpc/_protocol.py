"""pygls's LSP protocol, hardened for a daemon that many clients share.

This is the one module that touches pygls's private members (``_send_data``,
``_request_futures``, ``_shutdown``, ``_send_handler_result``, ``_serialize_message``,
``_converter``); ``tests/rpc/test_pygls_contract.py`` pins the behaviour relied on, so that a
pygls upgrade that changes it fails there first.

What this adds to pygls:

* every JSON-RPC 2.0 error case is answered (pygls only logs parse errors and invalid requests);
* requests before a successful ``initialize`` get -32002, requests after ``shutdown`` -32600;
* ``initialize`` checks the TCP token and advertises our capabilities under ``experimental``;
* ``exit`` ends this connection, not the whole process (unless the connection is stdio);
* expected errors are answered without a traceback in the log or in the reply.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Generator
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcRequestCancelled,
)
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import MsgId

from claude_server.errors import RPC_NOT_INITIALIZED
from claude_server.protocol import METHODS
from claude_server.rpc._lifecycle import Lifecycle

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600

MAX_JSON_DEPTH = 64
"""Deeper messages are refused: no method needs more, and deep nesting exhausts the stack."""

_NOTIFICATIONS = frozenset(name for name, spec in METHODS.items() if spec.kind == "notification")

# Messages a client may send before initialize has succeeded.
_BEFORE_INIT = frozenset({"initialize", "exit", "$/cancelRequest"})
# What a client may call: the table's client-to-daemon methods. pygls's own LSP features
# (workspace/executeCommand, $/setTrace...) are not this protocol.
_SERVED = frozenset(name for name, spec in METHODS.items() if spec.direction == "client_to_daemon")
METHOD_NOT_FOUND = -32601


class DaemonProtocol(LanguageServerProtocol):
    """One connection's JSON-RPC endpoint."""

    lifecycle: Lifecycle
    """Set by the connection right after construction (pygls builds the protocol object)."""

    # -- what the connection uses instead of pygls's private members ------------------------

    @property
    def shutdown_requested(self) -> bool:
        """The client sent ``shutdown``."""
        return bool(self._shutdown)

    def send_raw(self, message: dict[str, Any]) -> None:
        """Send a JSON-RPC message as it is (no LSP typing)."""
        self._send_data(message)

    def forget_request(self, msg_id: str) -> None:
        """Stop waiting for the answer to one of our requests."""
        self._request_futures.pop(msg_id, None)

    # -- incoming ---------------------------------------------------------------------------

    def handle_body(self, body: bytes) -> None:
        """Handle one framed message body, answering every malformed case."""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            self.send_error(None, PARSE_ERROR, f"Parse error: {exc}")
            return
        except RecursionError:
            self.send_error(None, PARSE_ERROR, f"Parse error: nested deeper than {MAX_JSON_DEPTH}")
            return
        if _too_deep(data):
            reply_id = data.get("id") if isinstance(data, dict) else None
            if not isinstance(reply_id, (str, int)) or isinstance(reply_id, bool):
                reply_id = None
            self.send_error(
                reply_id, INVALID_REQUEST, f"Invalid Request: nested deeper than {MAX_JSON_DEPTH}"
            )
            return
        if isinstance(data, list):
            # LSP framing carries one message per frame; batches are not part of this protocol.
            self.send_error(
                None, INVALID_REQUEST, "Invalid Request: batch requests are not supported"
            )
            return
        if not isinstance(data, dict):
            self.send_error(
                None, INVALID_REQUEST, "Invalid Request: a message must be a JSON object"
            )
            return
        message = self._check_envelope(data)
        if message is None:
            return
        method = message.get("method")
        msg_id = message.get("id")
        if method is not None and not self._admit(method, msg_id):
            return
        try:
            structured = self.structure_message(message)
        except JsonRpcInvalidParams as exc:
            if msg_id is not None and method is not None:
                self.send_error(msg_id, exc.code, f"Invalid params for {method}: {exc.__cause__}")
            return
        except JsonRpcException:
            log.exception("could not read message %s", method)
            if msg_id is not None and method is not None:
                self.send_error(
                    msg_id, JsonRpcInternalError.CODE, "Internal error reading the message"
                )
            return
        try:
            self.handle_message(structured)
        except Exception:
            # One message must never end a connection that other work shares.
            log.exception("handling %s failed", method)
            if msg_id is not None and method is not None:
                self.send_error(msg_id, JsonRpcInternalError.CODE, f"Internal error in {method}")

    def _check_envelope(self, data: dict[str, Any]) -> dict[str, Any] | None:
        msg_id = data.get("id")
        id_ok = "id" not in data or (
            isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool)
        )
        reply_id = msg_id if id_ok else None
        if data.get("jsonrpc") != "2.0":
            self.send_error(reply_id, INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"')
            return None
        if not id_ok:
            self.send_error(
                None, INVALID_REQUEST, "Invalid Request: id must be a string or an integer"
            )
            return None
        if "method" in data:
            method = data["method"]
            if not isinstance(method, str) or not method:
                self.send_error(
                    reply_id, INVALID_REQUEST, "Invalid Request: method must be a string"
                )
                return None
            params = data.get("params")
            if method == "$/cancelRequest" and not _cancel_id_ok(params):
                self.send_error(
                    reply_id,
                    INVALID_REQUEST,
                    "Invalid Request: $/cancelRequest needs params.id, a string or an integer",
                )
                return None
            if params is not None and not isinstance(params, (dict, list)):
                self.send_error(
                    reply_id,
                    INVALID_REQUEST,
                    "Invalid Request: params must be an object or an array",
                )
                return None
            clean: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
            if "id" in data:
                clean["id"] = msg_id
            return clean
        if "id" in data and ("result" in data) != ("error" in data):
            return data  # a response to one of our requests
        self.send_error(reply_id, INVALID_REQUEST, "Invalid Request: no method, result or error")
        return None

    def _admit(self, method: str, msg_id: MsgId | None) -> bool:
        if method not in _SERVED:
            if msg_id is not None:
                self.send_error(msg_id, METHOD_NOT_FOUND, f"Method Not Found: {method}")
            return False
        if msg_id is not None and method in _NOTIFICATIONS:
            # A notification never gets a reply, so a request to one would wait forever.
            self.send_error(msg_id, INVALID_REQUEST, f"Invalid Request: {method} is a notification")
            return False
        if not self.lifecycle.initialized and method not in _BEFORE_INIT:
            if msg_id is not None:
                self.send_error(
                    msg_id, RPC_NOT_INITIALIZED, f"{method}: the connection is not initialized"
                )
            return False
        if self._shutdown and method != "exit":
            if msg_id is not None:
                self.send_error(msg_id, INVALID_REQUEST, f"{method}: shutdown was requested")
            return False
        return True

    # -- outgoing ---------------------------------------------------------------------------

    def send_error(
        self, msg_id: MsgId | None, code: int, message: str, data: Any | None = None
    ) -> None:
        """Send an error response (``id`` null when the request's id could not be read)."""
        error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            error["data"] = data
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": error})

    def _serialize_message(self, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return super()._serialize_message(data)

    def _send_handler_result(self, future: Future[Any], *, msg_id: MsgId) -> None:
        # Replaces pygls's version: expected errors are logged in one line, and an unexpected
        # one is logged with its traceback but answered with a plain message only.
        self._request_futures.pop(msg_id, None)
        if future.cancelled():
            exc: BaseException | None = JsonRpcRequestCancelled(f"request {msg_id} was cancelled")
        else:
            exc = future.exception()
        if exc is None:
            self._send_response(msg_id, result=future.result())
        elif isinstance(exc, JsonRpcException):
            log.info("request %s failed: %s %s", msg_id, exc.code, exc.message)
            self.send_error(msg_id, exc.code, exc.message, exc.data)
        elif isinstance(exc, asyncio.CancelledError):
            self.send_error(msg_id, JsonRpcRequestCancelled.CODE, f"request {msg_id} was cancelled")
        else:
            log.error("request %s failed", msg_id, exc_info=exc)
            self.send_error(
                msg_id, JsonRpcInternalError.CODE, "Internal error; the daemon's log has details"
            )

    # -- lifecycle --------------------------------------------------------------------------

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        """Check the token, run pygls's initialize, then add our capabilities."""
        raw = self._converter.unstructure(params, types.InitializeParams)
        self.lifecycle.begin_initialize(raw)
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        result.capabilities.experimental = self.lifecycle.experimental_capabilities()
        self.lifecycle.initialized = True
        return result

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        """End this connection; over stdio that ends the daemon too."""
        self.lifecycle.request_close(exit_code=0 if self._shutdown else 1)
        yield from ()


def _too_deep(data: Any) -> bool:
    """Whether ``data`` nests more than :data:`MAX_JSON_DEPTH` levels (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _cancel_id_ok(params: Any) -> bool:
    if not isinstance(params, dict):
        return False
    value = params.get("id")
    return isinstance(value, (str, int)) and not isinstance(value, bool)
