"""One turn of the agent loop: ask the model, run the tools it wants, repeat until it is done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from claude_server.engine._executor import CallsState, ExecEnv, run_tool_calls
from claude_server.engine._observer import TurnObserver
from claude_server.model import (
    AgentTextEvent,
    AgentThoughtEvent,
    AssistantMessage,
    Effort,
    ErrorEvent,
    Message,
    MessageCompleted,
    ModelRequest,
    Provider,
    RetryingEvent,
    SessionEvent,
    StreamRetrying,
    TextDelta,
    ThinkingConfig,
    ThinkingDelta,
    ToolResultBlock,
    ToolUseBlock,
    Usage,
    UsageEvent,
)
from claude_server.provider import estimate_cost

Emit = Callable[[SessionEvent], object]


@dataclass(slots=True)
class TurnState:
    """What a turn has produced so far; kept current so a cancel or failure can be recorded."""

    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = 0.0
    """Estimated cost so far; ``None`` once a response came from a model without a price."""
    partial_text: list[str] = field(default_factory=list)
    """Text streamed in the response being received (cleared when it completes)."""
    pending_calls: list[ToolUseBlock] = field(default_factory=list)
    """Tool calls of the stored response whose results are not in the conversation yet."""
    calls: CallsState = field(default_factory=CallsState)
    last_mark: tuple[Usage, int] | None = None
    """The last response's usage and how many messages its request held (for compaction)."""


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """How a turn ended."""

    stop_reason: str
    usage: Usage
    cost_usd: float | None = None


@dataclass(frozen=True, slots=True)
class TurnConfig:
    """The fixed inputs of a turn."""

    model: str
    max_tokens: int
    system: str | None = None
    max_turns: int = 20
    """Model calls allowed in one turn before it stops with ``max_turns``."""
    thinking: ThinkingConfig | None = None
    effort: Effort | None = None


async def run_turn(
    messages: list[Message],
    provider: Provider,
    config: TurnConfig,
    emit: Emit,
    state: TurnState,
    session_usage: Callable[[Usage, float | None], tuple[Usage, float | None]],
    tools: ExecEnv | None = None,
    on_stop: Callable[[bool], Awaitable[str | None]] | None = None,
    observer: TurnObserver | None = None,
) -> TurnOutcome:
    """Drive the model until it stops asking for tools; ``messages`` grows in place.

    ``session_usage`` adds a response's usage and cost to the session's totals and returns them.
    ``on_stop`` runs when the model is done (the Stop hooks); a text it returns is given to the
    model as feedback and the loop goes on. Its argument says whether that already happened.
    ``observer`` is told each request, stream event and batch of tool results.
    """
    parent = tools.parent_tool_call_id if tools is not None else None
    stop_hook_active = False
    definitions = tools.tools.definitions() if tools is not None else []
    for _ in range(config.max_turns):
        request = ModelRequest(
            model=config.model,
            messages=list(messages),
            max_tokens=config.max_tokens,
            system=config.system,
            tools=definitions,
            thinking=config.thinking,
            effort=config.effort,
        )
        if observer is not None:
            observer.requesting(parent)
        response = await _stream_one(provider, request, emit, state, observer, parent)
        cost = estimate_cost(response.model or config.model, response.usage)
        state.usage = state.usage + response.usage
        state.last_mark = (response.usage, len(request.messages))
        state.cost_usd = None if cost is None or state.cost_usd is None else state.cost_usd + cost
        total, total_cost = session_usage(response.usage, cost)
        emit(UsageEvent(state.usage, total, state.cost_usd, total_cost))
        stop = response.stop_reason or "end_turn"
        stored = _storable(response, stop)
        if stored.content:
            messages.append(stored)
        dropped = _dropped_calls(response, stored)
        if dropped:
            # Said to the user now, and to the model with the next prompt (merged into it).
            note = (
                f"The answer reached the output limit ({config.max_tokens} tokens) while "
                f"writing a call to {', '.join(dropped)}; the call was not run."
            )
            emit(ErrorEvent("max_tokens", note))
            messages.append(Message.user_text(f"[{note}]"))
        calls = [b for b in stored.content if isinstance(b, ToolUseBlock)]
        if not calls:
            feedback = await on_stop(stop_hook_active) if on_stop is not None else None
            if feedback is None or not stored.content:
                return TurnOutcome(stop_reason=stop, usage=state.usage, cost_usd=state.cost_usd)
            stop_hook_active = True
            messages.append(Message.user_text(f"Stop hook feedback:\n{feedback}"))
            continue
        state.pending_calls = calls
        state.calls = CallsState()
        if tools is None:
            results = [_no_tools_result(call) for call in calls]
        else:
            results = await run_tool_calls(calls, tools, state.calls)
        messages.append(Message(role="user", content=list(results)))
        if observer is not None:
            observer.tool_results(results, parent)
        state.pending_calls = []
    return TurnOutcome(stop_reason="max_turns", usage=state.usage, cost_usd=state.cost_usd)


def _storable(response: AssistantMessage, stop: str) -> Message:
    # Tool calls only run when the model stopped to use them; a call cut off by max_tokens
    # (or any other stop) would leave a tool_use without a result, which the API rejects on
    # the next request, so it is not kept.
    message = response.as_message()
    if stop != "tool_use":
        message.content = [b for b in message.content if not isinstance(b, ToolUseBlock)]
    return message


def _dropped_calls(response: AssistantMessage, stored: Message) -> list[str]:
    """The tools of the calls :func:`_storable` left out (cut off by a stop)."""
    kept = {b.id for b in stored.content if isinstance(b, ToolUseBlock)}
    return [
        b.name
        for b in response.as_message().content
        if isinstance(b, ToolUseBlock) and b.id not in kept
    ]


def _no_tools_result(call: ToolUseBlock) -> ToolResultBlock:
    return ToolResultBlock(
        tool_use_id=call.id,
        content=f"Error: no tool named {call.name!r} is available.",
        is_error=True,
    )


async def _stream_one(
    provider: Provider,
    request: ModelRequest,
    emit: Emit,
    state: TurnState,
    observer: TurnObserver | None,
    parent: str | None,
) -> AssistantMessage:
    state.partial_text.clear()
    async for event in provider.stream(request):
        if observer is not None:
            observer.stream(event, parent)
        if isinstance(event, TextDelta):
            state.partial_text.append(event.text)
            emit(AgentTextEvent(text=event.text))
        elif isinstance(event, ThinkingDelta):
            emit(AgentThoughtEvent(text=event.thinking))
        elif isinstance(event, StreamRetrying):
            # The provider restarts the response from scratch: what streamed so far is void.
            state.partial_text.clear()
            emit(RetryingEvent(event.attempt, event.max_attempts, event.delay, event.reason))
        elif isinstance(event, MessageCompleted):
            state.partial_text.clear()
            return event.message
    raise RuntimeError("provider stream ended without a complete message")
