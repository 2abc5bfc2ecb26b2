"""The ``apiKeyHelper`` setting: a shell command that prints the API key.

As in Claude Code, the command runs with ``/bin/sh -c``, its trimmed stdout is the key, and the
key is reused for ``CLAUDE_CODE_API_KEY_HELPER_TTL_MS`` milliseconds (default 5 minutes) or until
:meth:`ApiKeyHelper.invalidate` (after the API refused it). The helper's output and stderr are
never logged nor quoted in errors: they may hold the secret. Errors name the helper by its first
word only, because people do put keys in command lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import signal
import time
from collections.abc import Callable, Mapping
from typing import Final

from claude_server.errors import AuthError, ConfigError

log = logging.getLogger(__name__)

HELPER_TTL_ENV: Final = "CLAUDE_CODE_API_KEY_HELPER_TTL_MS"
DEFAULT_HELPER_TTL: Final = 300.0
"""Seconds a helper's key is reused when ``CLAUDE_CODE_API_KEY_HELPER_TTL_MS`` is not set."""
DEFAULT_HELPER_TIMEOUT: Final = 10.0
"""Seconds a helper may run before it is killed."""


def helper_ttl(env: Mapping[str, str]) -> float:
    """The key's lifetime in seconds from ``CLAUDE_CODE_API_KEY_HELPER_TTL_MS`` (0: no reuse)."""
    raw = env.get(HELPER_TTL_ENV, "").strip()
    if not raw:
        return DEFAULT_HELPER_TTL
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{HELPER_TTL_ENV}={raw!r} is not a whole number") from None
    if value < 0:
        raise ConfigError(f"{HELPER_TTL_ENV} must not be negative, got {value}")
    return value / 1000


def helper_label(command: str) -> str:
    """How errors and logs name the helper: its program, never its arguments."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    first = words[0] if words else ""
    return first if len(first) <= 80 else first[:77] + "..."


def _sendable_key(value: str) -> bool:
    return bool(value) and value.isascii() and value.isprintable() and " " not in value


class ApiKeyHelper:
    """Runs the helper command and caches its key."""

    def __init__(
        self,
        command: str,
        *,
        env: Mapping[str, str],
        ttl: float,
        timeout: float = DEFAULT_HELPER_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.command = command
        self.label = helper_label(command)
        self._env = env
        self._ttl = ttl
        self._timeout = timeout
        self._clock = clock
        self._key: str | None = None
        self._fetched_at = 0.0
        # One run at a time: concurrent requests wait for the same key instead of each
        # starting the helper.
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"ApiKeyHelper({self.label!r}, ttl={self._ttl:g})"

    def cached_for(self) -> float | None:
        """Seconds the cached key stays in use, or ``None`` when the next use runs the helper."""
        if self._key is None:
            return None
        left = self._fetched_at + self._ttl - self._clock()
        return left if left > 0 else None

    def invalidate(self) -> None:
        """Forget the cached key: the next :meth:`get` runs the helper again."""
        self._key = None

    async def get(self) -> str:
        """The key: cached while fresh, otherwise from a new run of the helper."""
        async with self._lock:
            if self._key is not None and self.cached_for() is not None:
                return self._key
            self._key = None
            key = await self._run()
            self._key, self._fetched_at = key, self._clock()
            return key

    async def _run(self) -> str:
        log.debug("running apiKeyHelper %s", self.label)
        name = f"The apiKeyHelper command `{self.label}`"
        try:
            proc = await asyncio.create_subprocess_exec(
                "/bin/sh",
                "-c",
                self.command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=dict(self._env),
                # Its own process group, so a timeout kills the helper's children too; a
                # surviving child would hold the pipe open and the wait would never end.
                start_new_session=True,
            )
        except OSError as exc:
            raise AuthError(f"{name} could not be started: {exc.strerror or exc}") from None
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(), self._timeout)
        except TimeoutError:
            await _kill(proc)
            raise AuthError(
                f"{name} did not finish within {self._timeout:g} s and was stopped."
            ) from None
        except BaseException:
            await _kill(proc)
            raise
        if stderr:
            # Its length only: the text may contain the secret.
            log.debug("apiKeyHelper %s wrote %d bytes to stderr", self.label, len(stderr))
        hint = "Its output is not shown because it may contain a secret; run it yourself to see."
        if proc.returncode:
            how = (
                f"was killed by signal {-proc.returncode}"
                if proc.returncode < 0
                else f"failed with exit status {proc.returncode}"
            )
            raise AuthError(f"{name} {how}. {hint}")
        key = stdout.decode("utf-8", errors="replace").strip()
        if not key:
            raise AuthError(f"{name} printed nothing: it must print the API key on stdout.")
        if not _sendable_key(key):
            raise AuthError(
                f"{name} printed more than the key (several lines, spaces or non-ASCII "
                f"characters): it must print only the API key. {hint}"
            )
        return key


async def _kill(proc: asyncio.subprocess.Process) -> None:
    """Kill the helper's whole process group and reap it."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        # Bounded: a grandchild that escaped the group could keep the pipes open forever.
        await asyncio.wait_for(proc.wait(), 5)
