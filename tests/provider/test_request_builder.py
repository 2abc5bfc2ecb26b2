"""The request builder: exact JSON bodies and headers for what a ModelRequest asks."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from claude_server.errors import ConfigError
from claude_server.model import (
    AssistantMessage,
    DocumentBlock,
    ImageBlock,
    Message,
    ModelRequest,
    OtherBlock,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)
from claude_server.provider import (
    DEFAULT_THINKING_BUDGET,
    MAX_CACHE_BREAKPOINTS,
    MessageAccumulator,
    SSEDecoder,
    ThinkingConfig,
    build_count_tokens_request,
    build_request,
    merge_betas,
    request_headers,
)

from ._fixtures import FIXTURES, STREAM_FIXTURES

EPHEMERAL = {"type": "ephemeral"}
TOOLS = [
    {
        "name": "Read",
        "description": "Read a file.",
        "input_schema": {
            "type": "object",
            "properties": {"file_path": {"type": "string"}},
            "required": ["file_path"],
        },
    }
]


def user(text: str) -> Message:
    return Message.user_text(text)


def markers(body: dict[str, Any]) -> list[str]:
    """Where the body's cache_control markers are, as readable paths."""
    found: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if "cache_control" in value:
                found.append(path)
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    for key in ("tools", "system", "messages"):
        walk(body.get(key), key)
    return found


def conversation(turns: int) -> list[Message]:
    """user, assistant (text + tool call), user (tool result), ... ending with a user message."""
    messages = [user("start")]
    for n in range(turns):
        messages.append(
            Message(
                role="assistant",
                content=[
                    TextBlock(text=f"step {n}"),
                    ToolUseBlock(id=f"toolu_{n}", name="Read", input={"file_path": f"/f{n}"}),
                ],
            )
        )
        messages.append(
            Message(role="user", content=[ToolResultBlock(tool_use_id=f"toolu_{n}", content="ok")])
        )
    return messages


# --- the plain body -----------------------------------------------------------------------------


def test_minimal_body_without_caching() -> None:
    request = ModelRequest(model="claude-x", messages=[user("hi")], max_tokens=100, cache=False)
    built = build_request(request)
    assert built.body == {
        "model": "claude-x",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "max_tokens": 100,
        "stream": True,
    }
    assert built.betas == []


def test_every_optional_field() -> None:
    request = ModelRequest(
        model="claude-x",
        messages=[user("hi")],
        max_tokens=2048,
        system="Be brief.",
        tools=TOOLS,
        metadata={"user_id": "u-1"},
        tool_choice={"type": "tool", "name": "Read"},
        temperature=0.5,
        stop_sequences=["END"],
        betas=["some-beta-2026-01-01"],
        cache=False,
    )
    built = build_request(request)
    assert built.body == {
        "model": "claude-x",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "system": "Be brief.",
        "tools": TOOLS,
        "tool_choice": {"type": "tool", "name": "Read"},
        "max_tokens": 2048,
        "metadata": {"user_id": "u-1"},
        "stop_sequences": ["END"],
        "temperature": 0.5,
        "stream": True,
    }
    assert built.betas == ["some-beta-2026-01-01"]


@pytest.mark.parametrize(
    "choice",
    [
        {"type": "auto"},
        {"type": "auto", "disable_parallel_tool_use": True},
        {"type": "any"},
        {"type": "tool", "name": "Read"},
        {"type": "none"},
    ],
)
def test_tool_choice_is_sent_as_given(choice: dict[str, Any]) -> None:
    request = ModelRequest(
        model="claude-x", messages=[user("hi")], max_tokens=10, tools=TOOLS, tool_choice=choice
    )
    assert build_request(request).body["tool_choice"] == choice


def test_tools_keep_their_schemas_and_get_no_cache_marker() -> None:
    request = ModelRequest(
        model="claude-x", messages=[user("hi")], max_tokens=10, system="S", tools=TOOLS
    )
    body = build_request(request).body
    assert body["tools"] == TOOLS
    assert not any(path.startswith("tools") for path in markers(body))


def test_aliases_are_sent_as_model_ids() -> None:
    request = ModelRequest(model="haiku", messages=[user("hi")], max_tokens=10, cache=False)
    assert build_request(request).body["model"] == "claude-haiku-5-5"
    assert build_count_tokens_request(request).body["model"] == "claude-haiku-5-5"


def test_non_stream_body() -> None:
    request = ModelRequest(model="claude-x", messages=[user("hi")], max_tokens=10, cache=False)
    assert build_request(request, stream=False).body["stream"] is False


# --- prompt caching ---------------------------------------------------------------------------


def test_system_string_becomes_a_marked_block_and_newest_message_is_marked() -> None:
    request = ModelRequest(
        model="claude-x", messages=[user("hi")], max_tokens=10, system="You help.", tools=TOOLS
    )
    body = build_request(request).body
    assert body["system"] == [{"type": "text", "text": "You help.", "cache_control": EPHEMERAL}]
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": EPHEMERAL}]}
    ]
    assert markers(body) == ["system[0]", "messages[0].content[0]"]


def test_system_blocks_only_the_last_is_marked_and_callers_list_is_untouched() -> None:
    system = [{"type": "text", "text": "part one"}, {"type": "text", "text": "part two"}]
    original = copy.deepcopy(system)
    request = ModelRequest(model="claude-x", messages=[user("hi")], max_tokens=10, system=system)
    body = build_request(request).body
    assert body["system"] == [
        {"type": "text", "text": "part one"},
        {"type": "text", "text": "part two", "cache_control": EPHEMERAL},
    ]
    assert system == original


def test_system_blocks_without_caching_pass_through() -> None:
    system = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    request = ModelRequest(
        model="claude-x", messages=[user("hi")], max_tokens=10, system=system, cache=False
    )
    body = build_request(request).body
    assert body["system"] == system
    assert markers(body) == []


def test_rolling_breakpoint_moves_to_the_newest_message() -> None:
    history = conversation(1)
    first = build_request(
        ModelRequest(model="claude-x", messages=history, max_tokens=10, system="S")
    ).body
    assert markers(first) == ["system[0]", "messages[2].content[0]"]
    assert first["messages"][2]["content"][0] == {
        "type": "tool_result",
        "tool_use_id": "toolu_0",
        "content": "ok",
        "cache_control": EPHEMERAL,
    }

    longer = conversation(2)
    second = build_request(
        ModelRequest(model="claude-x", messages=longer, max_tokens=10, system="S")
    ).body
    # The same earlier message now goes out without its marker; only the newest carries one.
    assert markers(second) == ["system[0]", "messages[4].content[0]"]
    assert "cache_control" not in second["messages"][2]["content"][0]
    # Building did not leave markers on the conversation's own blocks.
    assert all(
        "cache_control" not in block.to_api() for message in longer for block in message.content
    )


def test_breakpoint_skips_blocks_that_cannot_carry_one() -> None:
    newest = Message(
        role="assistant",
        content=[
            TextBlock(text="answer"),
            ThinkingBlock(thinking="hmm", signature="sig"),
            RedactedThinkingBlock(data="opaque"),
            TextBlock(text=""),
        ],
    )
    body = build_request(
        ModelRequest(model="claude-x", messages=[user("q"), newest], max_tokens=10)
    ).body
    assert markers(body) == ["messages[1].content[0]"]


def test_breakpoint_falls_back_to_an_older_message() -> None:
    only_thinking = Message(role="assistant", content=[ThinkingBlock(thinking="t", signature="s")])
    body = build_request(
        ModelRequest(model="claude-x", messages=[user("q"), only_thinking], max_tokens=10)
    ).body
    assert markers(body) == ["messages[0].content[0]"]


def test_never_more_than_four_breakpoints() -> None:
    # The caller marked blocks of its own: a tool, a system block and every message.
    tools = [{**TOOLS[0], "cache_control": EPHEMERAL}]
    system: list[dict[str, Any]] = [
        {"type": "text", "text": "one", "cache_control": EPHEMERAL},
        {"type": "text", "text": "two"},
    ]
    messages = [
        Message(
            role="user",
            content=[TextBlock.model_validate({"text": f"m{n}", "cache_control": EPHEMERAL})],
        )
        if n % 2 == 0
        else Message(
            role="assistant",
            content=[TextBlock.model_validate({"text": f"m{n}", "cache_control": EPHEMERAL})],
        )
        for n in range(5)
    ]
    body = build_request(
        ModelRequest(model="claude-x", messages=messages, max_tokens=10, system=system, tools=tools)
    ).body
    found = markers(body)
    assert len(found) == MAX_CACHE_BREAKPOINTS
    # Ours (the last system block, the newest message) survive; the oldest message markers go
    # first, and here that is enough.
    assert "system[1]" in found
    assert "messages[4].content[0]" in found
    assert found == ["tools[0]", "system[0]", "system[1]", "messages[4].content[0]"]


def test_nested_markers_count_too() -> None:
    result = ToolResultBlock(
        tool_use_id="t1",
        content=[{"type": "text", "text": f"r{n}", "cache_control": EPHEMERAL} for n in range(5)],
    )
    body = build_request(
        ModelRequest(
            model="claude-x",
            messages=[Message(role="user", content=[result])],
            max_tokens=10,
            system="S",
        )
    ).body
    assert len(markers(body)) == MAX_CACHE_BREAKPOINTS
    assert markers(body)[:2] == ["system[0]", "messages[0].content[0]"]
    # The markers were dropped from the request's copy, not from the conversation.
    assert isinstance(result.content, list)
    assert all("cache_control" in item for item in result.content)


def test_count_tokens_body_has_the_same_prompt_without_output_fields() -> None:
    request = ModelRequest(
        model="claude-sonnet-4-6",
        messages=[user("hi")],
        max_tokens=4096,
        system="S",
        tools=TOOLS,
        tool_choice={"type": "auto"},
        metadata={"user_id": "u"},
        temperature=1.0,
        stop_sequences=["x"],
        thinking=ThinkingConfig.budget(2000),
        effort="low",
    )
    full = build_request(request).body
    counted = build_count_tokens_request(request).body
    dropped = {"max_tokens", "stream", "metadata", "temperature", "stop_sequences"}
    assert counted == {key: value for key, value in full.items() if key not in dropped}
    assert set(full) - set(counted) == dropped


# --- every content block type ---------------------------------------------------------------


ALL_BLOCKS: list[dict[str, Any]] = [
    {"type": "text", "text": "see the attachments"},
    {
        "type": "text",
        "text": "cited",
        "citations": [{"type": "char_location", "cited_text": "x", "document_index": 0}],
    },
    {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
    },
    {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
    {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"},
        "title": "spec",
        "citations": {"enabled": True},
    },
    {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain"}},
    {"type": "search_result", "source": "https://example.com", "title": "t", "content": []},
]
ASSISTANT_BLOCKS: list[dict[str, Any]] = [
    {"type": "thinking", "thinking": "Let me think.", "signature": "EqQBCkYIBxgC"},
    {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"},
    {"type": "text", "text": "I will search and read."},
    {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "web_search",
        "input": {"query": "python"},
    },
    {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": [{"type": "web_search_result", "url": "https://python.org", "title": "Python"}],
    },
    {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"file_path": "/a"}},
    {"type": "tool_use", "id": "toolu_2", "name": "Read", "input": {"file_path": "/b"}},
]
RESULT_BLOCKS: list[dict[str, Any]] = [
    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "contents of a"},
    {
        "type": "tool_result",
        "tool_use_id": "toolu_2",
        "content": [{"type": "text", "text": "no such file"}],
        "is_error": True,
    },
]


def test_every_block_type_round_trips_exactly() -> None:
    messages = [
        Message.model_validate({"role": "user", "content": ALL_BLOCKS}),
        Message.model_validate({"role": "assistant", "content": ASSISTANT_BLOCKS}),
        Message.model_validate({"role": "user", "content": RESULT_BLOCKS}),
    ]
    # The typed models were chosen for the known kinds; the rest stayed generic.
    kinds = [type(block) for block in messages[0].content + messages[1].content]
    assert ImageBlock in kinds and DocumentBlock in kinds and ServerToolUseBlock in kinds
    assert ThinkingBlock in kinds and RedactedThinkingBlock in kinds and OtherBlock in kinds
    body = build_request(
        ModelRequest(model="claude-x", messages=messages, max_tokens=10, cache=False)
    ).body
    assert body["messages"] == [
        {"role": "user", "content": ALL_BLOCKS},
        {"role": "assistant", "content": ASSISTANT_BLOCKS},
        {"role": "user", "content": RESULT_BLOCKS},
    ]
    cached = build_request(ModelRequest(model="claude-x", messages=messages, max_tokens=10)).body
    expected_last = [dict(RESULT_BLOCKS[0]), {**RESULT_BLOCKS[1], "cache_control": EPHEMERAL}]
    assert cached["messages"][:2] == body["messages"][:2]
    assert cached["messages"][2]["content"] == expected_last


# --- thinking -----------------------------------------------------------------------------------


def test_thinking_budget_on_a_budget_model() -> None:
    request = ModelRequest(
        model="claude-sonnet-4-5",
        messages=[user("hi")],
        max_tokens=8000,
        tools=TOOLS,
        thinking=ThinkingConfig.budget(4000),
        cache=False,
    )
    built = build_request(request)
    assert built.body["thinking"] == {"type": "enabled", "budget_tokens": 4000}
    assert built.betas == ["interleaved-thinking-2025-05-14"]


@pytest.mark.parametrize(
    ("budget", "max_tokens", "sent"),
    [(100, 8000, 1024), (1024, 8000, 1024), (7999, 8000, 7999), (50_000, 8000, 7999)],
)
def test_thinking_budget_is_kept_within_the_api_limits(
    budget: int, max_tokens: int, sent: int
) -> None:
    request = ModelRequest(
        model="claude-unknown-9",
        messages=[user("hi")],
        max_tokens=max_tokens,
        thinking=ThinkingConfig.budget(budget),
    )
    assert build_request(request).body["thinking"] == {"type": "enabled", "budget_tokens": sent}


def test_thinking_budget_needs_room_in_max_tokens() -> None:
    request = ModelRequest(
        model="claude-sonnet-4-5",
        messages=[user("hi")],
        max_tokens=1024,
        thinking=ThinkingConfig.budget(2000),
    )
    with pytest.raises(ConfigError, match="max_tokens above 1024"):
        build_request(request)


def test_enabled_thinking_needs_a_budget() -> None:
    with pytest.raises(ValueError, match="budget_tokens"):
        ThinkingConfig("enabled")


def test_adaptive_thinking_and_display() -> None:
    request = ModelRequest(
        model="claude-sonnet-4-6",
        messages=[user("hi")],
        max_tokens=8000,
        thinking=ThinkingConfig("adaptive", display="summarized"),
        cache=False,
    )
    built = build_request(request)
    assert built.body["thinking"] == {"type": "adaptive", "display": "summarized"}
    assert built.betas == []


def test_adaptive_on_a_budget_only_model_becomes_a_budget() -> None:
    request = ModelRequest(
        model="claude-haiku-4-5-20251001",
        messages=[user("hi")],
        max_tokens=32000,
        thinking=ThinkingConfig.adaptive(),
    )
    body = build_request(request).body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": DEFAULT_THINKING_BUDGET}


def test_budget_on_an_adaptive_only_model_becomes_adaptive() -> None:
    request = ModelRequest(
        model="sonnet",  # an alias is understood by the builder too
        messages=[user("hi")],
        max_tokens=32000,
        thinking=ThinkingConfig.budget(5000),
    )
    assert build_request(request).body["thinking"] == {"type": "adaptive"}


def test_thinking_off() -> None:
    def sent(model: str) -> Any:
        request = ModelRequest(
            model=model, messages=[user("hi")], max_tokens=100, thinking=ThinkingConfig.off()
        )
        return build_request(request).body.get("thinking")

    assert sent("claude-sonnet-4-6") == {"type": "disabled"}
    assert sent("claude-some-future-model") == {"type": "disabled"}
    # Thinking cannot be turned off on this one: the field is left out rather than rejected.
    assert sent("claude-opus-5-5") is None


def test_no_thinking_setting_leaves_the_field_out() -> None:
    request = ModelRequest(model="claude-sonnet-4-6", messages=[user("hi")], max_tokens=100)
    assert "thinking" not in build_request(request).body


# --- effort -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "asked", "sent", "betas"),
    [
        ("claude-opus-4-6", "max", "max", []),
        ("claude-opus-4-6", "xhigh", "high", []),  # no xhigh there: the next level down
        ("claude-opus-5-5", "xhigh", "xhigh", []),
        ("claude-opus-4-5", "max", "high", ["effort-2025-11-24"]),
        ("claude-opus-4-5", "low", "low", ["effort-2025-11-24"]),
        ("claude-sonnet-4-5", "low", None, []),  # no effort setting at all
        ("gateway-model", "medium", "medium", []),  # unknown: sent as asked
    ],
)
def test_effort(model: str, asked: Any, sent: str | None, betas: list[str]) -> None:
    request = ModelRequest(
        model=model, messages=[user("hi")], max_tokens=100, effort=asked, cache=False
    )
    built = build_request(request)
    if sent is None:
        assert "output_config" not in built.body
    else:
        assert built.body["output_config"] == {"effort": sent}
    assert built.betas == betas


# --- betas and headers --------------------------------------------------------------------------


def test_merge_betas() -> None:
    assert merge_betas(["a", "b"], "b, c ,", None, ["a", " d "]) == ["a", "b", "c", "d"]
    assert merge_betas() == []


def test_request_headers_merge_betas_with_the_credentials() -> None:
    base = {"x-api-key": "k", "Anthropic-Beta": "oauth-2025-04-20,x", "anthropic-version": "v"}
    headers = request_headers(base, ["x", "effort-2025-11-24"])
    assert headers == {
        "x-api-key": "k",
        "anthropic-version": "v",
        "anthropic-beta": "oauth-2025-04-20,x,effort-2025-11-24",
    }
    assert "anthropic-beta" not in request_headers({"x-api-key": "k"}, [])


def test_request_betas_and_feature_betas_are_combined() -> None:
    request = ModelRequest(
        model="claude-opus-4-5",
        messages=[user("hi")],
        max_tokens=4000,
        effort="medium",
        thinking=ThinkingConfig.budget(2000),
        betas=["context-1m-2025-08-07", "effort-2025-11-24"],
    )
    assert build_request(request).betas == [
        "context-1m-2025-08-07",
        "effort-2025-11-24",
        "interleaved-thinking-2025-05-14",
    ]


# --- thinking blocks go back exactly as received -----------------------------------------------


def raw_blocks(sse: bytes) -> list[dict[str, Any]]:
    """The content blocks of a recorded stream, rebuilt straight from its JSON (no accumulator)."""
    blocks: dict[int, dict[str, Any]] = {}
    for line in sse.decode().splitlines():
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:])
        if event["type"] == "content_block_start":
            blocks[event["index"]] = dict(event["content_block"])
        elif event["type"] == "content_block_delta":
            block, delta = blocks[event["index"]], event["delta"]
            if delta["type"] == "thinking_delta":
                block["thinking"] += delta["thinking"]
            elif delta["type"] == "signature_delta":
                block["signature"] = delta["signature"]
            elif delta["type"] == "text_delta":
                block["text"] += delta["text"]
    return [blocks[index] for index in sorted(blocks)]


def accumulate(body: bytes) -> AssistantMessage:
    decoder, accumulator = SSEDecoder(), MessageAccumulator()
    for name, data in decoder.feed(body):
        accumulator.feed_sse(name, data)
    return accumulator.finish()


@pytest.mark.parametrize(
    ("name", "first_block"),
    [
        ("pydanticai_thinking_part_stream", "thinking"),
        ("pydanticai_thinking_part_redacted_stream", "redacted_thinking"),
    ],
)
def test_recorded_thinking_is_sent_back_unchanged(name: str, first_block: str) -> None:
    fixture = next(f for f in STREAM_FIXTURES if f.name == name)
    received = raw_blocks(fixture.body)
    assert received[0]["type"] == first_block
    answer = accumulate(fixture.body)
    exchanges = json.loads((FIXTURES / f"{name}.exchanges.json").read_text())
    first = exchanges[0]["request"]["body"]
    request = ModelRequest(
        model=first["model"],
        messages=[
            Message.model_validate(first["messages"][0]),
            answer.as_message(),
            user("And at night?"),
        ],
        max_tokens=first["max_tokens"],
        thinking=ThinkingConfig.budget(first["thinking"]["budget_tokens"]),
    )
    body = build_request(request).body
    assert body["thinking"] == first["thinking"]
    assert body["messages"][0] == first["messages"][0]
    assert body["messages"][1] == {"role": "assistant", "content": received}
    assert markers(body) == ["messages[2].content[0]"]
