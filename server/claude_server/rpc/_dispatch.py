"""Registering handlers: validate params, call the handler, translate errors, dump the result."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from claude_server.errors import ClaudePyError
from claude_server.protocol import METHODS, WireModel

log = logging.getLogger(__name__)

Handler = Callable[[Any], Awaitable[WireModel | None]]
"""A handler: takes the validated params model, returns the result model (or None)."""


def describe_validation_error(method: str, exc: ValidationError) -> str:
    """One readable line naming each bad field."""
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(x) for x in err["loc"]) or "params"
        parts.append(f"{where}: {err['msg']}")
    return f"Invalid params for {method}: " + "; ".join(parts)


def _wrap(method: str, handler: Handler) -> Callable[[Any], Awaitable[Any]]:
    spec = METHODS[method]

    async def feature(params: Any) -> Any:
        try:
            model = spec.params.model_validate(params or {}) if spec.params is not None else None
        except ValidationError as exc:
            raise JsonRpcInvalidParams(message=describe_validation_error(method, exc)) from None
        try:
            result = await handler(model)
        except ClaudePyError as exc:
            raise JsonRpcException(
                code=exc.rpc_code, message=exc.message, data=exc.to_dict()
            ) from None
        except (asyncio.CancelledError, JsonRpcException):
            raise
        except Exception:
            log.exception("handler of %s failed", method)
            raise JsonRpcInternalError(
                message="Internal error; the daemon's log has details"
            ) from None
        return None if result is None else result.to_wire()

    feature.__name__ = f"handle_{method.replace('/', '_')}"
    return feature


def register(server: LanguageServer, handlers: dict[str, Handler]) -> None:
    """Register ``handlers`` (method name -> handler) with ``server``.

    Every name must be in :data:`METHODS`, so the table stays the single list of what exists.
    """
    for method, handler in handlers.items():
        if method not in METHODS:
            raise KeyError(f"{method} is not in the protocol's method table")
        server.feature(method)(_wrap(method, handler))
