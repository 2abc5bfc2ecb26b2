"""Where the daemon keeps its files.

``CLAUDE_PY_HOME`` moves everything (tests always set it); otherwise data goes to the platform's
user-data directory and the socket to the user's runtime directory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "claude-py"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The data directory: ``$CLAUDE_PY_HOME`` or the platform's user-data dir."""
    env = os.environ if env is None else env
    if home := env.get("CLAUDE_PY_HOME"):
        return Path(home).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def runtime_dir(env: Mapping[str, str] | None = None) -> Path:
    """Directory of the daemon's socket; private to the user (0700)."""
    env = os.environ if env is None else env
    if home := env.get("CLAUDE_PY_HOME"):
        return Path(home).expanduser().resolve() / "run"
    if xdg := env.get("XDG_RUNTIME_DIR"):
        return Path(xdg) / APP_NAME
    # No runtime dir (containers, macOS): a per-user directory under the temp dir.
    return Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"


def default_socket_path(env: Mapping[str, str] | None = None) -> Path:
    """The unix socket the terminal client looks for."""
    return runtime_dir(env) / "daemon.sock"


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where log files go."""
    return data_dir(env) / "logs"


def token_path(env: Mapping[str, str] | None = None) -> Path:
    """The file holding the token TCP clients must present."""
    return data_dir(env) / "tcp-token"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700; refuse one owned by another user."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = path.stat()
    if st.st_uid != os.getuid():
        raise PermissionError(f"{path} belongs to another user; refusing to use it")
    if st.st_mode & 0o077:
        path.chmod(0o700)
    return path


# Claude Code's own files (settings, memory), read so existing setups work unchanged.

MANAGED_SETTINGS_PATH = Path("/etc/claude-code/managed-settings.json")
"""Claude Code's system-wide managed settings on Linux; nothing below may override it."""

MANAGED_MEMORY_PATH = Path("/etc/claude-code/CLAUDE.md")
"""Claude Code's system-wide managed memory file on Linux."""


def user_home(env: Mapping[str, str] | None = None) -> Path:
    """The user's home directory: ``$HOME`` when set, else the password database's."""
    env = os.environ if env is None else env
    if home := env.get("HOME"):
        return Path(home)
    return Path.home()


def claude_config_dir(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Claude Code's user folder: ``$CLAUDE_CONFIG_DIR`` or ``~/.claude``."""
    env = os.environ if env is None else env
    if configured := env.get("CLAUDE_CONFIG_DIR", "").strip():
        return Path(configured).expanduser()
    return (home if home is not None else user_home(env)) / ".claude"


def user_settings_path(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """``~/.claude/settings.json`` (or under ``$CLAUDE_CONFIG_DIR``)."""
    return claude_config_dir(env, home) / "settings.json"


def project_settings_path(project_dir: Path) -> Path:
    """The shared project settings, ``.claude/settings.json``."""
    return project_dir / ".claude" / "settings.json"


def local_settings_path(project_dir: Path) -> Path:
    """The personal project settings, ``.claude/settings.local.json`` (not checked in)."""
    return project_dir / ".claude" / "settings.local.json"


def claude_json_path(env: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Claude Code's state file, ``~/.claude.json`` (under ``$CLAUDE_CONFIG_DIR`` when set)."""
    env = os.environ if env is None else env
    if configured := env.get("CLAUDE_CONFIG_DIR", "").strip():
        return Path(configured).expanduser() / ".claude.json"
    return (home if home is not None else user_home(env)) / ".claude.json"
