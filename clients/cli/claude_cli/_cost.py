"""What a turn cost, from its token counts and the model's list price (an estimate)."""

from __future__ import annotations

from claude_cli._session_client import TokenUsage

# USD per million tokens (input, output), matched by the first substring found in the model id.
# Cache writes cost 1.25x input, cache reads 0.1x input, as the API bills them.
_PRICES: tuple[tuple[str, float, float], ...] = (
    ("opus-4-6", 5.0, 25.0),
    ("opus-4-5", 5.0, 25.0),
    ("opus", 15.0, 75.0),
    ("sonnet", 3.0, 15.0),
    ("haiku-4", 1.0, 5.0),
    ("haiku-3-5", 0.8, 4.0),
    ("3-5-haiku", 0.8, 4.0),
    ("haiku", 0.25, 1.25),
)


def cost_usd(model: str, usage: TokenUsage) -> float | None:
    """The list-price cost of ``usage`` on ``model``; None for a model we have no price for."""
    name = model.lower()
    for needle, price_in, price_out in _PRICES:
        if needle in name:
            total = (
                usage.input_tokens * price_in
                + usage.cache_creation_input_tokens * price_in * 1.25
                + usage.cache_read_input_tokens * price_in * 0.1
                + usage.output_tokens * price_out
            )
            return total / 1_000_000
    return None


def format_tokens(count: int) -> str:
    """``950``, ``1.2k``, ``3.4M``: short enough for a status line."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.1f}M"


def format_cost(value: float) -> str:
    """Dollars with enough digits to be meaningful for small turns."""
    return f"${value:.4f}" if value < 1 else f"${value:.2f}"


def format_seconds(seconds: float) -> str:
    """``4.2s``, ``1m 05s``."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m {rest:02d}s"
