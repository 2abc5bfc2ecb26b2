"""The script a fake server follows: turns, content blocks and faults."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

__all__ = [
    "Block",
    "HttpError",
    "RecordedRequest",
    "RedactedThinking",
    "ScriptError",
    "ScriptItem",
    "Text",
    "Thinking",
    "ToolUse",
    "Turn",
    "Usage",
    "load_script",
    "new_id",
    "tool_use_json",
    "turn_from_dict",
]

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def new_id(prefix: str) -> str:
    """Return an id shaped like the real API's, e.g. ``msg_01`` plus 22 base62 characters."""
    return prefix + "01" + "".join(secrets.choice(_BASE62) for _ in range(22))


def _new_message_id() -> str:
    return new_id("msg_")


def _new_tool_use_id() -> str:
    return new_id("toolu_")


def _stand_in_signature(thinking: str) -> str:
    # Real signatures are opaque base64 blobs; derive one from the text so it is stable.
    digest = hashlib.sha256(thinking.encode("utf-8")).digest()
    return "Fake" + base64.b64encode(digest * 2).decode("ascii")


# ---------------------------------------------------------------------------
# Content blocks


@dataclass(frozen=True, slots=True)
class Text:
    """A text block. ``citations`` (raw citation objects) are streamed as citations_delta."""

    text: str
    citations: list[dict[str, Any]] | None = None


@dataclass(frozen=True, slots=True)
class ToolUse:
    """A tool call. ``id`` is generated (``toolu_...``) unless given.

    ``caller`` is the optional ``caller`` object newer API versions attach to tool_use
    blocks (e.g. ``{"type": "direct"}``); it is sent only when set.
    """

    name: str
    input: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=_new_tool_use_id)
    caller: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Thinking:
    """An extended-thinking block. An empty ``signature`` gets a stable stand-in value."""

    thinking: str
    signature: str = ""

    def __post_init__(self) -> None:
        if not self.signature:
            object.__setattr__(self, "signature", _stand_in_signature(self.thinking))


@dataclass(frozen=True, slots=True)
class RedactedThinking:
    """A redacted thinking block; it arrives whole in content_block_start."""

    data: str


Block: TypeAlias = Text | ToolUse | Thinking | RedactedThinking


def tool_use_json(block: ToolUse, input: dict[str, Any]) -> dict[str, Any]:
    """A tool_use block with the given input (``{}`` when it opens a stream)."""
    out: dict[str, Any] = {"type": "tool_use", "id": block.id, "name": block.name}
    if block.caller is not None:
        out["caller"] = block.caller
    out["input"] = input
    return out


def block_to_json(block: Block) -> dict[str, Any]:
    """The block as it appears in a final (non-streamed) Message's ``content``."""
    if isinstance(block, Text):
        out: dict[str, Any] = {"type": "text", "text": block.text}
        if block.citations is not None:
            out["citations"] = list(block.citations)
        return out
    if isinstance(block, ToolUse):
        return tool_use_json(block, block.input)
    if isinstance(block, Thinking):
        return {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
    return {"type": "redacted_thinking", "data": block.data}


# ---------------------------------------------------------------------------
# Faults and usage

_DEFAULT_ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

_DEFAULT_MESSAGES: dict[str, str] = {
    "invalid_request_error": "Invalid request",
    "authentication_error": "invalid x-api-key",
    "billing_error": "Your credit balance is too low",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit",
    "api_error": "Internal server error",
    "timeout_error": "Request timed out",
    "overloaded_error": "Overloaded",
}

#: HTTP status the real API uses for each error type (used when a stream fault must
#: become a plain HTTP error because the request was not streaming).
STATUS_FOR_ERROR_TYPE: dict[str, int] = {v: k for k, v in _DEFAULT_ERROR_TYPES.items()}


@dataclass(frozen=True, slots=True)
class HttpError:
    """An HTTP error response: status, API error type, message and extra headers.

    ``error_type`` and ``message`` default from the status (529 -> overloaded_error, ...).
    """

    status: int
    error_type: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 400 <= self.status <= 599:
            raise ValueError(f"HttpError status must be 4xx or 5xx, got {self.status}")
        if not self.error_type:
            object.__setattr__(
                self, "error_type", _DEFAULT_ERROR_TYPES.get(self.status, "api_error")
            )
        if not self.message:
            object.__setattr__(
                self, "message", _DEFAULT_MESSAGES.get(self.error_type, self.error_type)
            )

    @classmethod
    def rate_limited(cls, retry_after: float = 1.0, message: str = "") -> HttpError:
        """429 ``rate_limit_error`` with a ``retry-after`` header (seconds)."""
        value = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
        return cls(429, "rate_limit_error", message, {"retry-after": value})

    @classmethod
    def server_error(cls, message: str = "") -> HttpError:
        """500 ``api_error``."""
        return cls(500, "api_error", message)

    @classmethod
    def overloaded(cls, message: str = "") -> HttpError:
        """529 ``overloaded_error``."""
        return cls(529, "overloaded_error", message)

    @classmethod
    def bad_request(cls, message: str = "") -> HttpError:
        """400 ``invalid_request_error``."""
        return cls(400, "invalid_request_error", message)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage for a turn. ``None`` counts are estimated (about 4 characters a token)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


# ---------------------------------------------------------------------------
# Turns


@dataclass(slots=True)
class Turn:
    """One scripted reply to one ``POST /v1/messages``.

    Streaming knobs: ``text_chunk`` (characters per text/thinking delta), ``json_chunk``
    (characters per input_json_delta), ``ping_after`` (send a ping after the first block
    starts, as the real API does), ``delay`` (seconds between events).
    Faults: ``http_error`` (answer with an HTTP error instead), ``error_event_after`` (send an
    ``event: error`` after that many events and end the stream), ``drop_after`` (close the
    connection after that many events, without ending the chunked body).
    """

    blocks: list[Block] = field(default_factory=list)
    _: KW_ONLY
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: Usage = field(default_factory=Usage)
    model: str | None = None
    id: str = field(default_factory=_new_message_id)
    text_chunk: int = 8
    json_chunk: int = 10
    ping_after: bool = True
    delay: float = 0.0
    http_error: HttpError | None = None
    error_event_after: int | None = None
    error_event_type: str = "overloaded_error"
    error_event_message: str = "Overloaded"
    drop_after: int | None = None
    stall_after: int | None = None
    stall_seconds: float = 30.0
    malformed_after: int | None = None
    omit_message_stop: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.blocks = list(self.blocks)
        for block in self.blocks:
            if not isinstance(block, Text | ToolUse | Thinking | RedactedThinking):
                raise TypeError(f"not a content block: {block!r}")
        if self.text_chunk < 1 or self.json_chunk < 1:
            raise ValueError("text_chunk and json_chunk must be at least 1")
        if self.delay < 0:
            raise ValueError("delay must not be negative")
        for name in ("error_event_after", "drop_after", "stall_after", "malformed_after"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")

    @classmethod
    def text(cls, text: str, **options: Any) -> Turn:
        """A turn with a single text block."""
        return cls([Text(text)], **options)

    @classmethod
    def tool_use(
        cls,
        name: str,
        input: Mapping[str, Any] | None = None,
        text: str | None = None,
        **options: Any,
    ) -> Turn:
        """A turn that calls one tool, optionally after a text block."""
        blocks: list[Block] = [] if text is None else [Text(text)]
        blocks.append(ToolUse(name=name, input=dict(input or {})))
        return cls(blocks, **options)

    @classmethod
    def error(cls, error: HttpError) -> Turn:
        """A turn answered with an HTTP error instead of a message."""
        return cls(http_error=error)

    @property
    def resolved_stop_reason(self) -> str:
        """The stop reason sent: explicit, else tool_use / stop_sequence / end_turn."""
        if self.stop_reason is not None:
            return self.stop_reason
        if any(isinstance(b, ToolUse) for b in self.blocks):
            return "tool_use"
        if self.stop_sequence is not None:
            return "stop_sequence"
        return "end_turn"

    @property
    def tool_uses(self) -> list[ToolUse]:
        """The tool calls in this turn, in order."""
        return [b for b in self.blocks if isinstance(b, ToolUse)]

    def output_tokens(self) -> int:
        """Scripted output tokens, or an estimate from the content size."""
        if self.usage.output_tokens is not None:
            return self.usage.output_tokens
        size = sum(len(json.dumps(block_to_json(b), ensure_ascii=False)) for b in self.blocks)
        return max(1, size // 4)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One HTTP request the fake received, recorded before it answered."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    raw: bytes

    @property
    def is_stream(self) -> bool:
        """Whether the request body asked for a streamed answer."""
        return isinstance(self.body, dict) and self.body.get("stream") is True


ScriptItem: TypeAlias = Turn | HttpError | Callable[[RecordedRequest], "Turn | HttpError"]
"""What a script holds: a turn, an HTTP error, or a function of the request returning one."""


# ---------------------------------------------------------------------------
# JSON script files (for ``python -m fake_anthropic``)


class ScriptError(ValueError):
    """A script file or script entry is malformed."""


_TURN_OPTIONS = {
    "stop_reason": (str, type(None)),
    "stop_sequence": (str, type(None)),
    "model": (str, type(None)),
    "id": (str,),
    "text_chunk": (int,),
    "json_chunk": (int,),
    "ping_after": (bool,),
    "delay": (int, float),
    "error_event_after": (int, type(None)),
    "error_event_type": (str,),
    "error_event_message": (str,),
    "drop_after": (int, type(None)),
    "headers": (dict,),
}


def _expect(value: Any, types: tuple[type, ...], where: str) -> Any:
    # bool is an int subclass; do not let true/false pass as counts.
    if isinstance(value, bool) and bool not in types:
        raise ScriptError(f"{where}: expected {_names(types)}, got {json.dumps(value)}")
    if not isinstance(value, types):
        raise ScriptError(f"{where}: expected {_names(types)}, got {type(value).__name__}")
    return value


def _names(types: tuple[type, ...]) -> str:
    return " or ".join("null" if t is type(None) else t.__name__ for t in types)


def _block_from_dict(raw: Any, where: str) -> Block:
    _expect(raw, (dict,), where)
    kind = raw.get("type")
    try:
        if kind == "text":
            citations = raw.get("citations")
            if citations is not None:
                _expect(citations, (list,), f"{where}.citations")
            return Text(_expect(raw["text"], (str,), f"{where}.text"), citations)
        if kind == "tool_use":
            name = _expect(raw["name"], (str,), f"{where}.name")
            tool_input = _expect(raw.get("input", {}), (dict,), f"{where}.input")
            caller = _expect(raw.get("caller"), (dict, type(None)), f"{where}.caller")
            if "id" in raw:
                tool_id = _expect(raw["id"], (str,), f"{where}.id")
                return ToolUse(name, tool_input, tool_id, caller)
            return ToolUse(name, tool_input, caller=caller)
        if kind == "thinking":
            return Thinking(
                _expect(raw["thinking"], (str,), f"{where}.thinking"),
                _expect(raw.get("signature", ""), (str,), f"{where}.signature"),
            )
        if kind == "redacted_thinking":
            return RedactedThinking(_expect(raw["data"], (str,), f"{where}.data"))
    except KeyError as exc:
        raise ScriptError(f"{where}: a {kind} block needs the field {exc.args[0]!r}") from None
    raise ScriptError(
        f"{where}: unknown block type {kind!r} (use text, tool_use, thinking or redacted_thinking)"
    )


def _http_error_from_dict(raw: Any, where: str) -> HttpError:
    _expect(raw, (dict,), where)
    unknown = set(raw) - {"status", "type", "message", "headers"}
    if unknown:
        raise ScriptError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if "status" not in raw:
        raise ScriptError(f"{where}: needs a 'status'")
    headers = _expect(raw.get("headers", {}), (dict,), f"{where}.headers")
    try:
        return HttpError(
            _expect(raw["status"], (int,), f"{where}.status"),
            _expect(raw.get("type", ""), (str,), f"{where}.type"),
            _expect(raw.get("message", ""), (str,), f"{where}.message"),
            {str(k): str(v) for k, v in headers.items()},
        )
    except ValueError as exc:
        raise ScriptError(f"{where}: {exc}") from None


def turn_from_dict(raw: Any, where: str = "turn") -> Turn:
    """Build a Turn from its JSON form (see ``python -m fake_anthropic --help``).

    Forms: ``{"text": "hi"}``; ``{"tool_use": {"name": ..., "input": {...}}, "text": ...}``;
    ``{"blocks": [{"type": "text", "text": ...}, ...]}``; ``{"http_error": {"status": 529}}``.
    The other keys are Turn options (stop_reason, usage, delay, drop_after, ...).
    """
    _expect(raw, (dict,), where)
    forms = [k for k in ("text", "blocks", "tool_use", "http_error") if k in raw]
    if "http_error" in raw:
        extra = set(raw) - {"http_error"}
        if extra:
            raise ScriptError(f"{where}: http_error cannot be combined with {sorted(extra)}")
        return Turn.error(_http_error_from_dict(raw["http_error"], f"{where}.http_error"))
    if not forms:
        raise ScriptError(f"{where}: needs one of 'text', 'blocks', 'tool_use' or 'http_error'")
    if "blocks" in raw and len(forms) > 1:
        raise ScriptError(f"{where}: 'blocks' cannot be combined with 'text' or 'tool_use'")

    blocks: list[Block] = []
    if "blocks" in raw:
        items = _expect(raw["blocks"], (list,), f"{where}.blocks")
        blocks = [_block_from_dict(b, f"{where}.blocks[{i}]") for i, b in enumerate(items)]
    else:
        if "text" in raw:
            blocks.append(Text(_expect(raw["text"], (str,), f"{where}.text")))
        if "tool_use" in raw:
            tool = dict(_expect(raw["tool_use"], (dict,), f"{where}.tool_use"))
            tool.setdefault("type", "tool_use")
            blocks.append(_block_from_dict(tool, f"{where}.tool_use"))

    options: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("text", "blocks", "tool_use"):
            continue
        if key == "usage":
            options["usage"] = _usage_from_dict(value, f"{where}.usage")
        elif key in _TURN_OPTIONS:
            options[key] = _expect(value, _TURN_OPTIONS[key], f"{where}.{key}")
        else:
            raise ScriptError(f"{where}: unknown field {key!r}")
    try:
        return Turn(blocks, **options)
    except (TypeError, ValueError) as exc:
        raise ScriptError(f"{where}: {exc}") from None


def _usage_from_dict(raw: Any, where: str) -> Usage:
    _expect(raw, (dict,), where)
    fields = {
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    }
    unknown = set(raw) - fields
    if unknown:
        raise ScriptError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    values = {k: _expect(v, (int,), f"{where}.{k}") for k, v in raw.items()}
    return Usage(**values)


def load_script(path: str | Path) -> list[Turn]:
    """Read a JSON script file: a list of turns in the form ``turn_from_dict`` accepts."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptError(f"cannot read script {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScriptError(f"script {path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScriptError(
            f"script {path} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    return script_from_json(data, str(path))


def script_from_json(data: Any, name: str = "script") -> list[Turn]:
    """Turn already-parsed JSON (a list of turn objects) into Turns."""
    if not isinstance(data, list):
        raise ScriptError(f"{name}: the top level must be a JSON list of turns")
    return [turn_from_dict(item, f"{name}: turn {i}") for i, item in enumerate(data)]


def normalize_items(items: Sequence[ScriptItem]) -> list[ScriptItem]:
    """Check script items early so a bad entry fails where it is written."""
    out: list[ScriptItem] = []
    for item in items:
        if not (isinstance(item, Turn | HttpError) or callable(item)):
            raise TypeError(f"a script item must be a Turn, HttpError or callable, not {item!r}")
        out.append(item)
    return out
