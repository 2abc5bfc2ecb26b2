"""Following one prompt's turn for headless output: the ``stream-json`` lines as they happen and
the figures of the final ``result`` (turns, API time, usage per model, denials).

:class:`TurnLines` is the engine's :class:`TurnObserver` for the session; the session's own
events add who approved a call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from claude_server.engine import DenialSource
from claude_server.headless._shapes import (
    assistant_line,
    raw_events,
    stream_line,
    system_line,
    tool_result_line,
)
from claude_server.headless._sink import Sink
from claude_server.model import (
    BlockCompleted,
    MessageCompleted,
    MessageStarted,
    PermissionResolvedEvent,
    SessionEvent,
    StreamEvent,
    StreamRetrying,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
)
from claude_server.provider import estimate_cost, model_info


@dataclass(slots=True)
class ModelTally:
    """Tokens and cost of one model's responses."""

    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0

    def to_wire(self, model: str) -> dict[str, Any]:
        """As one entry of ``modelUsage``."""
        info = model_info(model)
        return {
            "inputTokens": self.usage.input_tokens,
            "outputTokens": self.usage.output_tokens,
            "cacheReadInputTokens": self.usage.cache_read_input_tokens,
            "cacheCreationInputTokens": self.usage.cache_creation_input_tokens,
            "webSearchRequests": 0,
            "costUSD": round(self.cost_usd, 6),
            "contextWindow": info.context_window if info is not None else None,
            "maxOutputTokens": info.max_output if info is not None else None,
        }


@dataclass(slots=True)
class PromptFigures:
    """What one prompt's turn cost and did."""

    started: float = field(default_factory=time.monotonic)
    requests: int = 0
    """Requests of the main agent (``num_turns``)."""
    api_seconds: float = 0.0
    ttft_ms: int | None = None
    stop_reason: str | None = None
    models: dict[str, ModelTally] = field(default_factory=dict)
    denials: list[dict[str, Any]] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)

    @property
    def usage(self) -> Usage:
        """Every model's tokens together."""
        total = Usage()
        for tally in self.models.values():
            total = total + tally.usage
        return total

    @property
    def cost_usd(self) -> float:
        """Every model's cost together."""
        return sum(t.cost_usd for t in self.models.values())


class TurnLines:
    """Writes a turn's ``stream-json`` lines (when ``sink`` is given) and keeps its figures."""

    def __init__(
        self,
        session_id: str,
        sink: Sink | None,
        *,
        partial: bool = False,
        budget_usd: float | None = None,
        over_budget: Callable[[], object] = lambda: None,
    ) -> None:
        self.session_id = session_id
        self._sink = sink
        self._partial = partial
        self._budget = budget_usd
        self._over_budget = over_budget
        self.figures = PromptFigures()
        self._started: dict[str | None, MessageStarted] = {}
        self._request_at: dict[str | None, float] = {}
        self._ttft_ms: int | None = None
        self._decisions: dict[str, dict[str, Any]] = {}
        self.over_budget = False

    @property
    def sink(self) -> Sink | None:
        """Where the lines go (``None``: figures only)."""
        return self._sink

    def begin(self) -> None:
        """A new prompt: its figures start from zero."""
        self.figures = PromptFigures()
        self._decisions.clear()

    def _write(self, line: dict[str, Any]) -> None:
        if self._sink is not None:
            self._sink.json(line)

    # -- TurnObserver ---------------------------------------------------------------------------

    def requesting(self, parent_tool_call_id: str | None) -> None:
        """Count the request; Claude Code says so before each one with partial messages."""
        self._request_at[parent_tool_call_id] = time.monotonic()
        if parent_tool_call_id is None:
            self.figures.requests += 1
        if self._partial:
            self._write(system_line(self.session_id, "status", status="requesting"))

    def stream(self, event: StreamEvent, parent_tool_call_id: str | None) -> None:
        """Lines for one stream event; figures when the response completes."""
        parent = parent_tool_call_id
        if isinstance(event, MessageStarted):
            self._started[parent] = event
            self.figures.message_ids.append(event.message_id)
            began = self._request_at.get(parent)
            self._ttft_ms = None if began is None else round((time.monotonic() - began) * 1000)
            if self.figures.ttft_ms is None:
                self.figures.ttft_ms = self._ttft_ms
        elif isinstance(event, StreamRetrying):
            self._write(
                system_line(
                    self.session_id,
                    "api_retry",
                    attempt=event.attempt,
                    max_retries=event.max_attempts,
                    retry_delay_ms=round(event.delay * 1000),
                    error_status=None,
                    error=event.reason,
                )
            )
            return
        started = self._started.get(parent)
        if isinstance(event, BlockCompleted) and started is not None:
            # Claude Code sends the whole block after its last delta, before its stop event.
            self._write(assistant_line(self.session_id, started, event.block, parent, None))
        if self._partial and started is not None:
            for raw in raw_events(event):
                line = stream_line(self.session_id, raw, parent, started.message_id)
                if raw["type"] == "message_start":
                    # As Claude Code: the first event of a reply says how long it took to come.
                    message_id = line.pop("api_message_id")
                    line.update(
                        ttft_ms=self._ttft_ms, thinking_display="updates", api_message_id=message_id
                    )
                self._write(line)
        if isinstance(event, MessageCompleted):
            self._completed(event, parent)

    def _completed(self, event: MessageCompleted, parent: str | None) -> None:
        message = event.message
        began = self._request_at.pop(parent, None)
        if began is not None:
            self.figures.api_seconds += time.monotonic() - began
        model = message.model or (self._started[parent].model if parent in self._started else "")
        tally = self.figures.models.setdefault(model, ModelTally())
        tally.usage = tally.usage + message.usage
        tally.cost_usd += estimate_cost(model, message.usage) or 0.0
        if parent is None:
            self.figures.stop_reason = message.stop_reason
        budget = self._budget
        if budget is not None and not self.over_budget and self.figures.cost_usd >= budget:
            self.over_budget = True
            self._over_budget()

    def tool_results(
        self, results: Sequence[ToolResultBlock], parent_tool_call_id: str | None
    ) -> None:
        """One ``user`` line per result."""
        for result in results:
            decision = self._decisions.get(result.tool_use_id) or {
                "decision": "accept",
                "source": "config",
            }
            self._write(tool_result_line(self.session_id, result, parent_tool_call_id, decision))

    def denied(self, call: ToolUseBlock, message: str, source: DenialSource) -> None:
        """Listed in the result's ``permission_denials``; a ``permission_denied`` line unless a
        person (or the SDK's callback) said no, as Claude Code does."""
        self.figures.denials.append(
            {"tool_name": call.name, "tool_use_id": call.id, "tool_input": call.input}
        )
        wire_source = {"rule": "config", "nobody": "config", "hook": "hook", "user": "user"}
        self._decisions[call.id] = {"decision": "reject", "source": wire_source[source]}
        if source != "user":
            self._write(
                system_line(
                    self.session_id,
                    "permission_denied",
                    tool_name=call.name,
                    tool_use_id=call.id,
                    message=message,
                )
            )

    # -- the session's events -------------------------------------------------------------------

    def on_event(self, _seq: int, event: SessionEvent) -> None:
        """A call a person allowed is marked so in its result's meta."""
        if isinstance(event, PermissionResolvedEvent) and event.outcome == "allowed":
            self._decisions[event.tool_call_id] = {"decision": "accept", "source": "user"}
