"""From a :class:`~claude_server.model.ModelRequest` to the Messages API's JSON body and headers.

Body. ``model`` (an alias resolved by :func:`~._models.resolve_model`), ``max_tokens``, ``messages`` (every block as :meth:`to_api` gives it, so blocks
the API sent, thinking signatures included, go back exactly as received), ``system``,
``tools``, ``tool_choice``, ``thinking``, ``output_config`` (effort), ``metadata``,
``stop_sequences``, ``temperature`` and ``stream``; optional fields are left out when unset.

Prompt caching (``request.cache``), the way Claude Code does it:

- the system prompt is sent as text blocks, the last one marked
  ``cache_control: {"type": "ephemeral"}``;
- a rolling breakpoint marks the last block of the newest message that can carry one
  (thinking, redacted thinking and empty text blocks cannot; see :func:`_cacheable`), so each
  request reads the previous request's prefix from the cache and writes its own;
- tools are never marked (their definitions sit before the system prompt, so the system
  breakpoint covers them);
- the API allows at most :data:`MAX_CACHE_BREAKPOINTS` breakpoints. Markers the caller put on
  blocks are kept while they fit; beyond the limit the oldest message markers go first, then
  system, then tool markers, and the two added here are kept.

Thinking (:func:`thinking_param`) and effort (:func:`effort_param`) are fitted to the model
using the facts in :mod:`._models`; for a model not in that table they are sent as asked.

Headers: beta flags (the request's, those a feature needs, and any the credential's headers
already carry) are merged, without duplicates and in first-seen order, into ONE
``anthropic-beta`` header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from claude_server.errors import ConfigError
from claude_server.model import EFFORT_LEVELS, Effort, ModelRequest, ThinkingConfig
from claude_server.provider._models import ModelInfo, model_info, resolve_model

__all__ = [
    "DEFAULT_THINKING_BUDGET",
    "MAX_CACHE_BREAKPOINTS",
    "MIN_THINKING_BUDGET",
    "BuiltRequest",
    "build_count_tokens_request",
    "build_request",
    "effort_param",
    "merge_betas",
    "request_headers",
    "thinking_param",
]

log = logging.getLogger(__name__)

MAX_CACHE_BREAKPOINTS: Final = 4
"""The most ``cache_control`` markers the API accepts in one request."""

MIN_THINKING_BUDGET: Final = 1024
"""The smallest ``thinking.budget_tokens`` the API accepts."""

DEFAULT_THINKING_BUDGET: Final = 16_000
"""The budget used when adaptive thinking is asked of a model that only takes a budget."""

_EPHEMERAL: Final = {"type": "ephemeral"}

# Block types that accept cache_control; anything else (thinking, redacted_thinking, types
# newer than this code) is skipped rather than risking a rejected request.
_CACHEABLE_TYPES: Final = frozenset(
    {
        "text",
        "image",
        "document",
        "search_result",
        "tool_use",
        "tool_result",
        "server_tool_use",
        "mcp_tool_use",
        "container_upload",
    }
)


@dataclass(slots=True)
class BuiltRequest:
    """The JSON body of one request and the beta flags it needs."""

    body: dict[str, Any]
    betas: list[str] = field(default_factory=list)


# --- betas and headers ----------------------------------------------------------------------


def merge_betas(*groups: Iterable[str] | str | None) -> list[str]:
    """Beta flags from ``groups`` (lists, or comma-separated header values), deduplicated."""
    merged: list[str] = []
    for group in groups:
        if group is None:
            continue
        items = group.split(",") if isinstance(group, str) else group
        for item in items:
            flag = item.strip()
            if flag and flag not in merged:
                merged.append(flag)
    return merged


def request_headers(base: Mapping[str, str], betas: Iterable[str]) -> dict[str, str]:
    """``base`` headers plus ``betas``, merged with any ``anthropic-beta`` already in ``base``."""
    headers: dict[str, str] = {}
    existing: list[str] = []
    for name, value in base.items():
        if name.lower() == "anthropic-beta":
            existing.append(value)
        else:
            headers[name] = value
    merged = merge_betas(*existing, betas)
    if merged:
        headers["anthropic-beta"] = ",".join(merged)
    return headers


# --- thinking and effort --------------------------------------------------------------------


def thinking_param(
    config: ThinkingConfig | None, model: str, max_tokens: int
) -> tuple[dict[str, Any] | None, list[str]]:
    """The ``thinking`` object for ``config`` on ``model`` (``None``: leave it out), with betas.

    Fitting to the model (known models only):

    - ``off`` becomes ``{"type": "disabled"}``, or nothing for a model whose thinking is
      always on (it cannot be turned off there);
    - ``adaptive`` on a model that only takes a budget becomes a budget of
      :data:`DEFAULT_THINKING_BUDGET`; a budget on a model that only takes adaptive thinking
      becomes adaptive (the budget is dropped);
    - thinking asked of a model that cannot think is left out.

    A budget is kept within what the API accepts: raised to :data:`MIN_THINKING_BUDGET` and
    lowered below ``max_tokens`` (which counts thinking and answer together). When
    ``max_tokens`` leaves no room for the minimum budget, :class:`ConfigError` says so.
    """
    if config is None:
        return None, []
    info = model_info(model)
    mode = config.mode
    budget = config.budget_tokens
    if mode == "off":
        if info is not None and info.thinking_always_on:
            log.debug("thinking cannot be turned off on %s; leaving it on", model)
            return None, []
        return {"type": "disabled"}, []
    if info is not None:
        if not info.supports_thinking:
            log.debug("%s cannot think; no thinking requested", model)
            return None, []
        if mode == "adaptive" and not info.supports_adaptive_thinking:
            mode, budget = "enabled", DEFAULT_THINKING_BUDGET
        elif mode == "enabled" and "enabled" not in info.thinking:
            mode = "adaptive"
    param: dict[str, Any]
    betas: list[str] = []
    if mode == "adaptive":
        param = {"type": "adaptive"}
    else:
        param = {"type": "enabled", "budget_tokens": _fit_budget(budget or 0, max_tokens)}
        if info is not None and info.interleaved_thinking_beta:
            betas.append(info.interleaved_thinking_beta)
    if config.display is not None:
        param["display"] = config.display
    return param, betas


def _fit_budget(budget: int, max_tokens: int) -> int:
    if max_tokens <= MIN_THINKING_BUDGET:
        raise ConfigError(
            f"Thinking with a token budget needs max_tokens above {MIN_THINKING_BUDGET} "
            f"(it is {max_tokens}): the budget is part of max_tokens and must be at least "
            f"{MIN_THINKING_BUDGET}."
        )
    return min(max(budget, MIN_THINKING_BUDGET), max_tokens - 1)


def effort_param(effort: Effort | None, model: str) -> tuple[Effort | None, list[str]]:
    """The effort level to send for ``model`` (``None``: leave it out), with betas.

    A model not in the table gets the level as asked. A known model without effort support
    gets none; a level the model lacks becomes the nearest lower level it has.
    """
    if effort is None:
        return None, []
    info = model_info(model)
    if info is None:
        return effort, []
    if not info.effort_levels:
        log.debug("%s has no effort setting; %r not sent", model, effort)
        return None, []
    level = _fit_effort(effort, info)
    return level, [info.effort_beta] if info.effort_beta else []


def _fit_effort(effort: Effort, info: ModelInfo) -> Effort:
    if effort in info.effort_levels:
        return effort
    wanted = EFFORT_LEVELS.index(effort)
    lower = [level for level in info.effort_levels if EFFORT_LEVELS.index(level) <= wanted]
    return lower[-1] if lower else info.effort_levels[0]


# --- prompt caching -------------------------------------------------------------------------


def _cacheable(block: Any) -> bool:
    if not isinstance(block, dict):
        return False
    kind = block.get("type")
    if not isinstance(kind, str):
        return False
    if kind == "text":
        text = block.get("text")
        return isinstance(text, str) and text != ""
    return kind in _CACHEABLE_TYPES or kind.endswith("_tool_result")


def _system_blocks(system: str | list[dict[str, Any]], cache: bool) -> Any:
    if isinstance(system, str):
        if not cache:
            return system
        return [{"type": "text", "text": system}]
    # Copies: the markers added below must not leak into the caller's list.
    return [dict(block) for block in system]


def _markers(blocks: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Every block (nested tool result content included) that carries ``cache_control``."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if "cache_control" in block:
            yield block
        nested = block.get("content")
        if isinstance(nested, list):
            yield from _markers(nested)


def _place_breakpoints(body: dict[str, Any], cache: bool) -> None:
    system = body.get("system")
    system_blocks = system if isinstance(system, list) else []
    messages: list[dict[str, Any]] = body["messages"]
    ours: list[dict[str, Any]] = []
    if cache:
        last_system = next((b for b in reversed(system_blocks) if _cacheable(b)), None)
        if last_system is not None:
            last_system.setdefault("cache_control", dict(_EPHEMERAL))
            ours.append(last_system)
        newest = _newest_cacheable(messages)
        if newest is not None:
            newest.setdefault("cache_control", dict(_EPHEMERAL))
            ours.append(newest)
    # Removal order when over the limit: oldest message markers first, then system, then tools.
    removable = [
        *_markers(block for message in messages for block in _content(message)),
        *_markers(system_blocks),
        *_markers(body.get("tools", [])),
    ]
    excess = len(removable) - MAX_CACHE_BREAKPOINTS
    for block in removable:
        if excess <= 0:
            break
        if any(block is mine for mine in ours):
            continue
        del block["cache_control"]
        excess -= 1


def _content(message: Any) -> list[Any]:
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, list) else []


def _newest_cacheable(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for message in reversed(messages):
        for block in reversed(_content(message)):
            if _cacheable(block):
                return block  # type: ignore[no-any-return]
    return None


# --- the body -------------------------------------------------------------------------------


def _common(request: ModelRequest) -> BuiltRequest:
    """The parts shared by a Messages request and a count_tokens request."""
    body: dict[str, Any] = {
        # An alias ("sonnet") is sent as the model it stands for; other names go as given.
        "model": resolve_model(request.model),
        "messages": [message.to_api() for message in request.messages],
    }
    if request.system:
        body["system"] = _system_blocks(request.system, request.cache)
    if request.tools:
        # Copies, for the same reason as the system blocks (markers may be removed).
        body["tools"] = [dict(tool) for tool in request.tools]
    if request.tool_choice is not None:
        body["tool_choice"] = request.tool_choice
    thinking, thinking_betas = thinking_param(request.thinking, request.model, request.max_tokens)
    if thinking is not None:
        body["thinking"] = thinking
    effort, effort_betas = effort_param(request.effort, request.model)
    if effort is not None:
        body["output_config"] = {"effort": effort}
    _place_breakpoints(body, request.cache)
    return BuiltRequest(body, merge_betas(request.betas, thinking_betas, effort_betas))


def build_request(request: ModelRequest, *, stream: bool = True) -> BuiltRequest:
    """The body and betas of a Messages API request for ``request``."""
    built = _common(request)
    body = built.body
    body["max_tokens"] = request.max_tokens
    if request.metadata:
        body["metadata"] = request.metadata
    if request.stop_sequences:
        body["stop_sequences"] = request.stop_sequences
    if request.temperature is not None:
        body["temperature"] = request.temperature
    body["stream"] = stream
    return built


def build_count_tokens_request(request: ModelRequest) -> BuiltRequest:
    """The body and betas of ``POST /v1/messages/count_tokens`` for ``request``.

    The same prompt as :func:`build_request` (model, messages, system, tools, tool choice,
    thinking, effort), without the fields that endpoint does not take: ``max_tokens``,
    ``stream``, ``metadata``, ``stop_sequences`` and ``temperature``.
    """
    return _common(request)
