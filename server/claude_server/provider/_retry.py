"""When to try a failed request again, and how long to wait first."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """The server's wait hint in seconds, from ``retry-after-ms`` or ``retry-after``.

    ``retry-after`` may be a number of seconds or an HTTP date. Returns ``None`` when no usable,
    strictly positive hint is present. ``now`` (unix time) is only for tests.
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            millis = float(raw_ms)
        except ValueError:
            pass
        else:
            if math.isfinite(millis) and millis > 0:
                return millis / 1000.0
    raw = headers.get("retry-after")
    if raw is None or not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return seconds


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, and a ceiling on honoured ``retry-after`` hints.

    ``max_attempts`` counts every attempt, the first included, so 1 means "never retry".
    """

    max_attempts: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 60.0

    def backoff_bound(self, failed_attempt: int) -> float:
        """The largest backoff after attempt number ``failed_attempt`` (1-based) failed."""
        exponent = min(max(failed_attempt - 1, 0), 62)  # keeps 2**n finite for any input
        return min(self.backoff_max, self.backoff_base * 2.0**exponent)

    def delay(
        self, failed_attempt: int, retry_after: float | None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait before the next attempt.

        A server hint wins over backoff (clamped to ``retry_after_max``, since a server asking
        for minutes is better answered by failing than by hanging); otherwise a uniformly random
        wait up to the exponential bound ("full jitter"), which spreads out clients that failed
        together.
        """
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.retry_after_max)
        bound = self.backoff_bound(failed_attempt)
        return (rng or random).uniform(0.0, bound)
