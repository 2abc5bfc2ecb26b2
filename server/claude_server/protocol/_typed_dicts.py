"""The terminal client's wire types, generated from the protocol's JSON Schema.

The client must not import the daemon, so it gets a module of ``TypedDict`` s written from the
schema (``python -m claude_server.protocol --cli-types FILE``); a test regenerates it and compares,
so the two cannot drift.
"""

from __future__ import annotations

import json
import keyword
from typing import Any

_HEADER = '''"""Wire types of the claude-py protocol, as ``TypedDict`` s (GENERATED: do not edit).

Written by ``python -m claude_server.protocol --cli-types clients/cli/claude_cli/_wire.py`` from
the protocol's models; ``tests/protocol/test_cli_wire.py`` fails when this file is stale.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict
'''

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def _quote(value: Any) -> str:
    # JSON's quoting is Python's for these plain strings, and what ruff format writes.
    return json.dumps(value)


def _literal(values: list[Any]) -> str:
    return "Literal[" + ", ".join(_quote(v) for v in values) + "]"


def _type_of(node: dict[str, Any]) -> str:
    """The Python annotation for one schema node."""
    if "$ref" in node:
        return str(node["$ref"]).rsplit("/", 1)[-1]
    if "const" in node:
        return _literal([node["const"]])
    if "enum" in node:
        return _literal(list(node["enum"]))
    for union in ("anyOf", "oneOf"):
        if union in node:
            members = list(dict.fromkeys(_type_of(m) for m in node[union]))
            return " | ".join(members)
    kind = node.get("type")
    if kind == "array":
        return f"list[{_type_of(node.get('items', {}))}]"
    if kind == "object":
        extra = node.get("additionalProperties")
        value = _type_of(extra) if isinstance(extra, dict) else "Any"
        return f"dict[str, {value}]"
    if isinstance(kind, str) and kind in _SCALARS:
        return _SCALARS[kind]
    return "Any"


def _typed_dict(name: str, node: dict[str, Any]) -> str:
    required = set(node.get("required", []))
    description = str(node.get("description", "")).strip().splitlines()
    lines = [f"class {name}(TypedDict):"]
    if description:
        lines.append(f'    """{description[0]}"""')
        lines.append("")
    properties: dict[str, Any] = node.get("properties", {})
    if not properties:
        lines.append("    pass" if not description else "")
    for field, schema in sorted(properties.items()):
        if not field.isidentifier() or keyword.iskeyword(field):
            raise ValueError(f"{name}.{field} is not a Python identifier")
        annotation = _type_of(schema)
        if field not in required:
            annotation = f"NotRequired[{annotation}]"
        lines.append(f"    {field}: {annotation}")
    return "\n".join(line for line in lines).rstrip() + "\n"


def typed_dicts_source(
    schema: dict[str, Any], constants: dict[str, tuple[str, ...] | str | int]
) -> str:
    """Python source: one ``TypedDict`` per model of ``schema`` and the given constants."""
    parts: list[str] = []
    for name, value in constants.items():
        if isinstance(value, tuple):
            body = "".join(f"    {_quote(v)},\n" for v in value)
            parts.append(f"{name}: tuple[str, ...] = (\n{body})\n")
        else:
            parts.append(f"{name} = {_quote(value)}\n")
    definitions: dict[str, Any] = schema.get("$defs", {})
    for name in sorted(definitions):
        node = definitions[name]
        if node.get("type") == "object" or "properties" in node:
            parts.append(_typed_dict(name, node))
        else:
            parts.append(f"{name} = {_type_of(node)}\n")
    return _HEADER + "\n" + "\n\n".join(parts)
