"""The system keyring, through the ``keyring`` package, without blocking the event loop.

Keyring backends block (D-Bus round trips, and a locked collection may wait for a password
prompt), so every call runs in a worker thread with a time limit. ``keyring`` itself is imported
on first use: it costs about 0.2 s and many daemons never need it.

Whatever a backend raises becomes :class:`KeyringUnavailable` whose message names only the
backend and the exception type: backends' messages are not ours to vouch for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeVar

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

KEYRING_SERVICE: Final = "claude-py"
"""Service name of the API key ``auth/login`` stores."""
KEYRING_USERNAME: Final = "api-key"
"""User name of that entry."""
DEFAULT_KEYRING_TIMEOUT: Final = 10.0

NO_KEYRING_HELP: Final = (
    "No usable system keyring: on Linux, run a Secret Service in your session (GNOME Keyring "
    "or KeePassXC with its Secret Service integration, reachable over D-Bus), or choose another "
    "backend of the Python `keyring` package (see `python -m keyring diagnose` and "
    "PYTHON_KEYRING_BACKEND). Or set ANTHROPIC_API_KEY in the daemon's environment instead."
)

_T = TypeVar("_T")


class KeyringUnavailable(Exception):
    """The keyring cannot be used; the message is safe to show."""


def backend_name(backend: KeyringBackend) -> str:
    """A short human name of a backend, such as ``SecretService Keyring``."""
    name = getattr(type(backend), "name", None)
    return name if isinstance(name, str) else type(backend).__name__


def is_usable(backend: KeyringBackend) -> bool:
    """Whether ``backend`` can store anything (the ``fail`` and ``null`` backends cannot)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


class AsyncKeyring:
    """Async access to one keyring backend (keyring's active one unless given)."""

    def __init__(
        self, backend: KeyringBackend | None = None, *, timeout: float = DEFAULT_KEYRING_TIMEOUT
    ) -> None:
        self._backend = backend
        self._timeout = timeout

    async def backend(self) -> KeyringBackend:
        """The backend, chosen by ``keyring`` on first use unless one was given."""
        if self._backend is None:
            # Choosing probes D-Bus and friends: not on the event loop.
            self._backend = await self._call(_default_backend, "backend selection")
        return self._backend

    async def usable(self) -> tuple[bool, str]:
        """Whether the backend can be used, and its name."""
        backend = await self.backend()
        return is_usable(backend), backend_name(backend)

    async def get(self, service: str, username: str) -> str | None:
        """The stored password, or ``None``; :class:`KeyringUnavailable` when unusable."""
        backend = await self._usable_backend()
        return await self._call(lambda: backend.get_password(service, username), "read")

    async def find(self, service: str, username: str | None) -> tuple[str, str] | None:
        """``(username, password)`` of ``service``'s entry: ``username``'s, else any one."""
        backend = await self._usable_backend()

        def lookup() -> tuple[str, str] | None:
            if username is not None:
                password = backend.get_password(service, username)
                if password is not None:
                    return username, password
            found = backend.get_credential(service, None)
            if found is None or found.password is None:
                return None
            return found.username or (username or ""), found.password

        return await self._call(lookup, "read")

    async def set(self, service: str, username: str, password: str) -> None:
        """Store ``password``; :class:`KeyringUnavailable` when that fails."""
        backend = await self._usable_backend()
        await self._call(lambda: backend.set_password(service, username, password), "write")

    async def delete(self, service: str, username: str) -> bool:
        """Remove the entry; ``False`` when there was none."""
        backend = await self._usable_backend()

        def remove() -> bool:
            if backend.get_password(service, username) is None:
                return False
            backend.delete_password(service, username)
            return True

        return await self._call(remove, "delete")

    async def _usable_backend(self) -> KeyringBackend:
        backend = await self.backend()
        if not is_usable(backend):
            raise KeyringUnavailable(f"no usable keyring backend ({backend_name(backend)})")
        return backend

    async def _call(self, fn: Callable[[], _T], doing: str) -> _T:
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn), self._timeout)
        except TimeoutError:
            # The worker thread cannot be stopped; it ends when the backend gives up.
            raise KeyringUnavailable(
                f"keyring {doing} did not finish within {self._timeout:g} s "
                "(is it locked and waiting for a password?)"
            ) from None
        except Exception as exc:  # noqa: BLE001 - backends raise anything; translated here
            where = f" ({backend_name(self._backend)})" if self._backend is not None else ""
            log.debug("keyring %s failed%s: %s", doing, where, type(exc).__name__)
            raise KeyringUnavailable(
                f"keyring {doing}{where} failed: {type(exc).__name__}"
            ) from None


def _default_backend() -> KeyringBackend:
    import keyring

    return keyring.get_keyring()
