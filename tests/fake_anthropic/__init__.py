"""A fake Anthropic Messages API server for tests and benchmarks.

It is a real HTTP/1.1 server on 127.0.0.1 that answers ``POST /v1/messages`` from a script
of turns (streamed as SSE when the request asks for it, else as a JSON Message), answers
``POST /v1/messages/count_tokens`` with an estimate, records every request, and can inject
HTTP errors, mid-stream ``error`` events, dropped connections and slow trickles::

    with FakeAnthropic([Turn.text("Hello"), Turn.tool_use("Read", {"file_path": "/x"})]) as fake:
        client = anthropic.Anthropic(base_url=fake.base_url, api_key="sk-test")
        ...
        assert fake.requests[0].body["model"] == "claude-sonnet-4-5"

Run it standalone with ``python -m fake_anthropic --script turns.json``.
"""

from ._script import (
    Block,
    HttpError,
    RecordedRequest,
    RedactedThinking,
    ScriptError,
    ScriptItem,
    Text,
    Thinking,
    ToolUse,
    Turn,
    Usage,
    load_script,
    script_from_json,
    turn_from_dict,
)
from ._server import FakeAnthropic
from ._sse import SseEvent, estimate_tokens, parse_sse

__all__ = [
    "Block",
    "FakeAnthropic",
    "HttpError",
    "RecordedRequest",
    "RedactedThinking",
    "ScriptError",
    "ScriptItem",
    "SseEvent",
    "Text",
    "Thinking",
    "ToolUse",
    "Turn",
    "Usage",
    "estimate_tokens",
    "load_script",
    "parse_sse",
    "script_from_json",
    "turn_from_dict",
]
