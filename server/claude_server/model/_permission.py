"""The contract between the engine and the permission rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

Behavior = Literal["allow", "ask", "deny"]


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
