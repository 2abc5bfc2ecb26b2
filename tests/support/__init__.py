"""Helpers shared by the tests: starting real daemons and talking to them."""

from __future__ import annotations

from typing import Any


def without_cache_control(value: Any) -> Any:
    """``value`` with every ``cache_control`` member removed (prompt-caching breakpoints move)."""
    if isinstance(value, dict):
        return {k: without_cache_control(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [without_cache_control(v) for v in value]
    return value
