"""What claude_server.rpc._protocol relies on in pygls's private members, pinned.

``rpc/_protocol.py`` is the one module that touches them. A pygls upgrade that renames one or
changes its behaviour fails here, with the member named, before it breaks the daemon subtly.
"""

from __future__ import annotations

import inspect
import json
from concurrent.futures import Future
from typing import Any

from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCProtocol, LanguageServerProtocol, default_converter


class _Recorder(LanguageServerProtocol):
    """pygls's own protocol with the transport replaced by a list."""

    def __init__(self) -> None:
        server = LanguageServer("contract", "0", protocol_cls=LanguageServerProtocol)
        super().__init__(server, default_converter())
        self.sent: list[Any] = []

    def _send_data(self, data: Any) -> None:
        self.sent.append(data)


def test_private_members_exist_with_the_signatures_used() -> None:
    params = inspect.signature(LanguageServerProtocol._send_handler_result).parameters
    assert list(params) == ["self", "future", "msg_id"]
    assert params["msg_id"].kind is inspect.Parameter.KEYWORD_ONLY
    assert list(inspect.signature(JsonRPCProtocol._send_data).parameters) == ["self", "data"]
    serialize = inspect.signature(JsonRPCProtocol._serialize_message).parameters
    assert list(serialize) == ["self", "data"]


def test_init_sets_the_state_we_read() -> None:
    proto = _Recorder()
    assert proto._shutdown is False
    assert proto._request_futures == {}
    assert hasattr(proto._converter, "unstructure")


def test_a_handler_result_is_sent_through_send_data() -> None:
    proto = _Recorder()
    future: Future[Any] = Future()
    future.set_result({"ok": True})
    proto._send_handler_result(future, msg_id=7)
    assert len(proto.sent) == 1
    reply = proto.sent[0]
    assert reply.id == 7 and reply.result == {"ok": True}
    # _serialize_message turns pygls's message objects into plain JSON-ready data.
    assert json.loads(json.dumps(proto._serialize_message(reply))) == {
        "jsonrpc": "2.0",
        "id": 7,
        "result": {"ok": True},
    }


def test_request_futures_are_keyed_by_message_id() -> None:
    proto = _Recorder()
    proto.send_request("x/y", {"a": 1})
    (msg_id,) = proto._request_futures
    assert proto.sent[0].id == msg_id
