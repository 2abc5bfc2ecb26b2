"""Permission rules: ``Tool`` or ``Tool(specifier)``, parsed once into what they match.

Forms (Claude Code's documented ones):

- ``Bash``, ``Bash(*)``: every call of the tool; ``mcp__server``: every tool of an MCP server;
  ``mcp__server__*``, ``mcp__github__get_*``, ``*``: tool-name globs (an allow glob must name its
  server, as in Claude Code: ``*`` or ``mcp__*`` in allow is skipped with a warning);
- ``Bash(npm run build)`` exact, ``Bash(npm run test *)`` and ``Bash(npm run test:*)`` (word
  boundary: ``npm run test`` alone or followed by a space), ``Bash(ls*)`` (no boundary),
  ``Bash(git * main)`` (``*`` anywhere, spanning spaces);
- ``Bash(run_in_background:true)``, ``Agent(model:opus)``: a call parameter's value
  (``*`` wildcards; a parameter the call leaves out never matches);
- ``Read(path)``, ``Edit(path)`` (and the other file tools): gitignore-style path patterns;
- ``WebFetch(domain:example.com)``: the URL's host;
- ``Agent(Explore)``: the sub-agent type; other tools: their main input field.

A rule that cannot be understood is reported. In an allow list it is ignored; in a deny or ask
list it becomes an ask rule for the whole tool it names, so that a typo in a deny rule makes
claude-py ask rather than silently allow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from claude_server.model import Behavior
from claude_server.permissions._tools import (
    FOREIGN_CATALOG,
    MCP_PREFIX,
    PATH_TOOLS,
    ToolCatalog,
)

RuleKind = Literal[
    "tool",  # the whole tool
    "tool_glob",  # tool names matching a glob
    "mcp_server",  # every tool of one MCP server
    "command",  # a Bash command pattern
    "param",  # a parameter's value
    "path",  # a file path pattern
    "domain",  # WebFetch's host
    "primary",  # another tool's main input (Agent's subagent_type, Skill's name)
]

_RULE = re.compile(r"\s*([^\s()]+)\s*(?:\((.*)\))?\s*", re.DOTALL)
_TOOL_NAME = re.compile(r"[A-Za-z0-9_.*-]+")
_PARAM = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(.*)", re.DOTALL)
_BASH_PARAMS = frozenset(
    {"run_in_background", "timeout", "description", "dangerouslyDisableSandbox"}
)
_PRIMARY_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Agent": ("subagent_type",),
    "Skill": ("skill", "command"),
    "SlashCommand": ("command",),
    "WebSearch": ("query",),
}


@dataclass(frozen=True, slots=True)
class RuleOrigin:
    """Where a rule came from: a settings file, the session, a running skill."""

    label: str
    """What ``permissions check`` prints: a file path, ``session``, ``skill:NAME``."""
    root: Path
    """What a path pattern's leading ``/`` means for rules from here."""


@dataclass(frozen=True, slots=True)
class PermissionRule:
    """One parsed rule."""

    text: str
    """As written."""
    behavior: Behavior
    origin: RuleOrigin
    tool: str
    """Claude Code's name of the tool (aliases resolved), or a glob for ``tool_glob``."""
    kind: RuleKind
    spec: str | None = None
    """The specifier without the parentheses; for ``param`` the value pattern."""
    param: str | None = None
    pattern: re.Pattern[str] | None = None
    """Compiled matcher for command, param, domain and primary rules."""
    exact: bool = False
    """A command pattern without wildcards."""

    def matches_tool(self, tool: str) -> bool:
        """Whether the rule is about ``tool`` at all (Claude Code's name)."""
        if self.kind == "tool_glob":
            assert self.pattern is not None
            return self.pattern.fullmatch(tool) is not None
        if self.kind == "mcp_server":
            return tool == self.tool or tool.startswith(self.tool + "__")
        return tool == self.tool


@dataclass(frozen=True, slots=True)
class RuleParseResult:
    """A parsed rule (None when unusable) and what was wrong with the text, if anything."""

    rule: PermissionRule | None
    problem: str | None = None


def parse_rule(
    text: str,
    behavior: Behavior,
    origin: RuleOrigin,
    catalog: ToolCatalog = FOREIGN_CATALOG,
) -> RuleParseResult:
    """Parse one rule; never raises (problems are returned as text)."""
    m = _RULE.fullmatch(text)
    if m is None or not _TOOL_NAME.fullmatch(m.group(1)):
        return _unusable(text, behavior, origin, catalog, "expected Tool or Tool(specifier)")
    tool = catalog.canonical(m.group(1))
    spec = m.group(2)
    if spec is not None and spec.strip() == "*":
        spec = None  # Bash(*) is Bash
    if spec is not None and not spec.strip():
        return _unusable(text, behavior, origin, catalog, "empty parentheses")

    def make(kind: RuleKind, **kw: object) -> RuleParseResult:
        rule = PermissionRule(text, behavior, origin, tool, kind, **kw)  # type: ignore[arg-type]
        return RuleParseResult(rule)

    if "*" in tool:
        if spec is not None:
            return _unusable(text, behavior, origin, catalog, "a tool-name glob takes no specifier")
        if behavior == "allow" and not re.match(r"mcp__[^*_][^*]*?__", tool):
            return RuleParseResult(
                None,
                f"{text}: a wildcard allow rule must name an MCP server (mcp__server__*); "
                "skipped, it approves nothing",
            )
        return make("tool_glob", pattern=_glob(tool))
    if spec is None:
        if tool.startswith(MCP_PREFIX) and "__" not in tool[len(MCP_PREFIX) :]:
            return make("mcp_server")
        return make("tool")

    if tool == "Bash":
        pm = _PARAM.fullmatch(spec)
        if pm and pm.group(1) in _BASH_PARAMS:
            return make("param", spec=pm.group(2), param=pm.group(1), pattern=_glob(pm.group(2)))
        note = None
        if pm and pm.group(1) == "command":
            # Claude Code ignores Bash(command:...) rules; we read them as the command pattern
            # they spell, which every part of a compound command is checked against.
            spec = pm.group(2)
            note = f"{text}: read as Bash({spec})"
        pattern, exact = command_pattern(spec)
        rule = PermissionRule(text, behavior, origin, tool, "command", spec, None, pattern, exact)
        return RuleParseResult(rule, note)
    if tool in PATH_TOOLS:
        return make("path", spec=spec.strip())
    if tool == "WebFetch":
        if spec.startswith("domain:") and spec[len("domain:") :].strip():
            return make("domain", spec=spec, pattern=domain_pattern(spec[len("domain:") :]))
        pm = _PARAM.fullmatch(spec)
        if pm is None:
            return _unusable(text, behavior, origin, catalog, "expected WebFetch(domain:HOST)")
        return make("param", spec=pm.group(2), param=pm.group(1), pattern=_glob(pm.group(2)))
    pm = _PARAM.fullmatch(spec)
    if pm is not None:
        return make("param", spec=pm.group(2), param=pm.group(1), pattern=_glob(pm.group(2)))
    return make("primary", spec=spec, pattern=_glob(spec))


def _unusable(
    text: str,
    behavior: Behavior,
    origin: RuleOrigin,
    catalog: ToolCatalog,
    why: str,
) -> RuleParseResult:
    problem = f"{text!r} is not a valid rule: {why}"
    name = re.match(r"\s*([A-Za-z0-9_.-]+)", text)
    if behavior == "allow" or name is None:
        return RuleParseResult(None, problem + "; ignored")
    # Fail safe: a deny/ask rule we cannot read makes the tool it names ask.
    tool = catalog.canonical(name.group(1))
    rule = PermissionRule(text, "ask", origin, tool, "tool")
    return RuleParseResult(rule, problem + f"; every {tool} call will ask instead")


def command_pattern(spec: str) -> tuple[re.Pattern[str], bool]:
    """Compile a Bash command pattern; also say whether it has no wildcard at all."""
    spec = spec.strip()
    if spec.endswith(":*"):
        spec = spec[:-2] + " *"  # Bash(ls:*) is Bash(ls *)
    exact = "*" not in spec
    # A trailing " *" is a word boundary: the prefix alone, or the prefix and a space.
    boundary = spec.endswith(" *")
    regex = _wildcards(spec[:-2]) + r"(?: .*)?" if boundary else _wildcards(spec)
    return re.compile(regex, re.DOTALL), exact


def domain_pattern(domain: str) -> re.Pattern[str]:
    """``example.com``, ``*.example.com`` (subdomains at any depth), ``example.*`` (one label)."""
    domain = domain.strip().lower().rstrip(".")
    if domain.startswith("*."):
        return re.compile(r"(?:[^.]+\.)+" + _wildcards(domain[2:], "[^.]+"))
    return re.compile(_wildcards(domain, "[^.]+"))


def _wildcards(text: str, star: str = ".*") -> str:
    return star.join(re.escape(part) for part in text.split("*"))


def _glob(text: str) -> re.Pattern[str]:
    return re.compile(_wildcards(text), re.DOTALL)
