"""How big the context is, and when it is big enough to compact.

The best figure for a conversation's size is the API's own: every response reports the input
tokens of the request that produced it (``input_tokens`` plus the cache reads and writes, which
are input too). Between two calls the conversation grows by messages the API has not seen yet
(the response itself, tool results, the next prompt); those are estimated locally with
:func:`claude_server.provider.estimate_tokens` (about four characters a token).

To know which messages came after the last figure, the engine keeps a :class:`UsageMark`: the
response's usage together with the number of messages the request held. Everything from that
index on was appended since. A mark describes one particular list of messages: after a rewind or
a compaction the engine drops it (a mark whose count exceeds the list is ignored, but a list
that was cut and then grew again cannot be told apart).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from claude_server.model import Message, ModelRequest, Usage
from claude_server.provider import estimate_tokens, model_info

__all__ = [
    "DEFAULT_CONTEXT_WINDOW",
    "DEFAULT_RESERVE_TOKENS",
    "DEFAULT_THRESHOLD",
    "UsageMark",
    "compaction_threshold",
    "context_tokens",
    "context_window",
    "estimate_context",
    "should_compact",
]

DEFAULT_CONTEXT_WINDOW: Final = 200_000
"""The window assumed for a model the table does not know (a gateway's own name, a newer model).

It is the smallest window of any Claude model since Claude 2.1, so it never overestimates a
Claude model's room; for a larger real window it only means compacting earlier than needed,
which costs a summary, whereas guessing too large would cost a rejected request.
"""

DEFAULT_THRESHOLD: Final = 0.8
"""Compact once the context fills this fraction of the window."""

DEFAULT_RESERVE_TOKENS: Final = 32_000
"""Room always left free: the next response, and the summary request's own output."""


@dataclass(frozen=True, slots=True)
class UsageMark:
    """The API's usage for a response and how many messages the request that produced it held.

    Build it as ``UsageMark(completed.message.usage, len(request.messages))``: the messages from
    index ``message_count`` on (the response first) are the ones the figure does not cover.
    """

    usage: Usage
    message_count: int

    @property
    def prompt_tokens(self) -> int:
        """All input tokens of that request: fresh, written to the cache and read from it."""
        u = self.usage
        return u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens


def estimate_context(
    messages: Sequence[Message],
    *,
    system: str | list[dict[str, Any]] | None = None,
    tools: Sequence[dict[str, Any]] = (),
) -> int:
    """A local estimate of the input tokens of a request made of these parts."""
    request = ModelRequest(
        model="",
        messages=list(messages),
        max_tokens=1,
        system=system,
        tools=list(tools),
        cache=False,
    )
    return estimate_tokens(request)


def context_tokens(
    messages: Sequence[Message],
    last_usage: UsageMark | None,
    *,
    system: str | list[dict[str, Any]] | None = None,
    tools: Sequence[dict[str, Any]] = (),
) -> int:
    """The size in tokens of the next request made of ``messages``, ``system`` and ``tools``.

    With a usable ``last_usage``: the API's figure for the last request plus a local estimate of
    the messages appended since. Without one (no call made yet, or the mark does not fit these
    messages), a local estimate of everything.
    """
    if (
        last_usage is None
        or last_usage.prompt_tokens <= 0
        or not 0 < last_usage.message_count <= len(messages)
    ):
        return estimate_context(messages, system=system, tools=tools)
    appended = messages[last_usage.message_count :]
    if not appended:
        return last_usage.prompt_tokens
    return last_usage.prompt_tokens + estimate_context(appended)


def context_window(model: str) -> int:
    """The context window of ``model`` in tokens (:data:`DEFAULT_CONTEXT_WINDOW` if unknown)."""
    info = model_info(model)
    return info.context_window if info is not None else DEFAULT_CONTEXT_WINDOW


def compaction_threshold(
    model: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    reserve: int = DEFAULT_RESERVE_TOKENS,
) -> int:
    """The context size, in tokens, at which ``model``'s conversation should be compacted.

    The lower of ``threshold`` times the window and the window less ``reserve``: the fraction
    governs large windows, the reserve small ones (where 20% might not hold one response).
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if reserve < 0:
        raise ValueError(f"reserve must be >= 0, got {reserve}")
    window = context_window(model)
    return max(1, min(math.floor(window * threshold), window - reserve))


def should_compact(
    tokens: int,
    model: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    reserve: int = DEFAULT_RESERVE_TOKENS,
) -> bool:
    """Whether a context of ``tokens`` tokens has reached ``model``'s compaction threshold."""
    return tokens >= compaction_threshold(model, threshold=threshold, reserve=reserve)
