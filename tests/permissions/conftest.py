"""A home directory with a project in it, settings writers, and a checker factory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from claude_server.config import load_settings
from claude_server.engine import TaskTool
from claude_server.permissions import RuleChecker, ToolCatalog
from claude_server.tools import BUILTIN_TOOLS

SESSION_TOOLS = ToolCatalog.of([*BUILTIN_TOOLS, TaskTool])
"""The tools a daemon session offers, which is where their permission levels come from."""


@dataclass
class World:
    """``home`` (the user's home, with ``.claude/``) and ``proj`` (a project inside it)."""

    root: Path
    home: Path
    proj: Path

    @property
    def managed(self) -> Path:
        return self.root / "etc" / "managed-settings.json"

    def settings_path(self, scope: str) -> Path:
        return {
            "user": self.home / ".claude" / "settings.json",
            "project": self.proj / ".claude" / "settings.json",
            "local": self.proj / ".claude" / "settings.local.json",
            "managed": self.managed,
        }[scope]

    def write(self, scope: str, data: dict[str, Any] | str) -> Path:
        path = self.settings_path(scope)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
        return path

    def rules(self, scope: str, **lists: list[str]) -> Path:
        return self.write(scope, {"permissions": lists})

    def checker(self, mode: str | None = None, **kw: Any) -> RuleChecker:
        loaded = load_settings(self.proj, home=self.home, env={}, managed_path=self.managed)
        kw.setdefault("tools", SESSION_TOOLS)
        return RuleChecker.from_settings(loaded, mode=mode, **kw)

    def fmt(self, value: Any) -> Any:
        """Replace ``{home}``/``{proj}``/``{root}`` in strings of a tool input."""
        if isinstance(value, str):
            for name in ("home", "proj", "root"):
                value = value.replace("{" + name + "}", str(getattr(self, name)))
            return value
        if isinstance(value, dict):
            return {k: self.fmt(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fmt(v) for v in value]
        return value


@pytest.fixture
def world(tmp_path: Path) -> World:
    root = tmp_path.resolve()
    home = root / "home" / "alice"
    proj = home / "proj"
    (home / ".claude").mkdir(parents=True)
    (proj / ".claude").mkdir(parents=True)
    return World(root, home, proj)
