"""Model aliases, the facts table and cost estimates (figures computed by hand)."""

from __future__ import annotations

import pytest
from claude_server.model import Usage
from claude_server.provider import (
    ALIASES,
    EFFORT_LEVELS,
    MODELS,
    TABLE_DATE,
    estimate_cost,
    model_info,
    resolve_model,
)


@pytest.mark.parametrize(
    ("name", "resolved"),
    [
        ("sonnet", "claude-sonnet-5-5"),
        ("opus", "claude-opus-5-5"),
        ("haiku", "claude-haiku-5-5"),
        ("  Sonnet ", "claude-sonnet-5-5"),
        ("HAIKU", "claude-haiku-5-5"),
        ("claude-sonnet-4-6", "claude-sonnet-4-6"),
        (" claude-opus-4-6 ", "claude-opus-4-6"),
        ("my-gateway/model", "my-gateway/model"),
    ],
)
def test_resolve_model(name: str, resolved: str) -> None:
    assert resolve_model(name) == resolved


def test_resolve_model_with_overrides() -> None:
    pinned = {"Haiku": "claude-haiku-4-5", "fast": "claude-haiku-5-5", "empty": " "}
    assert resolve_model("haiku", pinned) == "claude-haiku-4-5"
    assert resolve_model("fast", pinned) == "claude-haiku-5-5"
    assert resolve_model("opus", pinned) == "claude-opus-5-5"
    assert resolve_model("empty", pinned) == "empty"  # a blank override is no override


def test_every_alias_points_into_the_table() -> None:
    assert set(ALIASES) == {"opus", "sonnet", "haiku"}
    for alias, model in ALIASES.items():
        info = model_info(model)
        assert info is not None and info.family == alias
        assert model_info(alias) is info
    assert TABLE_DATE == "2026-10"


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("claude-opus-4-5-20251101", "claude-opus-4-5"),
        ("claude-sonnet-4-20250514", "claude-sonnet-4"),
        ("claude-sonnet-4-0", "claude-sonnet-4"),
        ("claude-opus-4-6-v1", "claude-opus-4-6"),
        ("Claude-Sonnet-4-6", "claude-sonnet-4-6"),
    ],
)
def test_dated_and_versioned_ids_find_their_row(name: str, row: str) -> None:
    info = model_info(name)
    assert info is not None and info.id == row


def test_unknown_models_have_no_facts() -> None:
    assert model_info("claude-3-7-sonnet-latest") is None
    assert model_info("gpt-something") is None


def test_table_is_consistent() -> None:
    for model_id, info in MODELS.items():
        assert info.id == model_id
        assert 0 < info.max_output <= info.context_window
        assert set(info.effort_levels) <= set(EFFORT_LEVELS)
        # Levels are listed lowest first.
        ranks = [EFFORT_LEVELS.index(level) for level in info.effort_levels]
        assert ranks == sorted(ranks)
        assert info.supports_thinking
        price = info.price
        assert 0 < price.cache_read < price.input < price.cache_write_5m < price.cache_write_1h
        assert price.input < price.output
        assert (price.long_prompt is None) == (price.long_prompt_threshold is None)


def test_capabilities() -> None:
    sonnet46, haiku45, opus55 = (
        model_info("claude-sonnet-4-6"),
        model_info("claude-haiku-4-5"),
        model_info("opus"),
    )
    assert sonnet46 and haiku45 and opus55
    assert sonnet46.supports_adaptive_thinking and sonnet46.supports_effort
    assert "max" in sonnet46.effort_levels and "xhigh" not in sonnet46.effort_levels
    assert not haiku45.supports_adaptive_thinking and not haiku45.supports_effort
    assert opus55.thinking_always_on and "xhigh" in opus55.effort_levels
    assert sonnet46.context_window == 1_000_000
    assert haiku45.context_window == 200_000 and haiku45.max_output == 64_000


# --- cost ---------------------------------------------------------------------------------------


def test_cost_with_every_kind_of_token() -> None:
    usage = Usage(
        input_tokens=1000,
        output_tokens=500,
        cache_creation_input_tokens=2000,
        cache_read_input_tokens=10_000,
    )
    # 1000*$3 + 500*$15 + 2000*$3.75 + 10000*$0.30 = $21,000 per million = $0.021
    assert estimate_cost("claude-sonnet-4-6", usage) == pytest.approx(0.021)


def test_cost_splits_cache_writes_by_ttl() -> None:
    usage = Usage.model_validate(
        {
            "input_tokens": 200,
            "output_tokens": 100,
            "cache_creation_input_tokens": 3000,
            "cache_read_input_tokens": 0,
            "cache_creation": {
                "ephemeral_5m_input_tokens": 2000,
                "ephemeral_1h_input_tokens": 1000,
            },
        }
    )
    # 200*$5 + 100*$25 + 2000*$6.25 + 1000*$10 = 26,000 -> $0.026
    assert estimate_cost("claude-opus-4-5-20251101", usage) == pytest.approx(0.026)


def test_cost_of_a_prompt_length_tier() -> None:
    below = Usage(
        input_tokens=50_000,
        output_tokens=1000,
        cache_creation_input_tokens=10_000,
        cache_read_input_tokens=40_000,
    )
    # A prompt of exactly 100,000 tokens is still in the lower band:
    # 50000*$0.10 + 1000*$0.50 + 10000*$0.125 + 40000*$0.01 = 7,150 -> $0.00715
    assert estimate_cost("claude-haiku-5-5", below) == pytest.approx(0.00715)
    above = below.model_copy(update={"input_tokens": 50_001})
    # One more token: every token at the upper band.
    # 50001*$0.50 + 1000*$2.50 + 10000*$0.625 + 40000*$0.05 = 35,750.5 -> $0.0357505
    assert estimate_cost("haiku", above) == pytest.approx(0.0357505)


def test_cost_above_200k_for_sonnet_4_5() -> None:
    usage = Usage(input_tokens=250_000, output_tokens=1000)
    # 250000*$6 + 1000*$22.50 = 1,522,500 -> $1.5225
    assert estimate_cost("claude-sonnet-4-5", usage) == pytest.approx(1.5225)


def test_cost_by_alias_and_dated_id() -> None:
    assert estimate_cost("opus", Usage(input_tokens=1_000_000)) == pytest.approx(4.0)
    assert estimate_cost("claude-haiku-4-5-20251001", Usage(output_tokens=1_000_000)) == (
        pytest.approx(5.0)
    )
    assert estimate_cost("claude-sonnet-4-6", Usage()) == 0.0


def test_cost_of_an_unknown_model_is_none() -> None:
    assert estimate_cost("claude-3-7-sonnet-latest", Usage(input_tokens=10)) is None
