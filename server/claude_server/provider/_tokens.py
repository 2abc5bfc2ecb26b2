"""A local estimate of a request's input tokens, for when the API cannot count them.

The estimate is the length of the prompt's JSON (system, messages, tools, tool choice;
compact separators, non-ASCII kept as is) divided by :data:`CHARS_PER_TOKEN`, rounded up.
Four characters per token is the usual rule of thumb for English text and code; newer models'
tokenizers produce more tokens for the same text, so treat the figure as a rough lower bound.

Images and base64 documents would dwarf everything else if their encoded bytes were counted
as text, and the API bills them by size instead: each image counts
:data:`IMAGE_TOKENS` (about what an image the API does not downscale costs) and a base64
document counts its decoded size divided by :data:`CHARS_PER_TOKEN`.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from claude_server.model import ModelRequest
from claude_server.provider._request import build_count_tokens_request

__all__ = ["CHARS_PER_TOKEN", "IMAGE_TOKENS", "estimate_tokens"]

CHARS_PER_TOKEN: Final = 4
IMAGE_TOKENS: Final = 1600


def _strip_media(value: Any, extra: list[int]) -> Any:
    """``value`` with image and base64 payloads replaced; their token cost goes into ``extra``."""
    if isinstance(value, list):
        return [_strip_media(item, extra) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    source = value.get("source")
    if kind == "image":
        extra.append(IMAGE_TOKENS)
        return {"type": "image"}
    if kind == "document" and isinstance(source, dict) and source.get("type") == "base64":
        data = source.get("data")
        decoded = len(data) * 3 // 4 if isinstance(data, str) else 0
        extra.append(math.ceil(decoded / CHARS_PER_TOKEN))
        return {key: item for key, item in value.items() if key != "source"}
    # Cache markers are request plumbing, not prompt text.
    return {key: _strip_media(item, extra) for key, item in value.items() if key != "cache_control"}


def estimate_tokens(request: ModelRequest) -> int:
    """A rough local count of the input tokens of ``request`` (at least 1)."""
    body = build_count_tokens_request(request).body
    prompt = {
        key: body[key] for key in ("system", "messages", "tools", "tool_choice") if key in body
    }
    extra: list[int] = []
    text = json.dumps(_strip_media(prompt, extra), ensure_ascii=False, separators=(",", ":"))
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN) + sum(extra))
