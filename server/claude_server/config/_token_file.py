"""The token file remote clients (TCP, HTTP) must show, shared by every daemon on one data dir.

Each daemon listening on TCP holds a shared lock on the file for as long as it runs. The first
one (no lock held by anyone) writes a fresh token; the next ones read and reuse it; the last one
to stop removes the file. Startup and shutdown decide under a second, exclusive lock file, so two
daemons starting together cannot both write (and one overwrite the other's token).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from claude_server.config._paths import ensure_private_dir
from claude_server.errors import ConfigError


class TokenFile:
    """This daemon's hold on the shared token file."""

    def __init__(self, path: Path, fd: int, token: str) -> None:
        self.path = path
        self._fd: int | None = fd
        self.token = token

    @classmethod
    def acquire(cls, path: Path) -> TokenFile:
        """Reuse the token of the daemons already running, or write a fresh one."""
        ensure_private_dir(path.parent)
        with _deciding(path):
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                os.fchmod(fd, 0o600)
                if _try_lock(fd, fcntl.LOCK_EX):
                    token = secrets.token_urlsafe(32)
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, (token + "\n").encode(), 0)
                else:
                    token = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
                    if not token:
                        raise ConfigError(f"{path} is held by another daemon but holds no token")
                fcntl.flock(fd, fcntl.LOCK_SH)
            except BaseException:
                os.close(fd)
                raise
        return cls(path, fd, token)

    def release(self) -> None:
        """Let go; the file goes when no other daemon holds it (safe to call twice)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with _deciding(self.path):
            if _try_lock(fd, fcntl.LOCK_EX):
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            os.close(fd)


def _try_lock(fd: int, kind: int) -> bool:
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


@contextlib.contextmanager
def _deciding(path: Path) -> Iterator[None]:
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
