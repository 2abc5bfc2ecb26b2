"""A connection's outgoing side: bounded, so a client that stops reading cannot make the daemon
buffer without limit or slow the others.

Writes go to the transport at once (asyncio buffers them). When a client's unread output passes
``max_buffered`` it is disconnected with a log line; a replay waits between pages until the
client has read most of what it was sent (:meth:`Outgoing.drain`), and a client that reads
nothing for ``stall_seconds`` meanwhile is disconnected too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)


class ByteWriter(Protocol):
    """The write side of a transport."""

    def write(self, data: bytes) -> Any: ...

    def close(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class OutgoingLimits:
    """How much a client may leave unread."""

    max_buffered: int = 16 << 20
    """Unread bytes past which the client is disconnected."""
    low_water: int = 256 << 10
    """A replay sends its next page once no more than this is unread."""
    stall_seconds: float = 30.0
    """How long a replay waits for a client that reads nothing."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> OutgoingLimits:
        """The defaults, with ``CLAUDE_PY_CLIENT_STALL_SECONDS`` when it holds a positive number
        (anything else is ignored: a limit must never stop the daemon from starting)."""
        try:
            stall = float(env.get(STALL_ENV, ""))
        except ValueError:
            return cls()
        return cls(stall_seconds=stall) if 0 < stall < float("inf") else cls()


STALL_ENV = "CLAUDE_PY_CLIENT_STALL_SECONDS"


_POLL_SECONDS = 0.005


class Outgoing:
    """Writes to one client; drops writes once it is closed (a turn may outlive its client)."""

    def __init__(
        self,
        inner: ByteWriter,
        limits: OutgoingLimits,
        *,
        name: str,
        on_overflow: Callable[[], None],
    ) -> None:
        self._inner = inner
        self._limits = limits
        self._name = name
        self._on_overflow = on_overflow
        transport = getattr(inner, "transport", inner)
        self._size: Callable[[], int] | None = getattr(transport, "get_write_buffer_size", None)
        self._abort: Callable[[], None] | None = getattr(transport, "abort", None)
        self.closed = False

    def buffered(self) -> int:
        """Bytes written and not yet taken by the client (0 when the transport cannot say)."""
        return self._size() if self._size is not None else 0

    def write(self, data: bytes) -> None:
        """Send ``data``; a client over its limit is disconnected instead."""
        if self.closed:
            return
        try:
            self._inner.write(data)
        except (OSError, RuntimeError) as exc:
            log.info("%s went away while writing: %s", self._name, exc)
            self.closed = True
            return
        waiting = self.buffered()
        if waiting > self._limits.max_buffered:
            self._overflow(f"has not read {waiting >> 10} KiB of output")

    async def drain(self) -> bool:
        """Wait until the client has read down to the low-water mark; False when it was
        disconnected instead (closed, or reading nothing for ``stall_seconds``)."""
        last, since = self.buffered(), time.monotonic()
        while not self.closed and (now := self.buffered()) > self._limits.low_water:
            if now < last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since > self._limits.stall_seconds:
                self._overflow(f"read nothing for {self._limits.stall_seconds:g} s")
                break
            await asyncio.sleep(_POLL_SECONDS)
        return not self.closed

    def _overflow(self, why: str) -> None:
        log.warning("%s %s; disconnecting it", self._name, why)
        self.closed = True
        # Abort, not close: close would wait to flush what the client is not reading.
        with contextlib.suppress(OSError, RuntimeError):
            if self._abort is not None:
                self._abort()
            else:
                self._inner.close()
        self._on_overflow()

    def close(self) -> None:
        """Close the transport (once)."""
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError, RuntimeError):
                self._inner.close()
