"""The JSON objects of Claude Code's ``stream-json`` and ``json`` output, built from our types.

Field names and their order follow the lines Claude Code 2.1.330 writes (recorded in
``tests/fixtures/claude_code_headless``); fields that only describe Claude Code's own product
(fast mode, remote control, plugins of its marketplace) are left out, and the golden-shape test
names each of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from claude_server.model import (
    BlockCompleted,
    BlockStarted,
    ContentBlock,
    MessageCompleted,
    MessageStarted,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
    ToolResultBlock,
    Usage,
)

Line = dict[str, Any]


def new_uuid() -> str:
    """A fresh line id."""
    return str(uuid.uuid4())


def timestamp() -> str:
    """Now, as Claude Code stamps its lines: ISO-8601 UTC with milliseconds."""
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def usage_dict(usage: Usage) -> dict[str, Any]:
    """A usage object in the API's field order."""
    return {
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": usage.cache_creation_input_tokens,
        "cache_read_input_tokens": usage.cache_read_input_tokens,
        "output_tokens": usage.output_tokens,
    }


def system_line(session_id: str, subtype: str, **fields: Any) -> Line:
    """A ``system`` line of any subtype."""
    return {"type": "system", "subtype": subtype, **fields, "session_id": session_id,
            "uuid": new_uuid()}  # fmt: skip


def assistant_line(
    session_id: str,
    started: MessageStarted,
    block: ContentBlock,
    parent: str | None,
    request_id: str | None,
) -> Line:
    """One content block of a response, as Claude Code sends each block on its own line."""
    return {
        "type": "assistant",
        "message": {
            "id": started.message_id,
            "type": "message",
            "role": "assistant",
            "model": started.model,
            "content": [block.to_api()],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": usage_dict(started.usage),
        },
        "parent_tool_use_id": parent,
        "session_id": session_id,
        "uuid": new_uuid(),
        "timestamp": timestamp(),
        "request_id": request_id,
    }


def tool_result_line(
    session_id: str, result: ToolResultBlock, parent: str | None, decision: dict[str, Any]
) -> Line:
    """The ``user`` line carrying one tool result back to the model."""
    block = result.to_api()
    return {
        "type": "user",
        "message": {"role": "user", "content": [block]},
        "parent_tool_use_id": parent,
        "session_id": session_id,
        "uuid": new_uuid(),
        "timestamp": timestamp(),
        # Claude Code puts each tool's own structured result here; ours is the text the model
        # sees (a string, as Claude Code sends for errors).
        "tool_use_result": _result_text(block.get("content")),
        "tool_result_meta": [{"id": result.tool_use_id, "permission_decision": decision}],
    }


def user_text_line(session_id: str, content: Any) -> Line:
    """A user message as ``--replay-user-messages`` echoes it."""
    return {
        "type": "user",
        "message": {"role": "user", "content": content},
        "parent_tool_use_id": None,
        "session_id": session_id,
        "uuid": new_uuid(),
        "timestamp": timestamp(),
    }


def _result_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


def raw_events(event: StreamEvent) -> list[dict[str, Any]]:
    """The Messages API stream events that ``event`` stands for (what ``stream_event`` lines
    wrap); ``[]`` for events that have no wire form."""
    if isinstance(event, MessageStarted):
        return [
            {
                "type": "message_start",
                "message": {
                    "id": event.message_id,
                    "type": "message",
                    "role": "assistant",
                    "model": event.model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": usage_dict(event.usage),
                },
            }
        ]
    if isinstance(event, BlockStarted):
        return [{"type": "content_block_start", "index": event.index,
                 "content_block": _start_form(event.block)}]  # fmt: skip
    if isinstance(event, TextDelta):
        return [_delta(event.index, {"type": "text_delta", "text": event.text})]
    if isinstance(event, ThinkingDelta):
        return [_delta(event.index, {"type": "thinking_delta", "thinking": event.thinking})]
    if isinstance(event, ToolInputDelta):
        return [
            _delta(event.index, {"type": "input_json_delta", "partial_json": event.partial_json})
        ]
    if isinstance(event, BlockCompleted):
        return [{"type": "content_block_stop", "index": event.index}]
    if isinstance(event, MessageCompleted):
        message = event.message
        return [
            {
                "type": "message_delta",
                "delta": {
                    "stop_reason": message.stop_reason,
                    "stop_sequence": message.stop_sequence,
                },
                "usage": {"output_tokens": message.usage.output_tokens},
            },
            {"type": "message_stop"},
        ]
    return []


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def _start_form(block: ContentBlock) -> dict[str, Any]:
    # A block starts empty on the wire; its content arrives in deltas.
    form = block.to_api()
    if form.get("type") == "text":
        form["text"] = ""
    elif form.get("type") == "thinking":
        form["thinking"] = ""
        form.setdefault("signature", "")
    elif form.get("type") == "tool_use":
        form["input"] = {}
    return form


def stream_line(
    session_id: str, event: dict[str, Any], parent: str | None, message_id: str | None
) -> Line:
    """One raw stream event, wrapped as Claude Code's ``stream_event`` line."""
    return {
        "type": "stream_event",
        "event": event,
        "session_id": session_id,
        "parent_tool_use_id": parent,
        "uuid": new_uuid(),
        "api_message_id": message_id,
    }
