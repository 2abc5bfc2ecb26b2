"""Picking up edits of the settings files in a running daemon, without a restart.

A stat of each source file (five at most, existing or not) is cheap enough to do before every
tool call; :meth:`SettingsWatcher.reload_if_changed` reads the files again only when one of them
appeared, disappeared or changed (modification time, change time, size or inode: an editor's
atomic save replaces the inode even within one timestamp tick).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from claude_server.config._loader import LoadedSettings, load_settings

_Stamp = tuple[tuple[int, int, int, int] | None, ...]


class SettingsWatcher:
    """Holds the current settings of one project and reloads them when a source file changes."""

    def __init__(
        self,
        cwd: Path,
        *,
        home: Path | None = None,
        env: Mapping[str, str] | None = None,
        flag_settings: Mapping[str, Any] | Path | None = None,
        managed_path: Path | None = None,
        trusted: bool = True,
    ) -> None:
        self._cwd = cwd
        self._trusted = trusted
        self._home = home
        self._env = env
        self._flags = flag_settings
        self._managed = managed_path
        self._current = self._load(None)
        self._stamp = self._signature()

    @property
    def current(self) -> LoadedSettings:
        """The settings as last read."""
        return self._current

    def reload_if_changed(self) -> bool:
        """Read the settings again if a source file changed since the last read; say whether."""
        stamp = self._signature()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self._current = self._load(self._current)
        return True

    def set_trusted(self, trusted: bool) -> None:
        """Read the settings again as a trusted (or untrusted) folder's."""
        if trusted == self._trusted:
            return
        self._trusted = trusted
        # Not ``previous``: its kept versions were cut down for the other trust state.
        self._current = self._load(None)
        self._stamp = self._signature()

    def _load(self, previous: LoadedSettings | None) -> LoadedSettings:
        return load_settings(
            self._cwd,
            home=self._home,
            env=self._env,
            flag_settings=self._flags,
            managed_path=self._managed,
            previous=previous,
            trusted=self._trusted,
        )

    async def watch(self, interval: float = 1.0) -> AsyncIterator[LoadedSettings]:
        """Yield the new settings each time a source file changes (polls every ``interval`` s)."""
        while True:
            await asyncio.sleep(interval)
            if self.reload_if_changed():
                yield self._current

    def _signature(self) -> _Stamp:
        return tuple(_stat(p) for p in self._current.watched_paths)


def _stat(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
