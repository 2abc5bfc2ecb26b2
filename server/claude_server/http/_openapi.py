"""The OpenAPI 3.1 document, generated from the route table and the protocol's models."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from claude_server import __version__
from claude_server import protocol as p
from claude_server.http._routes import ROUTES

_REF = "#/components/schemas/{model}"


def _ref(model: type[p.WireModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _error_responses() -> dict[str, Any]:
    content = {"application/json": {"schema": _ref(p.HttpError)}}
    return {
        "400": {"description": "Invalid request body or parameters", "content": content},
        "401": {"description": "Missing or wrong token", "content": content},
        "403": {"description": "Host or Origin not allowed", "content": content},
        "404": {"description": "No such route or session", "content": content},
    }


def openapi_document() -> dict[str, Any]:
    """The document ``GET /openapi.json`` serves."""
    models: list[type[p.WireModel]] = [p.HttpError, p.ChatStarted, p.SessionUpdateParams]
    for route in ROUTES:
        models += [m for m in (route.body, route.result) if m is not None]
    unique = list(dict.fromkeys(models))
    _, schemas = models_json_schema(
        [(m, "serialization") for m in unique], by_alias=True, ref_template=_REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        operation: dict[str, Any] = {
            "operationId": route.operation,
            "summary": route.summary,
            "security": [{"bearer": []}],
            "responses": _error_responses(),
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _placeholders(route.path)
        ]
        if parameters:
            operation["parameters"] = parameters
        if route.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(route.body)}},
            }
        content: dict[str, Any] = (
            {"application/json": {"schema": _ref(route.result)}}
            if route.result is not None
            else {"application/json": {"schema": {"type": "object"}}}
        )
        if route.streams:
            content["text/event-stream"] = {
                "schema": {"type": "string"},
                "description": "Events `session` (ChatStarted), `update` (SessionUpdateParams), "
                "then `result` (ChatResult) or `error` (HttpError).",
            }
        operation["responses"]["200"] = {"description": "OK", "content": content}
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "claude-py HTTP API", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _placeholders(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
