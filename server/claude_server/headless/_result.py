"""How a headless prompt ended, and the ``result`` object Claude Code writes for it.

The exit code follows ``is_error``: a denied tool is not an error, a turn stopped by
``--max-turns``, ``--max-budget-usd``, an interrupt or a failed API call is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from claude_server.errors import ApiError, ClaudePyError, ProviderError
from claude_server.headless._report import PromptFigures
from claude_server.headless._shapes import new_uuid, usage_dict


@dataclass(frozen=True, slots=True)
class Ending:
    """The end of one prompt's turn, in Claude Code's terms."""

    subtype: str
    is_error: bool
    terminal_reason: str
    result: str | None = None
    """The answer (``success`` only)."""
    errors: tuple[str, ...] = field(default=())
    """What went wrong (``error_*`` subtypes only)."""
    api_error_status: int | None = None
    api_error_type: str | None = None


def finished(stop_reason: str, answer: str, *, max_turns: int, budget: float | None) -> Ending:
    """The ending of a turn that returned ``stop_reason``."""
    if stop_reason == "max_turns":
        return Ending(
            "error_max_turns",
            True,
            "max_turns",
            errors=(f"Reached maximum number of turns ({max_turns})",),
        )
    if stop_reason == "cancelled" and budget is not None:
        return Ending(
            "error_max_budget_usd",
            True,
            "max_budget",
            errors=(f"Reached maximum budget (${budget:g})",),
        )
    if stop_reason == "cancelled":
        return Ending(
            "error_during_execution",
            True,
            "aborted_streaming",
            errors=("The turn was interrupted",),
        )
    if stop_reason == "blocked":
        return Ending(
            "error_during_execution",
            True,
            "hook_blocked",
            errors=("A UserPromptSubmit hook blocked the prompt",),
        )
    return Ending("success", False, "completed", result=answer)


def failed(error: ClaudePyError) -> Ending:
    """The ending of a turn that failed with ``error``."""
    if isinstance(error, ProviderError):
        status = error.status if isinstance(error, ApiError) else None
        kind = error.error_type if isinstance(error, ApiError) else None
        # As Claude Code: an API failure is a "success" whose text is the error.
        return Ending(
            "success",
            True,
            "api_error",
            result=f"API Error: {error.message}",
            api_error_status=status,
            api_error_type=kind,
        )
    return Ending("error_during_execution", True, "error", errors=(error.message,))


def result_line(
    session_id: str,
    ending: Ending,
    figures: PromptFigures,
    *,
    result_index: int,
    partial: bool = False,
) -> dict[str, Any]:
    """The ``result`` object, keys in Claude Code's order."""
    line: dict[str, Any] = {
        "duration_api_ms": round(figures.api_seconds * 1000),
        "stop_reason": figures.stop_reason,
        "session_id": session_id,
        "total_cost_usd": round(figures.cost_usd, 6),
        "usage": usage_dict(figures.usage),
        "modelUsage": {model: t.to_wire(model) for model, t in figures.models.items()},
        "permission_denials": list(figures.denials),
        "terminal_reason": ending.terminal_reason,
        "is_error": ending.is_error,
        # Claude Code counts the turn it refused to start when --max-turns stops it.
        "num_turns": figures.requests + (1 if ending.subtype == "error_max_turns" else 0),
        "subtype": ending.subtype,
    }
    if ending.subtype == "success":
        line["api_error_status"] = ending.api_error_status
        if ending.api_error_type is not None:
            line["api_error_type"] = ending.api_error_type
        line["result"] = ending.result or ""
        if figures.ttft_ms is not None:
            line["ttft_ms"] = figures.ttft_ms
    else:
        line["errors"] = list(ending.errors)
    line["type"] = "result"
    line["duration_ms"] = round((time.monotonic() - figures.started) * 1000)
    line["uuid"] = new_uuid()
    if partial:
        line["begun_message_ids"] = list(figures.message_ids)
    line["queued_turn_count"] = 0
    line["result_index"] = result_index
    return line
