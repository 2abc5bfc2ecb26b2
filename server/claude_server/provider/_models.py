"""Everything claude-py knows about particular models, in one place.

- :data:`ALIASES` and :func:`resolve_model`: the short names ``opus``, ``sonnet`` and ``haiku``;
- :data:`MODELS` and :func:`model_info`: context window, output limit, which thinking modes and
  effort levels a model accepts, and its prices;
- :func:`estimate_cost`: what a response cost, in US dollars.

The table reflects Anthropic's public model and pricing pages as of October 2026 (Claude Haiku
5.5, released 2026-10-07, is the newest model in it; Claude Sonnet 5.5's cache-read price cut
of that date is applied). Prices are USD per million tokens. When Anthropic ships a model, add
a row here; nothing else in the code names a model.

Unknown models (a gateway's own names, a model newer than this table) are not guessed at:
:func:`resolve_model` returns the name unchanged, :func:`model_info` returns ``None``, the
request builder sends thinking and effort settings exactly as asked, and :func:`estimate_cost`
returns ``None`` rather than a made-up figure.

Model ids are matched after dropping a date suffix (``claude-haiku-4-5-20251001``) or an
``-latest`` / ``-v1`` style suffix, so dated snapshots share their family's row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

from claude_server.model import EFFORT_LEVELS, Effort, Usage

__all__ = [
    "ALIASES",
    "MODELS",
    "TABLE_DATE",
    "ModelInfo",
    "Price",
    "estimate_cost",
    "model_info",
    "resolve_model",
]

TABLE_DATE: Final = "2026-10"
"""When the facts below were last checked against Anthropic's documentation."""

ThinkingType = Literal["enabled", "adaptive"]


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens of each kind.

    ``long_prompt_threshold`` / ``long_prompt``: for a request whose prompt (input plus cache
    reads and writes) exceeds the threshold, every token of that request is billed at the
    ``long_prompt`` rates instead.
    """

    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    long_prompt_threshold: int | None = None
    long_prompt: Price | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What one model accepts and costs."""

    id: str
    family: Literal["opus", "sonnet", "haiku"]
    context_window: int
    max_output: int
    thinking: frozenset[ThinkingType]
    """The ``thinking.type`` values with a budget or adaptive depth the model accepts."""
    thinking_always_on: bool
    """Thinking cannot be turned off (``{"type": "disabled"}`` is rejected)."""
    effort_levels: tuple[Effort, ...]
    """Accepted ``output_config.effort`` levels, lowest first; empty when effort is unsupported."""
    effort_beta: str | None
    """A beta flag the model needs for ``output_config.effort``, if any."""
    interleaved_thinking_beta: str | None
    """A beta flag that lets budget thinking continue between tool calls, if the model has one."""
    price: Price

    @property
    def supports_thinking(self) -> bool:
        """Whether the model can think at all."""
        return bool(self.thinking) or self.thinking_always_on

    @property
    def supports_adaptive_thinking(self) -> bool:
        """Whether ``{"type": "adaptive"}`` is accepted."""
        return "adaptive" in self.thinking

    @property
    def supports_effort(self) -> bool:
        """Whether ``output_config.effort`` is accepted."""
        return bool(self.effort_levels)


def _price(
    input: float,
    output: float,
    *,
    write_5m: float | None = None,
    write_1h: float | None = None,
    read: float | None = None,
) -> Price:
    # The usual multipliers (writes 1.25x and 2x, reads 0.1x) unless the page says otherwise.
    return Price(
        input=input,
        output=output,
        cache_write_5m=input * 1.25 if write_5m is None else write_5m,
        cache_write_1h=input * 2 if write_1h is None else write_1h,
        cache_read=input * 0.1 if read is None else read,
    )


_K: Final = 1000
_ALL_EFFORT: Final = EFFORT_LEVELS
_NO_XHIGH: Final[tuple[Effort, ...]] = ("low", "medium", "high", "max")
_INTERLEAVED: Final = "interleaved-thinking-2025-05-14"
_BUDGET: Final[frozenset[ThinkingType]] = frozenset({"enabled"})
_ADAPTIVE: Final[frozenset[ThinkingType]] = frozenset({"adaptive"})
_BOTH: Final[frozenset[ThinkingType]] = frozenset({"enabled", "adaptive"})

# Claude 4 models before 4.6 were offered a 1M context behind a beta, with prompts over 200K
# tokens billed at double input and 1.5x output; those rates apply here above 200K tokens.
_SONNET_4_PRICE: Final = Price(
    input=3,
    output=15,
    cache_write_5m=3.75,
    cache_write_1h=6,
    cache_read=0.30,
    long_prompt_threshold=200 * _K,
    long_prompt=_price(6, 22.5),
)

_ROWS: Final[tuple[ModelInfo, ...]] = (
    # --- Opus -----------------------------------------------------------------------------
    ModelInfo(
        id="claude-opus-5-5",
        family="opus",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=True,
        effort_levels=_ALL_EFFORT,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(4, 20, write_5m=5, write_1h=8, read=0.20),
    ),
    ModelInfo(
        id="claude-opus-5",
        family="opus",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=False,
        effort_levels=_ALL_EFFORT,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(5, 25),
    ),
    ModelInfo(
        id="claude-opus-4-8",
        family="opus",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=False,
        effort_levels=_ALL_EFFORT,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(5, 25),
    ),
    ModelInfo(
        id="claude-opus-4-7",
        family="opus",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=False,
        effort_levels=_ALL_EFFORT,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(5, 25),
    ),
    ModelInfo(
        id="claude-opus-4-6",
        family="opus",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_BOTH,
        thinking_always_on=False,
        effort_levels=_NO_XHIGH,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(5, 25),
    ),
    ModelInfo(
        id="claude-opus-4-5",
        family="opus",
        context_window=200 * _K,
        max_output=64 * _K,
        thinking=_BUDGET,
        thinking_always_on=False,
        effort_levels=("low", "medium", "high"),
        effort_beta="effort-2025-11-24",
        interleaved_thinking_beta=_INTERLEAVED,
        price=_price(5, 25),
    ),
    ModelInfo(
        id="claude-opus-4-1",
        family="opus",
        context_window=200 * _K,
        max_output=32 * _K,
        thinking=_BUDGET,
        thinking_always_on=False,
        effort_levels=(),
        effort_beta=None,
        interleaved_thinking_beta=_INTERLEAVED,
        price=_price(15, 75),
    ),
    ModelInfo(
        id="claude-opus-4",
        family="opus",
        context_window=200 * _K,
        max_output=32 * _K,
        thinking=_BUDGET,
        thinking_always_on=False,
        effort_levels=(),
        effort_beta=None,
        interleaved_thinking_beta=_INTERLEAVED,
        price=_price(15, 75),
    ),
    # --- Sonnet ---------------------------------------------------------------------------
    ModelInfo(
        id="claude-sonnet-5-5",
        family="sonnet",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=False,
        effort_levels=_ALL_EFFORT,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(2, 10, write_5m=2.5, write_1h=4, read=0.10),
    ),
    ModelInfo(
        id="claude-sonnet-5",
        family="sonnet",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=False,
        effort_levels=_ALL_EFFORT,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(2, 10, write_5m=2.5, write_1h=4, read=0.20),
    ),
    ModelInfo(
        id="claude-sonnet-4-6",
        family="sonnet",
        context_window=1_000 * _K,
        # Sources disagree (64K and 128K); the lower figure never produces a rejected request.
        max_output=64 * _K,
        thinking=_BOTH,
        thinking_always_on=False,
        effort_levels=_NO_XHIGH,
        effort_beta=None,
        interleaved_thinking_beta=None,
        price=_price(3, 15),
    ),
    ModelInfo(
        id="claude-sonnet-4-5",
        family="sonnet",
        context_window=200 * _K,
        max_output=64 * _K,
        thinking=_BUDGET,
        thinking_always_on=False,
        effort_levels=(),
        effort_beta=None,
        interleaved_thinking_beta=_INTERLEAVED,
        price=_SONNET_4_PRICE,
    ),
    ModelInfo(
        id="claude-sonnet-4",
        family="sonnet",
        context_window=200 * _K,
        max_output=64 * _K,
        thinking=_BUDGET,
        thinking_always_on=False,
        effort_levels=(),
        effort_beta=None,
        interleaved_thinking_beta=_INTERLEAVED,
        price=_SONNET_4_PRICE,
    ),
    # --- Haiku ----------------------------------------------------------------------------
    ModelInfo(
        id="claude-haiku-5-5",
        family="haiku",
        context_window=1_000 * _K,
        max_output=128 * _K,
        thinking=_ADAPTIVE,
        thinking_always_on=False,
        effort_levels=_NO_XHIGH,
        effort_beta=None,
        interleaved_thinking_beta=None,
        # Priced by prompt length: five times the rates for a prompt over 100K tokens.
        price=Price(
            input=0.10,
            output=0.50,
            cache_write_5m=0.125,
            cache_write_1h=0.20,
            cache_read=0.01,
            long_prompt_threshold=100 * _K,
            long_prompt=Price(
                input=0.50,
                output=2.50,
                cache_write_5m=0.625,
                cache_write_1h=1.00,
                cache_read=0.05,
            ),
        ),
    ),
    ModelInfo(
        id="claude-haiku-4-5",
        family="haiku",
        context_window=200 * _K,
        max_output=64 * _K,
        thinking=_BUDGET,
        thinking_always_on=False,
        effort_levels=(),
        effort_beta=None,
        interleaved_thinking_beta=_INTERLEAVED,
        price=_price(1, 5),
    ),
)

MODELS: Final[Mapping[str, ModelInfo]] = MappingProxyType({row.id: row for row in _ROWS})
"""Every model this table knows, by canonical id."""

ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "opus": "claude-opus-5-5",
        "sonnet": "claude-sonnet-5-5",
        "haiku": "claude-haiku-5-5",
    }
)
"""The short names and the current model each stands for."""

# Old spellings that the API still answered to, mapped to their rows.
_SPELLINGS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "claude-opus-4-0": "claude-opus-4",
        "claude-sonnet-4-0": "claude-sonnet-4",
    }
)

# A trailing snapshot date, "-latest", or a cloud platform's "-v1" / "-v1:0" version.
_SUFFIX: Final = re.compile(r"(?:-\d{8}|-latest|-v\d+(?::\d+)?)$")


def resolve_model(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """The model id ``name`` stands for.

    An alias (``opus``, ``sonnet``, ``haiku``, any case) becomes its current id; ``aliases``
    may override or extend the table (settings that pin an alias to a given model). Anything
    else is returned as given, stripped of surrounding whitespace.
    """
    cleaned = name.strip()
    key = cleaned.lower()
    if aliases:
        for alias, target in aliases.items():
            if alias.strip().lower() == key and target.strip():
                return target.strip()
    return ALIASES.get(key, cleaned)


def model_info(model: str) -> ModelInfo | None:
    """The facts about ``model`` (an id or an alias), or ``None`` for a model not in the table."""
    key = resolve_model(model).lower()
    for candidate in (key, _SUFFIX.sub("", key)):
        candidate = _SPELLINGS.get(candidate, candidate)
        info = MODELS.get(candidate)
        if info is not None:
            return info
    return None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def estimate_cost(model: str, usage: Usage) -> float | None:
    """What one response cost in USD, from its usage; ``None`` for a model not in the table.

    Cache writes are split between the 5-minute and 1-hour rates when the usage carries the
    API's ``cache_creation`` breakdown, and billed at the 5-minute rate otherwise.

    Call this per response and add the results: a prompt-length price tier applies to one
    request, so the cost of a summed :class:`Usage` may differ from the sum of the costs.
    """
    info = model_info(model)
    if info is None:
        return None
    price = info.price
    writes = _count(usage.cache_creation_input_tokens)
    writes_1h = 0
    breakdown = (usage.model_extra or {}).get("cache_creation")
    if isinstance(breakdown, Mapping):
        writes_1h = min(writes, _count(breakdown.get("ephemeral_1h_input_tokens")))
    writes_5m = writes - writes_1h
    reads = _count(usage.cache_read_input_tokens)
    fresh = _count(usage.input_tokens)
    prompt = fresh + reads + writes
    if (
        price.long_prompt is not None
        and price.long_prompt_threshold is not None
        and prompt > price.long_prompt_threshold
    ):
        price = price.long_prompt
    total = (
        fresh * price.input
        + _count(usage.output_tokens) * price.output
        + writes_5m * price.cache_write_5m
        + writes_1h * price.cache_write_1h
        + reads * price.cache_read
    )
    return total / 1_000_000
