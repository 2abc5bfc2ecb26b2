"""When no client can answer a question: turning ``ask`` into ``deny`` with a useful reason,
suggesting rules, and saving "allow always" rules."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claude_server.config import add_permission_rule
from claude_server.errors import ConfigError
from claude_server.model import Behavior, PermissionDecision
from claude_server.permissions._bash import parse_bash
from claude_server.permissions._pathmatch import is_within, path_forms
from claude_server.permissions._rules import RuleOrigin, parse_rule
from claude_server.permissions._tools import EDIT_TOOLS, PATH_KEYS, READ_TOOLS

_SUBCOMMAND = re.compile(r"[a-z][a-z0-9-]*")


def headless_decision(
    decision: PermissionDecision,
    tool_name: str,
    tool_input: Mapping[str, Any],
    *,
    project_dir: Path,
    allow_ask: bool = False,
) -> PermissionDecision:
    """The decision to apply when nobody can answer a permission question.

    ``ask`` becomes ``deny`` (the model is told why and what would let the call run), or
    ``allow`` when the user passed a flag accepting that (``allow_ask``). Other decisions are
    returned unchanged.
    """
    if decision.behavior != "ask":
        return decision
    if allow_ask:
        return PermissionDecision(
            "allow",
            f"{decision.reason}; allowed because questions are auto-approved in this run",
            decision.rule,
            decision.source,
        )
    suggestions = suggest_rules(tool_name, tool_input, project_dir=project_dir)
    rule = suggestions[0] if suggestions else tool_name
    reason = (
        f"{tool_name} needs permission ({decision.reason}) and no client is attached to answer, "
        f"so it was not run. The user can allow it by re-running with --allowedTools "
        f"'{rule}' or a more permissive --permission-mode, or by adding \"{rule}\" to "
        "permissions.allow in .claude/settings.local.json. Do not retry the same call; "
        "continue without it or explain what is needed."
    )
    return PermissionDecision("deny", reason, decision.rule, decision.source)


def suggest_rules(tool_name: str, tool_input: Mapping[str, Any], *, project_dir: Path) -> list[str]:
    """Allow rules that would approve this call (and calls like it), for "allow always".

    Bash: one ``Bash(program subcommand *)`` per part of the command (exact rules for parts that
    only exact rules can approve); file tools: the file's folder; WebFetch: the host; others:
    the tool. ``tool_name`` is the tool's own name (aliases already resolved).
    """
    tool = tool_name
    if tool == "Bash":
        command = tool_input.get("command")
        if not isinstance(command, str) or not command.strip():
            return []
        parsed = parse_bash(command)
        if parsed.problems:
            return [f"Bash({command.strip()})"]
        out: list[str] = []
        for sc in parsed.commands:
            if sc.transparent or sc.allow_text is None:
                continue
            if sc.exact_only:
                rule = f"Bash({sc.allow_text})"
            else:
                words = sc.allow_text.split()
                keep = (
                    words[:2] if len(words) > 1 and _SUBCOMMAND.fullmatch(words[1]) else words[:1]
                )
                rule = f"Bash({' '.join(keep)} *)"
            if rule not in out:
                out.append(rule)
        return out
    if tool == "WebFetch":
        url = tool_input.get("url")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        return [f"WebFetch(domain:{host})"] if host else ["WebFetch"]
    if tool in READ_TOOLS or tool in EDIT_TOOLS:
        family = "Edit" if tool in EDIT_TOOLS else "Read"
        raw = next((v for k in PATH_KEYS if isinstance(v := tool_input.get(k), str) and v), None)
        if raw is None:
            return [family]
        target = path_forms(raw, project_dir, Path(os.path.expanduser("~")))
        folder = (
            target.lexical if tool in ("Glob", "Grep", "LS") else os.path.dirname(target.lexical)
        )
        project = os.path.normpath(os.path.abspath(project_dir))
        if is_within(folder, project):
            rel = os.path.relpath(folder, project)
            return [f"{family}(/{rel}/**)" if rel != "." else f"{family}(/**)"]
        return [f"{family}(/{folder}/**)" if folder != "/" else f"{family}(//**)"]
    return [tool]


def save_rule(project_dir: Path, behavior: Behavior, rule: str) -> Path:
    """Check ``rule`` and write it to the project's ``.claude/settings.local.json``.

    Raises :class:`ConfigError` when the rule is not valid (nothing is written then).
    """
    result = parse_rule(rule, behavior, RuleOrigin("check", project_dir))
    if result.rule is None or result.rule.behavior != behavior:
        # Not usable as written (a deny/ask rule we cannot read degrades to an ask rule).
        raise ConfigError(result.problem or f"{rule!r} is not a valid rule")
    return add_permission_rule(project_dir, behavior, rule)
