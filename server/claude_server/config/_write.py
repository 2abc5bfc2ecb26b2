"""Writing to ``.claude/settings.local.json``: a permission rule ("allow always") and the
project MCP servers the user enabled."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from claude_server.config._paths import local_settings_path
from claude_server.errors import ConfigError

_BEHAVIORS = ("allow", "ask", "deny")


def add_permission_rule(cwd: Path, behavior: str, rule: str) -> Path:
    """Add ``rule`` to the ``behavior`` list of the project's local settings; return the file.

    The file's other content is kept as it is; the file (and ``.claude/``) is created when
    missing. The write is atomic (a temporary file renamed over the old one), so a daemon reading
    the file concurrently sees either the old or the new version. A rule already present is not
    added twice. Raises :class:`ConfigError` when the existing file is not valid JSON or not
    shaped like settings (it is left untouched rather than overwritten).
    """
    if behavior not in _BEHAVIORS:
        raise ConfigError(f"unknown permission list {behavior!r}; expected allow, ask or deny")
    rule = rule.strip()
    if not rule:
        raise ConfigError("an empty permission rule cannot be saved")

    def add(data: dict[str, Any], path: Path) -> bool:
        permissions = data.setdefault("permissions", {})
        if not isinstance(permissions, dict):
            raise ConfigError(f"{path}: permissions: expected an object")
        return _append(permissions, behavior, [rule], f"{path}: permissions.{behavior}")

    return _update_local(cwd, add)


def enable_mcp_servers(cwd: Path, names: Sequence[str]) -> Path:
    """Add ``names`` to ``enabledMcpjsonServers`` of the project's local settings (and take them
    out of ``disabledMcpjsonServers``); return the file. Errors as for
    :func:`add_permission_rule`."""

    def enable(data: dict[str, Any], path: Path) -> bool:
        changed = _append(data, "enabledMcpjsonServers", names, f"{path}: enabledMcpjsonServers")
        disabled = data.get("disabledMcpjsonServers")
        if isinstance(disabled, list) and any(n in disabled for n in names):
            data["disabledMcpjsonServers"] = [n for n in disabled if n not in names]
            changed = True
        return changed

    return _update_local(cwd, enable)


def _append(container: dict[str, Any], key: str, values: Sequence[str], where: str) -> bool:
    items = container.setdefault(key, [])
    if not isinstance(items, list):
        raise ConfigError(f"{where}: expected a list of strings")
    new = [v for v in values if v not in items]
    items.extend(new)
    return bool(new)


def _update_local(cwd: Path, change: Callable[[dict[str, Any], Path], bool]) -> Path:
    """Read the local settings, let ``change`` edit them, write them back if it changed any."""
    path = local_settings_path(Path(os.path.abspath(cwd)))
    data: dict[str, Any] = {}
    mode = 0o644
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    if text.strip():
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}; "
                "fix it before changing it here"
            ) from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a JSON object at the top level")
        data = loaded
    if change(data, path):
        atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode)
    return path


def atomic_write(path: Path, text: str, mode: int) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed over it (``ConfigError``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be written: {exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ConfigError(f"{path}: cannot be written: {exc}") from None
