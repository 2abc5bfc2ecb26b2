"""From Messages API stream events to the model's :data:`StreamEvent` values.

:class:`MessageAccumulator` consumes the decoded JSON of each SSE event, returns the stream
events it implies and builds the complete :class:`AssistantMessage` along the way.

How the message is built (the documented event flow of "Streaming Messages"):

- ``message_start`` gives the message shell (id, model, input usage).
- ``content_block_start`` opens the block at ``index`` with its initial form; some blocks
  (redacted thinking, server tool results, MCP results) arrive whole here.
- ``content_block_delta`` extends the block: ``text_delta`` and ``thinking_delta`` append text,
  ``input_json_delta`` appends a fragment of the tool input's JSON, ``signature_delta`` sets the
  thinking signature, ``citations_delta`` appends one citation, ``compaction_delta`` sets the
  compaction block's fields. An unknown delta type is merged field by field (strings append to
  strings, lists extend lists, anything else replaces), so future streamed block kinds survive.
- ``content_block_stop`` completes the block; tool input JSON is parsed here, once (an empty
  input is ``{}``).
- ``message_delta`` merges its ``delta`` (stop reason, stop sequence, stop details...) and any
  other top-level fields into the message; its usage counts are cumulative, so each one present
  overwrites the count so far.
- ``message_stop`` completes every block still open and the message.
- ``ping`` and unknown event types are ignored; ``error`` raises the matching taxonomy error.

Unfinished tool input: when the response is cut off (``max_tokens``) in the middle of a tool
call, the input JSON is unterminated and the block may never get its ``content_block_stop``.
That must not crash the stream. The block is kept, with the best-effort value of the complete
part of the JSON (what the official SDK reports too), or ``{}`` when nothing usable is there;
``stop_reason`` tells the engine the call is incomplete and should not be run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from claude_server.errors import ProviderError, StreamError
from claude_server.model import (
    AssistantMessage,
    BlockCompleted,
    BlockStarted,
    ContentBlock,
    MessageCompleted,
    MessageStarted,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
    ToolInputDelta,
    Usage,
)
from claude_server.provider._errors import Scrubber, error_from_event
from claude_server.provider._partial_json import parse_partial_json

__all__ = ["MessageAccumulator"]

_BLOCK_ADAPTER: Final[TypeAdapter[ContentBlock]] = TypeAdapter(ContentBlock)


def _validate_block(raw: dict[str, Any]) -> ContentBlock:
    try:
        return _BLOCK_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        kind = raw.get("type")
        raise StreamError(
            f"The Anthropic API sent a malformed {kind!r} content block: "
            f"{exc.error_count()} invalid field(s)"
        ) from None


def _usage_counts(raw: Any) -> dict[str, Any]:
    # Absent and null counts mean "not reported"; they must not erase what we already know.
    if not isinstance(raw, Mapping):
        return {}
    return {key: value for key, value in raw.items() if value is not None}


class _OpenBlock:
    """A block between its start and stop, with its streamed strings kept as lists of pieces.

    Joining once at the end keeps a long answer linear; appending to a string held in a dict
    would copy the whole text on every delta.
    """

    __slots__ = ("json_parts", "raw", "text_field", "text_parts")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.text_field: str | None = None
        self.text_parts: list[str] = []
        self.json_parts: list[str] | None = None

    def append_text(self, field: str, piece: str) -> None:
        if self.text_field != field:
            self.flush_text()
            self.text_field = field
            existing = self.raw.get(field)
            self.text_parts = [existing] if isinstance(existing, str) and existing else []
        self.text_parts.append(piece)

    def flush_text(self) -> None:
        if self.text_field is not None:
            self.raw[self.text_field] = "".join(self.text_parts)
            self.text_field = None
            self.text_parts = []

    def finish(self) -> dict[str, Any]:
        self.flush_text()
        if self.json_parts is not None:
            self.raw["input"] = _parse_input("".join(self.json_parts))
        return self.raw


def _parse_input(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = parse_partial_json(text)
    except RecursionError:  # absurdly deep nesting: no usable input
        value = None
    return value if isinstance(value, dict) else {}


class MessageAccumulator:
    """Accumulates one streamed response.

    Feed it each event's decoded JSON with :meth:`feed` (or the raw SSE pair with
    :meth:`feed_sse`); call :meth:`finish` when the byte stream ends.
    """

    def __init__(self, *, request_id: str | None = None, scrub: Scrubber | None = None) -> None:
        self._request_id = request_id
        self._scrub = scrub
        self._message: dict[str, Any] | None = None
        self._usage: dict[str, Any] = {}
        self._open: dict[int, _OpenBlock] = {}
        self._done: dict[int, ContentBlock] = {}
        self._result: AssistantMessage | None = None

    @property
    def message(self) -> AssistantMessage | None:
        """The complete message, once ``message_stop`` has been seen."""
        return self._result

    def feed_sse(self, event: str | None, data: str) -> list[StreamEvent]:
        """Decode one SSE event's data and :meth:`feed` it."""
        if not data:
            # An event without data (some proxies send bare "event: ping") carries nothing.
            return []
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError):
            raise StreamError(
                f"The Anthropic API sent an event that is not valid JSON (event {event!r})"
            ) from None
        if not isinstance(payload, dict):
            raise StreamError(f"The Anthropic API sent an event that is not an object ({event!r})")
        if "type" not in payload and event:
            payload["type"] = event
        return self.feed(payload)

    def feed(self, payload: dict[str, Any]) -> list[StreamEvent]:
        """Apply one decoded event; return the stream events it produces.

        Raises the matching :class:`ProviderError` for an ``error`` event and
        :class:`StreamError` for events that make no sense where they are.
        """
        kind = payload.get("type")
        # Ordered by frequency: deltas are nearly all of a stream.
        if kind == "content_block_delta":
            return self._delta(payload)
        if kind == "content_block_start":
            return self._block_start(payload)
        if kind == "content_block_stop":
            return self._block_stop(payload)
        if kind == "message_start":
            return self._message_start(payload)
        if kind == "message_delta":
            self._message_delta(payload)
            return []
        if kind == "message_stop":
            return self._message_stop()
        if kind == "error":
            raise self._error(payload)
        # "ping" and event types newer than this code.
        return []

    def finish(self) -> AssistantMessage:
        """The byte stream ended: return the message, or raise if it never completed."""
        if self._result is None:
            if self._message is None:
                raise StreamError("The Anthropic API's response stream ended before it began.")
            raise StreamError(
                "The Anthropic API's response stream ended before the message was complete."
            )
        return self._result

    # --- events -------------------------------------------------------------------------

    def _error(self, payload: Mapping[str, Any]) -> ProviderError:
        return error_from_event(payload, request_id=self._request_id, scrub=self._scrub)

    def _require_message(self, kind: str) -> dict[str, Any]:
        if self._message is None:
            raise StreamError(f"The Anthropic API sent {kind} before message_start.")
        if self._result is not None:
            raise StreamError(f"The Anthropic API sent {kind} after message_stop.")
        return self._message

    def _index(self, payload: Mapping[str, Any]) -> int:
        index = payload.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise StreamError(
                f"The Anthropic API sent {payload.get('type')} without a valid index."
            )
        return index

    def _message_start(self, payload: Mapping[str, Any]) -> list[StreamEvent]:
        if self._message is not None:
            raise StreamError("The Anthropic API sent message_start twice.")
        shell = payload.get("message")
        if not isinstance(shell, Mapping):
            raise StreamError("The Anthropic API sent message_start without a message.")
        message = dict(shell)
        content = message.pop("content", None)
        self._usage = _usage_counts(message.pop("usage", None))
        self._message = message
        # The shell's content is normally empty; keep whatever it holds as leading blocks.
        if isinstance(content, list):
            for index, raw in enumerate(content):
                if isinstance(raw, Mapping):
                    self._done[index] = _validate_block(dict(raw))
        try:
            usage = Usage.model_validate(self._usage)
        except ValidationError:
            raise StreamError("The Anthropic API sent malformed usage counts.") from None
        return [
            MessageStarted(
                message_id=str(message.get("id") or ""),
                model=str(message.get("model") or ""),
                usage=usage,
            )
        ]

    def _block_start(self, payload: Mapping[str, Any]) -> list[StreamEvent]:
        self._require_message("content_block_start")
        index = self._index(payload)
        raw = payload.get("content_block")
        if not isinstance(raw, Mapping) or not isinstance(raw.get("type"), str):
            raise StreamError("The Anthropic API sent content_block_start without a block.")
        if index in self._open or index in self._done:
            raise StreamError(f"The Anthropic API started content block {index} twice.")
        block = dict(raw)
        started = _validate_block(block)
        self._open[index] = _OpenBlock(block)
        return [BlockStarted(index=index, block=started)]

    def _open_block(self, payload: Mapping[str, Any]) -> tuple[int, _OpenBlock]:
        self._require_message(str(payload.get("type")))
        index = self._index(payload)
        block = self._open.get(index)
        if block is None:
            raise StreamError(
                f"The Anthropic API sent {payload.get('type')} for content block {index}, "
                "which is not open."
            )
        return index, block

    def _delta(self, payload: Mapping[str, Any]) -> list[StreamEvent]:
        index, block = self._open_block(payload)
        delta = payload.get("delta")
        if not isinstance(delta, Mapping):
            raise StreamError("The Anthropic API sent content_block_delta without a delta.")
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            if isinstance(text, str):
                block.append_text("text", text)
                return [TextDelta(index, text)]
        elif kind == "input_json_delta":
            fragment = delta.get("partial_json")
            if isinstance(fragment, str):
                if block.json_parts is None:
                    block.json_parts = []
                block.json_parts.append(fragment)
                return [ToolInputDelta(index, fragment)]
        elif kind == "thinking_delta":
            thinking = delta.get("thinking")
            if isinstance(thinking, str):
                block.append_text("thinking", thinking)
                return [ThinkingDelta(index, thinking)]
        elif kind == "signature_delta":
            block.raw["signature"] = delta.get("signature", "")
        elif kind == "citations_delta":
            citations = block.raw.get("citations")
            if not isinstance(citations, list):
                citations = block.raw["citations"] = []
            citations.append(delta.get("citation"))
        elif kind == "compaction_delta":
            # Each compaction delta carries the block's full fields, not a piece of them.
            for key, value in delta.items():
                if key != "type":
                    block.raw[key] = value
        else:
            self._merge_unknown(block, delta)
        return []

    @staticmethod
    def _merge_unknown(block: _OpenBlock, delta: Mapping[str, Any]) -> None:
        for key, value in delta.items():
            if key == "type":
                continue
            if isinstance(value, str) and (
                block.text_field == key or isinstance(block.raw.get(key), str)
            ):
                block.append_text(key, value)
                continue
            block.flush_text()
            current = block.raw.get(key)
            if isinstance(current, list) and isinstance(value, list):
                current.extend(value)
            else:
                block.raw[key] = value

    def _block_stop(self, payload: Mapping[str, Any]) -> list[StreamEvent]:
        index, block = self._open_block(payload)
        return [self._complete(index, block)]

    def _complete(self, index: int, block: _OpenBlock) -> BlockCompleted:
        del self._open[index]
        done = _validate_block(block.finish())
        self._done[index] = done
        return BlockCompleted(index=index, block=done)

    def _message_delta(self, payload: Mapping[str, Any]) -> None:
        message = self._require_message("message_delta")
        delta = payload.get("delta")
        if isinstance(delta, Mapping):
            message.update(delta)
        for key, value in payload.items():
            if key not in ("type", "delta", "usage"):
                message[key] = value
        self._usage.update(_usage_counts(payload.get("usage")))

    def _message_stop(self) -> list[StreamEvent]:
        message = self._require_message("message_stop")
        # Blocks never stopped (a response cut off by max_tokens) are completed as they are.
        events: list[StreamEvent] = [
            self._complete(index, self._open[index]) for index in sorted(self._open)
        ]
        content = [self._done[index] for index in sorted(self._done)]
        try:
            result = AssistantMessage.model_validate(
                {**message, "role": "assistant", "content": content, "usage": self._usage}
            )
        except ValidationError as exc:
            raise StreamError(
                f"The Anthropic API's message could not be understood: "
                f"{exc.error_count()} invalid field(s)"
            ) from None
        self._result = result
        events.append(MessageCompleted(result))
        return events
