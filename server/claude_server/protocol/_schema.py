"""JSON Schema of the whole protocol, derived from the models and the method table."""

from __future__ import annotations

import json
import typing
from typing import Any, Literal

from pydantic.json_schema import JsonSchemaMode, models_json_schema

from claude_server.protocol._base import WireModel
from claude_server.protocol._errors import DAEMON_ERRORS, JSONRPC_ERRORS
from claude_server.protocol._lifecycle import PROTOCOL_VERSION
from claude_server.protocol._methods import METHODS
from claude_server.protocol._tools import PermissionMode
from claude_server.protocol._typed_dicts import typed_dicts_source
from claude_server.protocol._updates import UPDATE_KINDS


def protocol_schema() -> dict[str, Any]:
    """One JSON Schema document: every model under ``$defs`` and a ``methods`` index."""
    entries: list[tuple[type[WireModel], JsonSchemaMode]] = []
    seen: set[tuple[type[WireModel], str]] = set()
    for spec in METHODS.values():
        # Params are what a receiver validates, results what a sender produces.
        pairs: tuple[tuple[type[WireModel] | None, JsonSchemaMode], ...] = (
            (spec.params, "validation"),
            (spec.result, "serialization"),
        )
        for model, mode in pairs:
            if model is not None and (model, mode) not in seen:
                seen.add((model, mode))
                entries.append((model, mode))
    refs, schema = models_json_schema(
        entries, by_alias=True, ref_template="#/$defs/{model}", title="claude-py protocol"
    )

    def ref(model: type[WireModel] | None, mode: Literal["validation", "serialization"]) -> Any:
        return None if model is None else refs[(model, mode)]

    methods = {
        spec.name: {
            "direction": spec.direction,
            "kind": spec.kind,
            "lsp": spec.lsp,
            "summary": spec.summary,
            "params": ref(spec.params, "validation"),
            "result": ref(spec.result, "serialization"),
        }
        for spec in METHODS.values()
    }
    errors = [
        {"number": e.number, "code": e.code, "meaning": e.meaning}
        for e in (*JSONRPC_ERRORS, *DAEMON_ERRORS)
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "claude-py protocol",
        "protocolVersion": PROTOCOL_VERSION,
        "methods": methods,
        "errors": errors,
        "$defs": schema.get("$defs", {}),
    }


def protocol_schema_json() -> str:
    """:func:`protocol_schema` as stable, diffable JSON text."""
    return json.dumps(protocol_schema(), indent=2, sort_keys=True) + "\n"


def cli_wire_source() -> str:
    """The terminal client's ``_wire.py``: TypedDicts of every model and the protocol's lists."""
    constants: dict[str, tuple[str, ...] | str | int] = {
        "PROTOCOL_VERSION": PROTOCOL_VERSION,
        "PERMISSION_MODES": typing.get_args(PermissionMode),
        "UPDATE_KINDS": UPDATE_KINDS,
        "METHODS": tuple(sorted(METHODS)),
    }
    return typed_dicts_source(protocol_schema(), constants)
