"""The terminal client's wire types and the protocol's lists each have one home."""

from __future__ import annotations

import typing
from pathlib import Path

from claude_cli import _wire
from claude_server import protocol
from claude_server.model import PERMISSION_MODES
from claude_server.protocol._schema import cli_wire_source

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_cli_wire_module_is_what_the_protocol_generates() -> None:
    committed = (ROOT / "clients/cli/claude_cli/_wire.py").read_text(encoding="utf-8")
    assert committed == cli_wire_source(), (
        "clients/cli/claude_cli/_wire.py is stale: run "
        "python -m claude_server.protocol --cli-types clients/cli/claude_cli/_wire.py"
    )


def test_every_model_of_the_schema_has_a_client_type() -> None:
    schema = protocol.protocol_schema()
    missing = [name for name in schema["$defs"] if not hasattr(_wire, name)]
    assert missing == []
    assert set(_wire.METHODS) == set(schema["methods"])


def test_the_protocols_permission_modes_are_the_models() -> None:
    assert typing.get_args(protocol.PermissionMode) == PERMISSION_MODES
    assert _wire.PERMISSION_MODES == PERMISSION_MODES


def test_update_kinds_follow_the_update_union() -> None:
    kinds = {
        member.model_fields["kind"].default
        for member in typing.get_args(typing.get_args(protocol.SessionUpdate)[0])
    }
    assert set(protocol.UPDATE_KINDS) == kinds
    assert len(protocol.UPDATE_KINDS) == len(kinds)
    assert _wire.UPDATE_KINDS == protocol.UPDATE_KINDS
