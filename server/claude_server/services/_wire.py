"""Engine events to wire updates: the only place the two vocabularies meet."""

from __future__ import annotations

import typing

from claude_server import protocol as p
from claude_server.model import (
    AgentTextEvent,
    AgentThoughtEvent,
    CompactionEvent,
    ConversationRewoundEvent,
    DiffDisplay,
    ErrorEvent,
    ModeChangedEvent,
    ModelChangedEvent,
    PermissionResolvedEvent,
    PlanEvent,
    RetryingEvent,
    SessionEvent,
    TerminalDisplay,
    TextDisplay,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolDisplay,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UsageEvent,
    UserMessageEvent,
)
from claude_server.services._workspace import WorkspaceReport
from claude_server.sessions import SessionSummary

_STOP_REASONS: frozenset[str] = frozenset(typing.get_args(p.StopReason))


def wire_usage(usage: Usage) -> p.Usage:
    """Usage in the protocol's shape."""
    return p.Usage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_creation_input_tokens=usage.cache_creation_input_tokens,
        cache_read_input_tokens=usage.cache_read_input_tokens,
    )


def _cents(cost: float | None) -> float | None:
    # Six decimals keep sub-cent precision without float noise on the wire.
    return None if cost is None else round(cost, 6)


def wire_stop_reason(reason: str) -> p.StopReason:
    """A stop reason the protocol knows; an unknown one from a newer API counts as end_turn."""
    return reason if reason in _STOP_REASONS else "end_turn"  # type: ignore[return-value]


def wire_content(display: ToolDisplay) -> p.ToolCallContent:
    """A tool's display item in the protocol's shape."""
    match display:
        case DiffDisplay(path=path, old_text=old, new_text=new):
            return p.DiffContent(path=path, old_text=old, new_text=new)
        case TerminalDisplay(output=output, exit_code=code):
            return p.TerminalContent(output=output, exit_code=code)
        case TextDisplay(text=text):
            return p.TextContent(text=text)


def to_update(event: SessionEvent) -> p.SessionUpdate:
    """The ``update`` member of the ``session/update`` that reports ``event``."""
    match event:
        case AgentTextEvent(text=text):
            return p.AgentMessageChunkUpdate(text=text)
        case AgentThoughtEvent(text=text):
            return p.AgentThoughtChunkUpdate(text=text)
        case UserMessageEvent(text=text):
            return p.UserMessageUpdate(text=text)
        case TurnStartedEvent(turn_id=turn_id):
            return p.TurnStartedUpdate(turn_id=turn_id)
        case TurnCompletedEvent(turn_id=turn_id, stop_reason=reason, usage=usage):
            return p.TurnCompletedUpdate(
                turn_id=turn_id,
                stop_reason=wire_stop_reason(reason),
                usage=wire_usage(usage),
                cost_usd=_cents(event.cost_usd),
            )
        case UsageEvent(turn=turn, total=total):
            return p.UsageUpdate(
                turn=wire_usage(turn),
                total=wire_usage(total),
                turn_cost_usd=_cents(event.turn_cost_usd),
                total_cost_usd=_cents(event.total_cost_usd),
            )
        case RetryingEvent():
            return p.RetryingUpdate(
                attempt=event.attempt,
                max_attempts=event.max_attempts,
                delay_seconds=event.delay,
                reason=event.reason,
            )
        case ErrorEvent(code=code, message=message, retryable=retryable):
            return p.ErrorUpdate(code=code, message=message, retryable=retryable)
        case ToolCallEvent():
            return p.ToolCallUpdate(
                tool_call=p.ToolCallInfo(
                    tool_call_id=event.tool_call_id,
                    tool_name=event.tool_name,
                    title=event.title,
                    kind=event.kind,
                    input=event.input,
                    parent_tool_call_id=event.parent_tool_call_id,
                )
            )
        case ToolCallUpdateEvent():
            return p.ToolCallProgressUpdate(
                tool_call_id=event.tool_call_id,
                status=event.status,
                content=[wire_content(c) for c in event.content],
                progress=event.progress,
            )
        case PlanEvent(entries=entries):
            return p.PlanUpdate(entries=[p.PlanEntry.model_validate(e) for e in entries])
        case ModeChangedEvent(mode=mode):
            return p.ModeChangedUpdate(mode=mode)
        case ModelChangedEvent(model=model):
            return p.ModelChangedUpdate(model=model)
        case ConversationRewoundEvent(
            kept_messages=kept, restored_files=files, dropped_prompts=dropped
        ):
            return p.ConversationRewoundUpdate(
                kept_messages=kept, dropped_prompts=dropped, restored_files=list(files)
            )
        case CompactionEvent():
            return p.CompactionUpdate(
                trigger=event.trigger,
                tokens_before=event.tokens_before,
                tokens_after=event.tokens_after,
                summary=event.summary,
            )
        case PermissionResolvedEvent():
            return p.PermissionResolvedUpdate(
                request_id=event.request_id,
                tool_call_id=event.tool_call_id,
                outcome=event.outcome,
                option_id=event.option_id,
            )


def wire_workspace(report: WorkspaceReport) -> p.WorkspaceInfo:
    """A folder's trust report as the wire carries it."""
    return p.WorkspaceInfo(
        directory=str(report.directory),
        trusted=report.trusted,
        ignored=list(report.ignored),
        pending_mcp_servers=list(report.pending_mcp),
        problems=list(report.problems),
        notice=report.notice,
    )


def wire_summary(summary: SessionSummary) -> p.SessionSummaryInfo:
    """A stored session's summary in the protocol's shape."""
    return p.SessionSummaryInfo(
        session_id=summary.session_id,
        title=summary.title,
        cwd=summary.cwd,
        created_at=summary.created_at.isoformat(),
        updated_at=summary.updated_at.isoformat(),
        message_count=summary.message_count,
        model=summary.model,
        source="claude-code" if summary.source != "claude-py" else "claude-py",
        forked_from=summary.forked_from,
    )
