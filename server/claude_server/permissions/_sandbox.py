"""Sandboxed Bash (setting ``sandbox.enabled``): commands run under bubblewrap.

Inside the sandbox the whole filesystem is read-only except the project, the extra writable
paths and a private ``/tmp`` (a fresh tmpfs: a sandboxed command cannot reach other processes'
temporary files or sockets there, such as a daemon's). The project's ``.claude`` folder and
``.git/hooks`` and ``.git/config`` stay read-only even though the project is writable: a command
could otherwise grant itself permissions or plant code that runs later outside the sandbox.
There is no network unless allowed (a new network namespace has only its own loopback).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

from claude_server.errors import ConfigError

_READ_ONLY_INSIDE_PROJECT = (".claude", ".git/hooks", ".git/config")


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None when bubblewrap is not installed."""
    return shutil.which("bwrap")


def sandbox_command(
    argv: Sequence[str],
    project_dir: Path,
    *,
    allow_network: bool = False,
    extra_writable: Iterable[Path] = (),
    chdir: Path | None = None,
) -> list[str]:
    """The command line running ``argv`` in the sandbox of ``project_dir`` (in ``chdir``, the
    project itself by default).

    Raises :class:`ConfigError` when bubblewrap is missing or the project does not exist.
    Extra writable paths that do not exist are skipped (bubblewrap cannot bind them).
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise ConfigError(
            "sandboxed Bash needs bubblewrap (bwrap), which is not installed: install it "
            "(apt-get install bubblewrap, dnf install bubblewrap) or set sandbox.enabled to false"
        )
    if not argv:
        raise ConfigError("nothing to run in the sandbox")
    project = Path(os.path.realpath(project_dir))
    if not project.is_dir():
        raise ConfigError(f"the project directory {project_dir} does not exist")
    cmd = [
        bwrap,
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--tmpfs",
        "/tmp",  # noqa: S108 - a private tmpfs inside the sandbox, not the host's /tmp
    ]
    writable = [project]
    for extra in extra_writable:
        path = Path(os.path.realpath(extra))
        if path.exists() and path not in writable:
            writable.append(path)
    for path in writable:
        cmd += ["--bind", str(path), str(path)]
    for rel in _READ_ONLY_INSIDE_PROJECT:
        inner = project / rel
        if inner.exists():
            cmd += ["--ro-bind", str(inner), str(inner)]
    if not allow_network:
        cmd.append("--unshare-net")
    cmd += [
        "--unshare-pid",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
        "--setenv",
        "TMPDIR",
        "/tmp",  # noqa: S108
        "--chdir",
        str(chdir if chdir is not None else project),
        "--",
        *argv,
    ]
    return cmd
