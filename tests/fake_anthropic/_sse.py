"""Wire shapes: the streamed events and the JSON Message for a Turn, plus a tiny SSE reader."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ._script import (
    RedactedThinking,
    Text,
    Thinking,
    ToolUse,
    Turn,
    block_to_json,
    tool_use_json,
)

__all__ = [
    "SseEvent",
    "encode_event",
    "error_body",
    "estimate_tokens",
    "message_json",
    "parse_sse",
    "stream_events",
]


def encode_event(event: str, data: Mapping[str, Any]) -> bytes:
    """One SSE event as the real API frames it: ``event: T\\ndata: JSON\\n\\n``."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return b"event: " + event.encode("ascii") + b"\ndata: " + payload.encode("utf-8") + b"\n\n"


def error_body(error_type: str, message: str, request_id: str | None = None) -> dict[str, Any]:
    """The API's error object; HTTP error bodies also carry ``request_id``."""
    body: dict[str, Any] = {"type": "error", "error": {"type": error_type, "message": message}}
    if request_id is not None:
        body["request_id"] = request_id
    return body


def estimate_tokens(body: Any) -> int:
    """A deterministic token estimate for a request: about 4 characters of JSON per token."""
    if not isinstance(body, dict):
        return 1
    relevant = {k: body[k] for k in ("system", "messages", "tools") if k in body}
    text = json.dumps(relevant, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return max(1, len(text) // 4)


def _usage(turn: Turn, input_tokens: int, output_tokens: int) -> dict[str, Any]:
    # The key set follows current recordings of message_start / the final Message.
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": turn.usage.cache_creation_input_tokens,
        "cache_read_input_tokens": turn.usage.cache_read_input_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens": turn.usage.cache_creation_input_tokens,
            "ephemeral_1h_input_tokens": 0,
        },
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def message_json(turn: Turn, *, model: str, input_tokens: int) -> dict[str, Any]:
    """The complete Message object a non-streaming request gets."""
    return {
        "id": turn.id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [block_to_json(b) for b in turn.blocks],
        "stop_reason": turn.resolved_stop_reason,
        "stop_sequence": turn.stop_sequence,
        "usage": _usage(turn, input_tokens, turn.output_tokens()),
    }


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def stream_events(turn: Turn, *, model: str, input_tokens: int) -> Iterator[tuple[str, bytes]]:
    """Yield ``(event_type, encoded_event)`` for the whole stream of a Turn, in order."""
    yield (
        "message_start",
        encode_event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": turn.id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": _usage(turn, input_tokens, 1),
                },
            },
        ),
    )
    ping = ("ping", encode_event("ping", {"type": "ping"}))
    if turn.ping_after and not turn.blocks:
        yield ping

    for index, block in enumerate(turn.blocks):
        start: dict[str, Any]
        if isinstance(block, Text):
            start = {"type": "text", "text": ""}
            if block.citations is not None:
                start = {"citations": [], "type": "text", "text": ""}
        elif isinstance(block, ToolUse):
            start = tool_use_json(block, {})
        elif isinstance(block, Thinking):
            start = {"type": "thinking", "thinking": "", "signature": ""}
        else:
            start = {"type": "redacted_thinking", "data": block.data}
        yield (
            "content_block_start",
            encode_event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            ),
        )
        # Recordings show the ping right after the first block opens.
        if index == 0 and turn.ping_after:
            yield ping

        for delta in _deltas(turn, block):
            yield (
                "content_block_delta",
                encode_event(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                ),
            )
        yield (
            "content_block_stop",
            encode_event("content_block_stop", {"type": "content_block_stop", "index": index}),
        )

    yield (
        "message_delta",
        encode_event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {
                    "stop_reason": turn.resolved_stop_reason,
                    "stop_sequence": turn.stop_sequence,
                },
                "usage": {
                    "input_tokens": input_tokens,
                    "cache_creation_input_tokens": turn.usage.cache_creation_input_tokens,
                    "cache_read_input_tokens": turn.usage.cache_read_input_tokens,
                    "output_tokens": turn.output_tokens(),
                },
            },
        ),
    )
    yield "message_stop", encode_event("message_stop", {"type": "message_stop"})


def _deltas(turn: Turn, block: Text | ToolUse | Thinking | RedactedThinking) -> Iterator[Any]:
    if isinstance(block, Text):
        # Citations come first in recordings, then the cited text.
        for citation in block.citations or ():
            yield {"type": "citations_delta", "citation": citation}
        for piece in _chunks(block.text, turn.text_chunk):
            yield {"type": "text_delta", "text": piece}
    elif isinstance(block, ToolUse):
        # The real API opens every tool input with an empty partial_json.
        yield {"type": "input_json_delta", "partial_json": ""}
        if block.input:
            text = json.dumps(block.input, ensure_ascii=False)
            for piece in _chunks(text, turn.json_chunk):
                yield {"type": "input_json_delta", "partial_json": piece}
    elif isinstance(block, Thinking):
        for piece in _chunks(block.thinking, turn.text_chunk):
            yield {"type": "thinking_delta", "thinking": piece}
        # Recordings end the thinking text with an empty delta before the signature.
        yield {"type": "thinking_delta", "thinking": ""}
        if block.signature:
            yield {"type": "signature_delta", "signature": block.signature}
    # redacted_thinking has no deltas: its data arrives whole in content_block_start.


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One parsed server-sent event."""

    event: str | None
    data: str

    def json(self) -> Any:
        """The data field parsed as JSON."""
        return json.loads(self.data)


def parse_sse(raw: bytes | str) -> list[SseEvent]:
    """Split a complete SSE body into events (enough of the spec for tests and fixtures)."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    events: list[SseEvent] = []
    event: str | None = None
    data: list[str] = []
    for line in [*text.split("\n"), ""]:
        if not line:
            if event is not None or data:
                events.append(SseEvent(event, "\n".join(data)))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
    return events
