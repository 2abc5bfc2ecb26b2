"""Where the terminal client finds the daemon's socket and keeps its own files.

These mirror the daemon's rules (``claude_server.config``), which the client may not import:
the socket is ``$CLAUDE_PY_HOME/run/daemon.sock``, else ``$XDG_RUNTIME_DIR/claude-py/daemon.sock``,
else ``/tmp/claude-py-UID/daemon.sock``; the data dir is ``$CLAUDE_PY_HOME`` or the platform's
user data dir.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "claude-py"


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The data directory shared with the daemon."""
    env = _env(env)
    if home := env.get("CLAUDE_PY_HOME"):
        return Path(home).expanduser().resolve()
    if xdg := env.get("XDG_DATA_HOME"):
        return Path(xdg) / APP_NAME
    return Path.home() / ".local" / "share" / APP_NAME


def runtime_dir(env: Mapping[str, str] | None = None) -> Path:
    """The daemon's private runtime directory (socket, start lock)."""
    env = _env(env)
    if home := env.get("CLAUDE_PY_HOME"):
        return Path(home).expanduser().resolve() / "run"
    if xdg := env.get("XDG_RUNTIME_DIR"):
        return Path(xdg) / APP_NAME
    # No runtime dir (containers, macOS): a per-user directory under the temp dir. Imported
    # here only: tempfile pulls in random and shutil, and this runs at every start.
    import tempfile

    return Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"


def socket_path(env: Mapping[str, str] | None = None) -> Path:
    """The unix socket of the user's daemon."""
    return runtime_dir(env) / "daemon.sock"


def history_file(cwd: str, env: Mapping[str, str] | None = None) -> Path:
    """The prompt history of one project (its own file, so Up recalls this project's prompts)."""
    digest = hashlib.sha256(cwd.encode()).hexdigest()[:12]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(cwd).name or "root")[:40]
    return data_dir(env) / "history" / f"{name}-{digest}.txt"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` with mode 0700 (the daemon checks the same)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
