"""protocol.md, the JSON Schema and the error taxonomy agree with the protocol package."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from claude_server import errors
from claude_server.protocol import (
    DAEMON_ERRORS,
    JSONRPC_ERRORS,
    METHODS,
    UPDATE_KINDS,
    SessionUpdate,
    protocol_schema_json,
)
from pydantic import TypeAdapter

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "protocol.md").read_text()


def _section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else None]


def _method_sections() -> dict[str, str]:
    methods = _section("Methods")
    parts = re.split(r"^### `([^`]+)`\s*$", methods, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _json_blocks(text: str) -> list[tuple[str, Any]]:
    return [
        (label, json.loads(body))
        for label, body in re.findall(r"```json (\w+)\n(.*?)```", text, flags=re.S)
    ]


def test_doc_names_exactly_the_methods_of_the_table() -> None:
    assert set(_method_sections()) == set(METHODS)


def test_doc_states_each_methods_direction_and_kind() -> None:
    for name, text in _method_sections().items():
        spec = METHODS[name]
        arrow = "c→d" if spec.direction == "client_to_daemon" else "d→c"
        assert f"`{arrow}` {spec.kind}" in text, name


@pytest.mark.parametrize("name", sorted(METHODS))
def test_doc_examples_validate_against_the_models(name: str) -> None:
    spec = METHODS[name]
    text = _method_sections()[name]
    blocks = _json_blocks(text)
    if spec.params is not None:
        assert any(label in ("params", "notification") for label, _ in blocks), name
    if spec.result is not None:
        assert any(label == "result" for label, _ in blocks), name
    for label, value in blocks:
        if label in ("params", "notification"):
            assert spec.params is not None
            spec.params.model_validate(value)
        elif label == "result":
            assert spec.result is not None
            spec.result.model_validate(value)
        else:
            pytest.fail(f"unexpected block label {label!r} in {name}")


def test_doc_update_examples_validate_and_kinds_match() -> None:
    section = _section("Update kinds")
    table_kinds = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    assert sorted(table_kinds) == sorted(UPDATE_KINDS)
    adapter: TypeAdapter[Any] = TypeAdapter(SessionUpdate)
    examples = [v for label, v in _json_blocks(section) if label == "update"]
    assert examples
    for example in examples:
        adapter.validate_python(example)
    schema_kinds = {
        ref["properties"]["kind"]["const"]
        for ref in json.loads(protocol_schema_json())["$defs"].values()
        if "const" in ref.get("properties", {}).get("kind", {})
    }
    assert schema_kinds == set(UPDATE_KINDS)


def test_doc_error_tables_match_the_code() -> None:
    rows = set(re.findall(r"^\| (-\d+) \| `(\w+)` \|", _section("Errors"), flags=re.M))
    expected = {(str(e.number), e.code) for e in (*JSONRPC_ERRORS, *DAEMON_ERRORS)}
    assert rows == expected


def test_every_error_class_is_in_the_tables() -> None:
    table = {e.code: e.number for e in (*JSONRPC_ERRORS, *DAEMON_ERRORS)}
    for cls in errors.ERROR_CLASSES:
        assert cls.code in table, cls
        assert table[cls.code] == cls.rpc_code, cls


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "protocol.schema.json").read_text()
    assert committed == protocol_schema_json(), (
        "protocol.schema.json is stale: run python -m claude_server.protocol --out protocol.schema.json"
    )


def test_schema_lists_every_method() -> None:
    schema = json.loads(protocol_schema_json())
    assert set(schema["methods"]) == set(METHODS)
    for name, entry in schema["methods"].items():
        spec = METHODS[name]
        assert (entry["params"] is None) == (spec.params is None)
        assert (entry["result"] is None) == (spec.result is None)


def test_the_scripted_session_is_valid_frame_by_frame() -> None:
    section = _section("A whole session, frame by frame")
    (block,) = re.findall(r"```frames\n(.*?)```", section, flags=re.S)
    requests: dict[Any, str] = {}
    seqs: list[int] = []
    directions = {"c→d": "client_to_daemon", "d→c": "daemon_to_client"}
    for line in block.strip().splitlines():
        arrow, _, raw = line.partition(" ")
        message = json.loads(raw)
        assert message["jsonrpc"] == "2.0"
        if "method" in message:
            spec = METHODS[message["method"]]
            assert spec.direction == directions[arrow], line
            assert ("id" in message) == (spec.kind == "request"), line
            if spec.params is not None:
                spec.params.model_validate(message.get("params") or {})
            else:
                assert "params" not in message, line
            if "id" in message:
                requests[message["id"]] = message["method"]
            if message["method"] == "session/update":
                seqs.append(message["params"]["seq"])
        else:
            method = requests.pop(message["id"])
            # The answer travels the other way from its request.
            assert directions[arrow] != METHODS[method].direction, line
            result_model = METHODS[method].result
            if result_model is None:
                assert message["result"] is None
            else:
                result_model.model_validate(message["result"])
    assert requests == {}  # every request was answered
    assert seqs == list(range(1, len(seqs) + 1))
