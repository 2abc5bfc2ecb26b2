"""Workspace trust: which project folders the user has said may run their own configuration.

A cloned repository can carry settings that execute (hooks, ``env``, allow rules, ``.mcp.json``
servers, skills' ``allowed-tools``). Until the user trusts its folder once, none of that applies;
deny and ask rules still do. Trust is kept per directory in claude-py's data directory
(``trusted-folders.json``, mode 0600). A folder Claude Code itself was told to trust
(``hasTrustDialogAccepted`` in ``~/.claude.json``) counts as trusted too, so existing setups keep
working.

Trusting a folder trusts the folders below it, except for the home directory and ``/``: trusting
``~`` once must not trust every repository cloned under it later.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from claude_server.config._write import atomic_write


class TrustStore:
    """The folders the user trusts; reads its file again when it changed (another daemon)."""

    FILE_NAME = "trusted-folders.json"
    """The store's name in the data directory."""

    def __init__(self, path: Path, *, home: Path, claude_json: Path | None = None) -> None:
        self._path = path
        self._home = Path(os.path.abspath(home))
        self._claude_json = claude_json
        self._stamp: tuple[int, int] | None = None
        self._folders: dict[str, float] = {}
        self._claude_stamp: tuple[int, int] | None = None
        self._claude_folders: frozenset[str] = frozenset()

    @property
    def path(self) -> Path:
        """The store's file."""
        return self._path

    def is_trusted(self, directory: Path) -> bool:
        """Whether ``directory`` or a folder above it (not ``~`` or ``/``) is trusted."""
        target = Path(os.path.abspath(directory))
        trusted = self._read() | self._read_claude_code()
        if str(target) in trusted:
            return True
        return any(
            str(parent) in trusted
            for parent in target.parents
            if parent != self._home and parent != Path(parent.anchor)
        )

    def trust(self, directory: Path) -> None:
        """Trust ``directory`` from now on (written atomically, 0600)."""
        folders = dict(self._read_store())
        folders[str(Path(os.path.abspath(directory)))] = time.time()
        self._write(folders)

    def revoke(self, directory: Path) -> bool:
        """Stop trusting ``directory`` itself; whether it was in the store."""
        folders = dict(self._read_store())
        removed = folders.pop(str(Path(os.path.abspath(directory))), None) is not None
        if removed:
            self._write(folders)
        return removed

    # -- files ----------------------------------------------------------------------------------

    def _read(self) -> frozenset[str]:
        return frozenset(self._read_store())

    def _read_store(self) -> Mapping[str, float]:
        stamp = _stamp(self._path)
        if stamp != self._stamp:
            self._stamp = stamp
            self._folders = _load_store(self._path) if stamp is not None else {}
        return self._folders

    def _read_claude_code(self) -> frozenset[str]:
        if self._claude_json is None:
            return frozenset()
        stamp = _stamp(self._claude_json)
        if stamp != self._claude_stamp:
            self._claude_stamp = stamp
            self._claude_folders = (
                _claude_code_trusted(self._claude_json) if stamp is not None else frozenset()
            )
        return self._claude_folders

    def _write(self, folders: Mapping[str, float]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"version": 1, "folders": dict(sorted(folders.items()))}, indent=2)
        atomic_write(self._path, text + "\n", 0o600)
        self._stamp = None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _load_store(path: Path) -> dict[str, float]:
    # A store that cannot be read trusts nothing: failing closed costs one question.
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    folders = data.get("folders") if isinstance(data, dict) else None
    if not isinstance(folders, dict):
        return {}
    return {
        key: float(value)
        for key, value in folders.items()
        if isinstance(key, str) and os.path.isabs(key) and isinstance(value, int | float)
    }


def _claude_code_trusted(path: Path) -> frozenset[str]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return frozenset()
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return frozenset()
    return frozenset(
        os.path.abspath(key)
        for key, value in projects.items()
        if isinstance(key, str)
        and os.path.isabs(key)
        and isinstance(value, dict)
        and value.get("hasTrustDialogAccepted") is True
    )


# What a folder's own settings may not do before it is trusted: anything that runs a program,
# changes the environment or credentials, widens what runs unasked or approves MCP servers.
# Deny and ask rules, and everything else that only restricts, still apply.
_UNTRUSTED_KEYS = (
    "hooks",
    "env",
    "apiKeyHelper",
    "awsAuthRefresh",
    "awsCredentialExport",
    "otelHeadersHelper",
    "statusLine",
    "enableAllProjectMcpServers",
    "enabledMcpjsonServers",
    "enabledPlugins",
    "extraKnownMarketplaces",
)
_UNTRUSTED_PERMISSIONS = ("allow", "additionalDirectories")
_UNTRUSTED_SANDBOX = (
    "excludedCommands",
    "autoAllowBashIfSandboxed",
    "allowUnsandboxedCommands",
)
_UNTRUSTED_SANDBOX_PARTS = {
    "network": ("allowedDomains", "allowUnixSockets", "allowLocalBinding"),
    "filesystem": ("allowWrite",),
}
_SAFE_MODES = ("default", "plan", "manual")


def strip_untrusted(raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``raw`` (one project settings file) less what an untrusted folder may not set, and the
    names of what was taken out (``permissions.allow (2 rules)``, ``hooks``...)."""
    out: dict[str, Any] = dict(raw)
    dropped: list[str] = []
    for key in _UNTRUSTED_KEYS:
        if key in out and out.pop(key) not in (None, {}, []):
            dropped.append(key)
    perms = out.get("permissions")
    if isinstance(perms, Mapping):
        perms = dict(perms)
        for key in _UNTRUSTED_PERMISSIONS:
            value = perms.pop(key, None)
            if isinstance(value, list) and value:
                dropped.append(f"permissions.{key} ({_count(len(value), key)})")
        mode = perms.get("defaultMode")
        if isinstance(mode, str) and mode not in _SAFE_MODES:
            del perms["defaultMode"]
            dropped.append(f"permissions.defaultMode ({mode})")
        out["permissions"] = perms
    sandbox = out.get("sandbox")
    if isinstance(sandbox, Mapping):
        sandbox = dict(sandbox)
        for key in _UNTRUSTED_SANDBOX:
            if sandbox.pop(key, None) not in (None, [], False):
                dropped.append(f"sandbox.{key}")
        for part, keys in _UNTRUSTED_SANDBOX_PARTS.items():
            section = sandbox.get(part)
            if isinstance(section, Mapping):
                section = dict(section)
                for key in keys:
                    if section.pop(key, None) not in (None, [], False):
                        dropped.append(f"sandbox.{part}.{key}")
                sandbox[part] = section
        out["sandbox"] = sandbox
    return out, dropped


def _count(n: int, key: str) -> str:
    noun = "rule" if key == "allow" else "directory"
    plural = "directories" if noun == "directory" else "rules"
    return f"{n} {noun if n == 1 else plural}"
