"""Permissions: Claude Code's permission rules and modes, decided for each tool call.

- :class:`RuleChecker` implements :class:`claude_server.model.PermissionChecker`: deny rules,
  then ask rules, then allow rules, then the mode's defaults (``default``, ``acceptEdits``,
  ``plan``, ``bypassPermissions``); Bash commands are split with a real shell parser and every
  part must be allowed; paths outside the project ask. ``checker.allow_while(rules, source=...)``
  scopes a skill's ``allowed-tools``.
- :func:`headless_decision` turns ``ask`` into a ``deny`` the model can understand when no
  client can answer; :func:`suggest_rules` and :func:`save_rule` implement "allow always".
- :func:`sandbox_command` wraps a command in bubblewrap for ``sandbox.enabled``.
- ``python -m claude_server.permissions check TOOL 'JSON'`` explains a decision.
"""

from claude_server.permissions._bash import (
    EXEC_WRAPPERS,
    SAFE_ENV_VARS,
    ParsedCommand,
    Redirect,
    SimpleCommand,
    parse_bash,
)
from claude_server.permissions._checker import PROTECTED_DIRS, RuleChecker
from claude_server.permissions._headless import headless_decision, save_rule, suggest_rules
from claude_server.permissions._rules import (
    PermissionRule,
    RuleOrigin,
    RuleParseResult,
    parse_rule,
)
from claude_server.permissions._sandbox import bwrap_path, sandbox_command
from claude_server.permissions._skills import parse_allowed_tools
from claude_server.permissions._tools import FOREIGN_CATALOG, FOREIGN_TOOLS, ToolCatalog, ToolFacts

__all__ = [
    "EXEC_WRAPPERS",
    "FOREIGN_CATALOG",
    "FOREIGN_TOOLS",
    "PROTECTED_DIRS",
    "SAFE_ENV_VARS",
    "ParsedCommand",
    "PermissionRule",
    "Redirect",
    "RuleChecker",
    "RuleOrigin",
    "RuleParseResult",
    "SimpleCommand",
    "ToolCatalog",
    "ToolFacts",
    "bwrap_path",
    "headless_decision",
    "parse_allowed_tools",
    "parse_bash",
    "parse_rule",
    "sandbox_command",
    "save_rule",
    "suggest_rules",
]
