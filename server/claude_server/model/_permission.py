"""The contract between the engine and the permission rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

Behavior = Literal["allow", "ask", "deny"]

PermissionMode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]
"""The permission modes a session can be in: the one home of this list (the protocol keeps a copy
that a test checks equal). Claude Code's ``auto`` needs its hosted classifier and is not offered."""

PERMISSION_MODES: tuple[PermissionMode, ...] = (
    "default",
    "acceptEdits",
    "plan",
    "dontAsk",
    "bypassPermissions",
)
"""Every mode, in the order ``/mode`` and Shift+Tab cycle through them."""

MODE_ALIASES: dict[str, PermissionMode] = {"manual": "default"}
"""Other names users may type (Claude Code's CLI calls ``default`` "manual")."""


def read_mode(value: str) -> PermissionMode | None:
    """The mode named by ``value`` (an alias too), or ``None`` when there is no such mode."""
    value = MODE_ALIASES.get(value, value)
    return next((m for m in PERMISSION_MODES if m == value), None)


@dataclass(frozen=True, slots=True)
class PermissionDecision:
    """The answer for one tool call, with what decided it (for users debugging their rules)."""

    behavior: Behavior
    reason: str
    """A sentence for the user and, on deny, for the model."""
    rule: str | None = None
    """The rule that decided, as written (``Bash(npm run test:*)``), if a rule did."""
    source: str | None = None
    """Where that rule came from (a settings file path, ``session``, ``mode``...)."""


class PermissionChecker(Protocol):
    """Decides whether a tool call may run, must be asked about, or is refused."""

    def check(self, tool_name: str, tool_input: dict[str, Any]) -> PermissionDecision:
        """The decision for calling ``tool_name`` with ``tool_input``."""
        ...
