"""Running the tool calls of one model response.

Each call is reported (``tool_call`` pending, then ``tool_call_update``), checked against the
permission rules, possibly put to the user, and run. Consecutive read-only calls run
concurrently; a call that writes runs alone, in order. Every failure becomes an ``is_error``
result for the model; only cancellation ends the turn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from claude_server.config import HookEvent
from claude_server.engine._bridge import ClientBridge, PermissionRequest
from claude_server.engine._hooks import HookRunner
from claude_server.engine._observer import DenialSource, TurnObserver
from claude_server.model import (
    PermissionChecker,
    PermissionLevel,
    PermissionResolvedEvent,
    SessionEvent,
    TextDisplay,
    Tool,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolContext,
    ToolError,
    ToolResult,
    ToolResultBlock,
    ToolUseBlock,
)

log = logging.getLogger(__name__)

_background: set[asyncio.Task[Any]] = set()

_KINDS: dict[PermissionLevel, Literal["read", "edit", "execute"]] = {
    PermissionLevel.READ_ONLY: "read",
    PermissionLevel.EDIT: "edit",
    PermissionLevel.EXECUTE: "execute",
}


class ToolSet(Protocol):
    """The tools a session offers the model."""

    def get(self, name: str) -> Tool | None:
        """The tool called ``name`` (or one of its aliases), if any."""
        ...

    def all(self) -> list[Tool]:
        """Every tool of the set."""
        ...

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        """The tool's input model for ``raw_input``; raises ToolError when invalid."""
        ...

    def definitions(self) -> list[dict[str, Any]]:
        """The tool definitions sent to the API."""
        ...


@dataclass(slots=True)
class ExecEnv:
    """What the executor needs from its session."""

    session_id: str
    tools: ToolSet
    checker: Callable[[], PermissionChecker]
    bridge: ClientBridge
    emit: Callable[[SessionEvent], object]
    make_context: Callable[[str], ToolContext]
    """Builds the context for the tool call with this id."""
    remember_rule: Callable[[str, dict[str, Any]], None]
    """Called when the user answers "allow always" for a call."""
    headless_allows: bool = False
    """With no client to ask, allow instead of deny (an explicit opt-in)."""
    parent_tool_call_id: str | None = None
    hooks: HookRunner | None = None
    mode: Callable[[], str] = lambda: "default"
    before_edit: Callable[[str], None] | None = None
    """Called with the path a file-editing call is about to change (the undo snapshots)."""
    observer: TurnObserver | None = None
    """Told of each refused call (and, through the turn, of the model's stream)."""


@dataclass(slots=True)
class CallsState:
    """Results gathered so far, so a cancelled turn can still answer every call."""

    results: dict[str, ToolResultBlock] = field(default_factory=dict)


async def run_tool_calls(
    calls: list[ToolUseBlock], env: ExecEnv, state: CallsState
) -> list[ToolResultBlock]:
    """Run ``calls`` and return one result per call, in the calls' order."""
    for call in calls:
        tool = env.tools.get(call.name)
        env.emit(
            ToolCallEvent(
                tool_call_id=call.id,
                tool_name=tool.name if tool else call.name,
                title=_title(tool, call, env),
                kind=_KINDS[tool.permission] if tool else "other",
                input=call.input,
                parent_tool_call_id=env.parent_tool_call_id,
            )
        )
    for batch in _batches(calls, env):
        if len(batch) == 1:
            state.results[batch[0].id] = await _run_one(batch[0], env)
        else:
            done = await asyncio.gather(*(_run_one(call, env) for call in batch))
            for call, result in zip(batch, done, strict=True):
                state.results[call.id] = result
    return [state.results[call.id] for call in calls]


def interrupted_results(calls: list[ToolUseBlock], state: CallsState) -> list[ToolResultBlock]:
    """Results for every call after a cancel: what finished, and a note for the rest."""
    return [
        state.results.get(call.id)
        or ToolResultBlock(
            tool_use_id=call.id,
            content="The user interrupted the turn before this tool call finished.",
            is_error=True,
        )
        for call in calls
    ]


def _title(tool: Tool | None, call: ToolUseBlock, env: ExecEnv) -> str:
    if tool is None:
        return call.name
    try:
        return tool.summary(env.tools.validate(call.name, call.input))
    except ToolError:
        return tool.name


def _batches(calls: list[ToolUseBlock], env: ExecEnv) -> list[list[ToolUseBlock]]:
    # Read-only calls next to each other share a batch and run together; anything that
    # writes is a batch of its own, so writes keep the order the model gave them.
    batches: list[list[ToolUseBlock]] = []
    for call in calls:
        read_only = _is_read_only(call, env)
        if read_only and batches and batches[-1] and _is_read_only(batches[-1][0], env):
            batches[-1].append(call)
        else:
            batches.append([call])
    return batches


def _is_read_only(call: ToolUseBlock, env: ExecEnv) -> bool:
    tool = env.tools.get(call.name)
    if tool is None:
        return True  # answered at once with an error; nothing runs
    try:
        return tool.is_read_only(env.tools.validate(call.name, call.input))
    except ToolError:
        return True


async def _run_one(call: ToolUseBlock, env: ExecEnv) -> ToolResultBlock:
    tool = env.tools.get(call.name)
    if tool is None:
        return _fail(call, env, f"Error: no tool named {call.name!r} is available.")
    raw_input = call.input
    hook_permission: str | None = None
    if env.hooks is not None and env.hooks.has("PreToolUse"):
        pre = await env.hooks.run(
            "PreToolUse",
            {"tool_name": tool.name, "tool_input": raw_input, "tool_use_id": call.id},
            match=tool.name,
            mode=env.mode(),
        )
        if pre.block or pre.permission == "deny":
            why = pre.reason or "no reason given"
            return _refuse(call, env, f"Blocked by a PreToolUse hook: {why}", "hook")
        if pre.updated_input is not None:
            raw_input = pre.updated_input
        hook_permission = pre.permission
    try:
        tool_input = env.tools.validate(call.name, raw_input)
    except ToolError as exc:
        return _fail(call, env, f"Error: {exc}")
    # A call that cannot succeed fails now: nobody is asked to approve it first.
    precheck = getattr(tool, "precheck", None)
    if precheck is not None:
        problem = await precheck(tool_input, env.make_context(call.id))
        if problem is not None:
            return _fail(call, env, f"Error: {problem}")

    refusal, changed = await _permission(tool, call, raw_input, env, hook_permission)
    if refusal is not None:
        return _refuse(call, env, refusal.message, refusal.source)
    note = None
    if changed is not None and changed.input != raw_input:
        try:
            tool_input = env.tools.validate(call.name, changed.input)
        except ToolError as exc:
            return _fail(
                call, env, f"Error: the input as {changed.by} changed it is invalid: {exc}"
            )
        note = _changes_note(raw_input, changed)
        raw_input = changed.input

    env.emit(ToolCallUpdateEvent(tool_call_id=call.id, status="in_progress"))
    if env.before_edit is not None:
        for path in tool.edited_paths(tool_input):
            env.before_edit(path)
    try:
        result = await tool.run(tool_input, env.make_context(call.id))
    except ToolError as exc:
        result = ToolResult(content=f"Error: {exc}", is_error=True)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("tool %s failed", tool.name)
        detail = f"{exc.__class__.__name__}: {exc}"
        result = ToolResult(
            content=f"Error: {tool.name} failed unexpectedly ({detail})", is_error=True
        )
    if note is not None and isinstance(result.content, str):
        result.content = f"{note}\n\n{result.content}"
    event: HookEvent = "PostToolUseFailure" if result.is_error else "PostToolUse"
    if env.hooks is not None and env.hooks.has(event):
        result = await _post_hooks(event, tool, call, raw_input, result, env)
    return _finish(call, env, result)


@dataclass(frozen=True, slots=True)
class _Refusal:
    """Why a call may not run: the message for the model, and who refused."""

    message: str
    source: DenialSource


@dataclass(frozen=True, slots=True)
class _Changed:
    """A call's input as whoever approved it changed it."""

    input: dict[str, Any]
    by: str
    """Who, for the model: "the user" or "a PermissionRequest hook"."""


def _changed(updated: dict[str, Any] | None, by: str) -> _Changed | None:
    return None if updated is None else _Changed(updated, by)


def _changes_note(before: dict[str, Any], changed: _Changed) -> str:
    after = changed.input
    keys = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
    shown = json.dumps({k: after.get(k) for k in keys}, ensure_ascii=False)
    if len(shown) > 2000:
        shown = shown[:2000] + "..."
    return (
        f"{changed.by[0].upper()}{changed.by[1:]} changed this call before approving it; it ran "
        f"with these values instead of yours: {shown}"
    )


async def _post_hooks(
    event: HookEvent,
    tool: Tool,
    call: ToolUseBlock,
    raw_input: dict[str, Any],
    result: ToolResult,
    env: ExecEnv,
) -> ToolResult:
    # PostToolUse after a success, PostToolUseFailure (with the error) after a failure.
    assert env.hooks is not None
    payload: dict[str, Any] = {
        "tool_name": tool.name,
        "tool_input": raw_input,
        "tool_use_id": call.id,
    }
    if result.is_error:
        payload["error"] = (
            result.content if isinstance(result.content, str) else str(result.content)
        )
    else:
        payload["tool_response"] = result.content
    post = await env.hooks.run(event, payload, match=tool.name, mode=env.mode())
    notes = []
    if post.block:
        notes.append(f"{event} hook feedback: {post.reason or 'blocked'}")
    notes.extend(post.context)
    if not notes or not isinstance(result.content, str):
        return result
    return ToolResult(
        content=result.content + "\n\n" + "\n".join(notes),
        is_error=result.is_error,
        display=result.display,
    )


async def _permission(
    tool: Tool,
    call: ToolUseBlock,
    tool_input: dict[str, Any],
    env: ExecEnv,
    hook_permission: str | None,
) -> tuple[_Refusal | None, _Changed | None]:
    """``(None, changed input or None)`` when the call may run, else why not (the message
    tells the model)."""
    decision = env.checker().check(tool.name, tool_input)
    if decision.behavior == "deny":
        # A deny rule holds even against a hook's "allow": never wrong in the dangerous way.
        return _Refusal(f"Permission denied: {decision.reason}", "rule"), None
    if hook_permission == "allow":
        return None, None
    if decision.behavior == "allow" and hook_permission != "ask":
        return None, None
    if env.hooks is not None and env.hooks.has("PermissionRequest"):
        # Before anyone is asked (or told that no one can be): a hook may answer for the user.
        answered = await env.hooks.run(
            "PermissionRequest",
            {"tool_name": tool.name, "tool_input": tool_input},
            match=tool.name,
            mode=env.mode(),
        )
        if answered.permission == "deny":
            why = answered.reason or "no reason given"
            return _Refusal(f"Denied by a PermissionRequest hook: {why}", "hook"), None
        if answered.permission == "allow":
            return None, _changed(answered.updated_input, "a PermissionRequest hook")
    if not env.bridge.can_ask(env.session_id, "permission"):
        if env.headless_allows:
            return None, None
        return _Refusal(
            f"Permission needed: {_sentence(decision.reason)} No one can approve it here (no "
            "attached client answers permission requests). Do not retry this call; work without "
            "it or tell the user which permission rule would allow it.",
            "nobody",
        ), None
    request = PermissionRequest(
        request_id=uuid.uuid4().hex[:12],
        tool_call=ToolCallEvent(
            tool_call_id=call.id,
            tool_name=tool.name,
            title=_title(tool, call, env),
            kind=_KINDS[tool.permission],
            input=tool_input,
            parent_tool_call_id=env.parent_tool_call_id,
        ),
        reason=decision.reason if decision.behavior == "ask" else "A PreToolUse hook asks.",
    )
    if env.hooks is not None and env.hooks.has("Notification"):
        # Fire and forget: a notification hook must never hold up the question.
        task = asyncio.create_task(
            env.hooks.run(
                "Notification",
                {
                    "message": f"claude-py needs your permission to use {tool.name}",
                    "notification_type": "permission_prompt",
                },
                match="permission_prompt",
                mode=env.mode(),
            )
        )
        _background.add(task)
        task.add_done_callback(_background.discard)
    try:
        answer = await env.bridge.request_permission(env.session_id, request)
    except asyncio.CancelledError:
        env.emit(PermissionResolvedEvent(request.request_id, call.id, "cancelled"))
        raise
    if answer.choice in ("allow_once", "allow_always"):
        env.emit(PermissionResolvedEvent(request.request_id, call.id, "allowed", answer.choice))
        if answer.choice == "allow_always":
            env.remember_rule(tool.name, tool_input)
        return None, _changed(answer.updated_input, "the user")
    if answer.choice == "cancelled":
        env.emit(PermissionResolvedEvent(request.request_id, call.id, "cancelled"))
        return _Refusal("Permission was not granted (the question was withdrawn).", "user"), None
    env.emit(PermissionResolvedEvent(request.request_id, call.id, "rejected", answer.choice))
    why = f" The user said: {answer.message}" if answer.message else ""
    return _Refusal(
        f"The user rejected this tool call.{why} Do not retry it unchanged.", "user"
    ), None


def _finish(call: ToolUseBlock, env: ExecEnv, result: ToolResult) -> ToolResultBlock:
    display = tuple(result.display)
    if not display and isinstance(result.content, str) and result.is_error:
        display = (TextDisplay(result.content),)
    env.emit(
        ToolCallUpdateEvent(
            tool_call_id=call.id,
            status="failed" if result.is_error else "completed",
            content=display,
        )
    )
    return ToolResultBlock(
        tool_use_id=call.id, content=result.content, is_error=True if result.is_error else None
    )


def _refuse(
    call: ToolUseBlock, env: ExecEnv, message: str, source: DenialSource
) -> ToolResultBlock:
    if env.observer is not None:
        env.observer.denied(call, message, source)
    return _fail(call, env, message)


def _fail(call: ToolUseBlock, env: ExecEnv, message: str) -> ToolResultBlock:
    env.emit(
        ToolCallUpdateEvent(tool_call_id=call.id, status="failed", content=(TextDisplay(message),))
    )
    return ToolResultBlock(tool_use_id=call.id, content=message, is_error=True)


def _sentence(text: str) -> str:
    """``text`` ending as a sentence does, so the next one does not run into it."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."
