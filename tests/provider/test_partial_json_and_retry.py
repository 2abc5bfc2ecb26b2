"""Best-effort parsing of cut-off tool input, and the retry policy's arithmetic."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from claude_server.provider import RetryPolicy, parse_partial_json, parse_retry_after
from jiter import from_json

VECTORS_FILE = (
    Path(__file__).resolve().parent.parent
    / "fixtures/anthropic_errors/retry_after_python_sdk_vectors.json"
)

PARTIAL_CASES = [
    '{"a": 12',
    '{"a": 1.',
    '{"a": -',
    '{"a": tru',
    '{"a": true',
    '{"a": [1, "x',
    '{"a',
    '{"a":',
    '{"a": {"b": [',
    "[1,2",
    '{"a": 1e',
    '{"a": 1e5',
    '{"a": nul',
    '{"a": "x\\',
    '{"a": "x\\u00',
    '{"a": 1, ',
    '{"a": "done", "b": "not',
    '{"path": "a.txt", "lines_of_text": [\n"# TITLE",\n"",\n"## INTRO",\n"",\n"Filing',
    '{"nested": [{"k": [1, 2, {"z": false, "y": "é',
    '{"a": [], "b": {}, "c": -0.5E+3',
]


@pytest.mark.parametrize("text", PARTIAL_CASES)
def test_partial_json_agrees_with_jiter(text: str) -> None:
    # jiter (the official SDK's parser, in partial mode) is the oracle.
    assert parse_partial_json(text) == from_json(text.encode(), partial_mode=True)


@pytest.mark.parametrize("text", ['{"a": [1, {"b": null}], "c": "d"}', "[]", "3", '"s"'])
def test_complete_json_parses_exactly(text: str) -> None:
    assert parse_partial_json(text) == json.loads(text)


@pytest.mark.parametrize("text", ["", "   ", '"unterminated', "{]", "{x: 1}", "[" * 100_000])
def test_hopeless_input_gives_none_or_a_container(text: str) -> None:
    result = parse_partial_json(text)
    assert result is None or isinstance(result, dict | list)


def load_vectors() -> list[list[Any]]:
    data = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    return data["vectors"]  # type: ignore[no-any-return]


NOW = 1696004797.0  # the clock the SDK's vectors were computed with


@pytest.mark.parametrize(("remaining", "header", "sdk_delay"), load_vectors())
def test_retry_after_header_vectors(remaining: int, header: str, sdk_delay: float) -> None:
    hint = parse_retry_after({"retry-after": header}, now=NOW)
    policy = RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_max=8.0, retry_after_max=60.0)
    failed_attempt = max(1, 4 - remaining)
    delay = policy.delay(failed_attempt, hint, random.Random(0))
    if hint is not None and hint <= 60:
        # A hint the SDK honours is honoured exactly.
        assert delay == pytest.approx(sdk_delay)
    elif hint is not None:
        # Larger hints are clamped, where the SDK ignores them (documented difference).
        assert delay == 60.0
    else:
        assert 0 <= delay <= policy.backoff_bound(failed_attempt)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "9"}, 9.0),
        ({"retry-after-ms": "0", "retry-after": "2.5"}, 2.5),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "inf"}, None),
        ({}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=NOW) == expected


class TopOfRange(random.Random):
    """A jitter source that always picks the largest allowed wait."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=10, backoff_base=0.5, backoff_max=5.0)
    delays = [policy.delay(n, None, TopOfRange()) for n in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert policy.backoff_bound(10_000) == 5.0


def test_full_jitter_stays_within_bounds() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=5.0)
    rng = random.Random(7)
    for attempt in range(1, 6):
        samples = [policy.delay(attempt, None, rng) for _ in range(200)]
        assert all(0 <= s <= policy.backoff_bound(attempt) for s in samples)
        # Jitter really spreads the waits out.
        assert max(samples) - min(samples) > policy.backoff_bound(attempt) / 2


def test_server_hint_wins_and_is_clamped() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=5.0, retry_after_max=60.0)
    assert policy.delay(1, 12.0) == 12.0
    assert policy.delay(1, 3600.0) == 60.0
