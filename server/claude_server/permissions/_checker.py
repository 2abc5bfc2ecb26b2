"""The rule checker: deny rules, then ask rules, then allow rules, then the mode's defaults.

Modes:

- ``default``: read-only tools run inside the project and the added directories; everything else
  asks;
- ``acceptEdits``: file edits inside the project run too (not in ``.git``, ``.claude``,
  ``.vscode``, ``.idea``, ``.husky``, nor ``.mcp.json``, ``CLAUDE.md`` and the shell and git
  configuration files: a model that may edit its own settings could grant itself anything; an
  allow rule covers those only when it names them);
- ``plan``: read-only tools only; anything else is denied with a reason telling the model so;
- ``bypassPermissions``: everything runs, except what a deny rule refuses and what an ask rule
  asks about (a user who wrote an ask rule wants to be asked, whatever the mode; edits to the
  protected folders above ask too).

Paths outside the project and the added directories ask even for read-only tools (an allow rule
naming them approves them). Bash commands are split into their simple commands
(:mod:`._bash`): a deny or ask rule matching any part decides for the whole; an allow needs every
part allowed; a command the parser cannot fully understand asks; a redirection writing a file
outside the project asks, and redirections meet ``Edit``/``Read`` deny and ask rules like the
file tools do.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claude_server.config import LoadedSettings, SourcedRule
from claude_server.errors import ConfigError
from claude_server.model import (
    PERMISSION_MODES,
    Behavior,
    PermissionDecision,
    PermissionLevel,
    PermissionMode,
    read_mode,
)
from claude_server.permissions._bash import ParsedCommand, parse_bash, redirect_is_harmless
from claude_server.permissions._pathmatch import (
    PathForms,
    PathPattern,
    compile_path_pattern,
    in_scope,
    path_forms,
)
from claude_server.permissions._rules import (
    PermissionRule,
    RuleOrigin,
    parse_rule,
)
from claude_server.permissions._tools import (
    EDIT_TOOLS,
    FOREIGN_CATALOG,
    PATH_KEYS,
    READ_TOOLS,
    ToolCatalog,
)

PROTECTED_DIRS = frozenset({".git", ".claude", ".vscode", ".idea", ".husky"})
"""Folders whose files are never edited without asking, whatever the mode."""

PROTECTED_FILES = frozenset(
    {
        ".mcp.json",
        ".claude.json",
        "CLAUDE.md",
        "CLAUDE.local.md",
        ".gitconfig",
        ".gitmodules",
        ".bashrc",
        ".bash_profile",
        ".zshrc",
        ".zprofile",
        ".profile",
        ".ripgreprc",
    }
)
"""Files that configure what runs (MCP servers, memory, shells, git): never edited without
asking, even under an allow rule, unless the rule names them."""

_NO_PATHS = frozenset({"Bash", "WebFetch", "WebSearch", "Task", "Skill", "TodoWrite"})
_SEARCH_TOOLS = frozenset({"Glob", "Grep", "LS"})


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: PermissionRule
    path: PathPattern | None = None


class RuleChecker:
    """Decides tool calls from permission rules and a mode (implements ``PermissionChecker``)."""

    def __init__(
        self,
        rules: Iterable[SourcedRule] = (),
        *,
        project_dir: Path,
        mode: str = "default",
        additional_dirs: Iterable[Path] = (),
        home: Path | None = None,
        tools: ToolCatalog = FOREIGN_CATALOG,
        bypass_allowed: bool = True,
    ) -> None:
        self._project = Path(os.path.abspath(project_dir))
        self._home = home if home is not None else Path(os.path.expanduser("~"))
        self._dirs = [self._project, *(Path(os.path.abspath(d)) for d in additional_dirs)]
        self._tools = tools
        self._bypass_allowed = bypass_allowed
        self._rules: list[_Compiled] = []
        self._scoped: dict[int, list[_Compiled]] = {}
        self._next_scope = 0
        self.problems: list[str] = []
        """Rules that could not be understood, as readable lines."""
        self._mode: PermissionMode = "default"
        self.set_mode(mode)
        for r in rules:
            self._add(r.behavior, r.rule, RuleOrigin(r.source.label, r.source.root), self._rules)

    @classmethod
    def from_settings(
        cls,
        loaded: LoadedSettings,
        *,
        mode: str | None = None,
        additional_dirs: Iterable[Path] = (),
        tools: ToolCatalog = FOREIGN_CATALOG,
    ) -> RuleChecker:
        """A checker for the rules, directories and default mode of loaded settings."""
        perms = loaded.settings.permissions
        bypass_allowed = perms.disable_bypass_permissions_mode != "disable"
        if mode is None:
            mode = perms.default_mode or "default"
            if mode == "bypassPermissions" and not bypass_allowed:
                mode = "default"
        return cls(
            loaded.rules,
            project_dir=loaded.project_dir,
            mode=mode,
            additional_dirs=[*loaded.additional_directories, *additional_dirs],
            home=loaded.home,
            tools=tools,
            bypass_allowed=bypass_allowed,
        )

    # -- configuration ------------------------------------------------------------------------

    @property
    def mode(self) -> PermissionMode:
        """The current permission mode."""
        return self._mode

    @property
    def project_dir(self) -> Path:
        """The project the rules are anchored at."""
        return self._project

    def set_mode(self, mode: str) -> None:
        """Switch mode; :class:`ConfigError` for an unknown one or a disabled bypass mode."""
        known = read_mode(mode)
        if known is not None:
            if known == "bypassPermissions" and not self._bypass_allowed:
                raise ConfigError("bypassPermissions mode is disabled by the settings")
            self._mode = known
            return
        raise ConfigError(
            f"unknown permission mode {mode!r}; expected one of {', '.join(PERMISSION_MODES)}"
        )

    def add_rule(self, behavior: Behavior, rule: str, *, source: str = "session") -> str | None:
        """Add a rule for the rest of the session; return the problem if it is not usable."""
        return self._add(behavior, rule, RuleOrigin(source, self._project), self._rules)

    @contextlib.contextmanager
    def allow_while(self, rules: Sequence[str], *, source: str) -> Iterator[list[str]]:
        """Auto-approve calls matching ``rules`` while the ``with`` block runs (a skill's
        ``allowed-tools``); yields the problems of rules that could not be used."""
        compiled: list[_Compiled] = []
        problems = [
            p
            for p in (
                self._add("allow", r, RuleOrigin(source, self._project), compiled) for r in rules
            )
            if p is not None
        ]
        key = self._next_scope
        self._next_scope += 1
        self._scoped[key] = compiled
        try:
            yield problems
        finally:
            del self._scoped[key]

    def _add(
        self, behavior: Behavior, text: str, origin: RuleOrigin, into: list[_Compiled]
    ) -> str | None:
        result = parse_rule(text, behavior, origin, self._tools)
        problem = f"{origin.label}: {result.problem}" if result.problem else None
        if problem is not None:
            self.problems.append(problem)
        rule = result.rule
        if rule is not None:
            path = None
            if rule.kind == "path":
                assert rule.spec is not None
                path = compile_path_pattern(
                    rule.spec,
                    behavior=rule.behavior,
                    rule_root=origin.root,
                    cwd=self._project,
                    home=self._home,
                )
            into.append(_Compiled(rule, path))
        return problem

    def is_tool_denied(self, tool_name: str) -> bool:
        """Whether a deny rule refuses every call of the tool (``Bash``, ``Bash(*)``, ``mcp__x``,
        a glob): such a tool should not even be offered to the model."""
        tool = self._tools.canonical(tool_name)
        return any(
            c.rule.kind in ("tool", "tool_glob", "mcp_server") and c.rule.matches_tool(tool)
            for c in self._rules_for("deny")
        )

    def _rules_for(self, behavior: Behavior) -> list[_Compiled]:
        out = [c for c in self._rules if c.rule.behavior == behavior]
        for scoped in self._scoped.values():
            out.extend(c for c in scoped if c.rule.behavior == behavior)
        return out

    def _level(self, tool: str) -> PermissionLevel:
        # A tool nobody describes is treated as the most dangerous kind.
        level = self._tools.level(tool)
        return level if level is not None else PermissionLevel.EXECUTE

    # -- deciding -------------------------------------------------------------------------------

    def check(self, tool_name: str, tool_input: dict[str, Any]) -> PermissionDecision:
        """The decision for one tool call."""
        decision = self._decide(self._tools.canonical(tool_name), tool_input)
        if self._mode == "dontAsk" and decision.behavior == "ask":
            # dontAsk: whatever would ask is refused; only what rules pre-approve runs.
            return PermissionDecision(
                "deny",
                f"dontAsk mode refuses calls that would ask ({decision.reason})",
                decision.rule,
                decision.source,
            )
        return decision

    def _decide(self, tool: str, tool_input: dict[str, Any]) -> PermissionDecision:
        if tool == "Bash":
            return self._check_bash(tool_input)
        targets = self._targets(tool, tool_input)
        level = self._level(tool)

        for c in self._rules_for("deny"):
            if self._matches(c, tool, tool_input, targets, "deny"):
                return _by_rule("deny", c, f"{tool} is denied by rule {c.rule.text}")
        if self._mode == "plan" and level is not PermissionLevel.READ_ONLY:
            return _plan_denial(tool)
        for c in self._rules_for("ask"):
            if self._matches(c, tool, tool_input, targets, "ask"):
                return _by_rule("ask", c, f"rule {c.rule.text} asks before {tool}")
        # A broad allow rule does not cover files that configure what runs; one naming them does.
        guarded = level is PermissionLevel.EDIT and any(_is_protected(t) for t in targets)
        for c in self._rules_for("allow"):
            if guarded and not _names_protected(c.rule.text):
                continue
            if self._matches(c, tool, tool_input, targets, "allow"):
                return _by_rule("allow", c, f"{tool} is allowed by rule {c.rule.text}")
        return self._mode_default(tool, level, targets)

    def _mode_default(
        self, tool: str, level: PermissionLevel, targets: list[PathForms]
    ) -> PermissionDecision:
        inside = all(in_scope(t, self._dirs) for t in targets)
        protected = any(_is_protected(t) for t in targets)
        outside = next((t.lexical for t in targets if not in_scope(t, self._dirs)), None)
        if self._mode == "bypassPermissions":
            if level is PermissionLevel.EDIT and protected:
                return _by_mode("ask", f"{tool} would change a protected folder (.git, .claude...)")
            return _by_mode("allow", "bypassPermissions mode allows every call")
        if level is PermissionLevel.READ_ONLY:
            if inside:
                return _by_mode("allow", f"{tool} only reads inside the project")
            return _by_mode("ask", f"{tool} reads {outside}, outside the project")
        if level is PermissionLevel.EDIT:
            if self._mode == "acceptEdits" and targets and inside and not protected:
                return _by_mode("allow", "acceptEdits mode allows edits inside the project")
            if outside is not None:
                return _by_mode("ask", f"{tool} would change {outside}, outside the project")
            if protected:
                return _by_mode("ask", f"{tool} would change a protected folder (.git, .claude...)")
            return _by_mode("ask", f"{tool} changes files; {self._mode} mode asks first")
        return _by_mode("ask", f"{tool} needs permission; {self._mode} mode asks first")

    def _targets(self, tool: str, tool_input: Mapping[str, Any]) -> list[PathForms]:
        if tool in _NO_PATHS:
            return []
        raws = [v for k in PATH_KEYS if isinstance(v := tool_input.get(k), str) and v]
        if tool in _SEARCH_TOOLS and not isinstance(tool_input.get("path"), str):
            raws.append(str(self._project))
        # A Glob pattern reaching outside its folder names a path too.
        pattern = tool_input.get("pattern") if tool == "Glob" else None
        if isinstance(pattern, str) and (
            pattern.startswith(("/", "~")) or ".." in pattern.split("/")
        ):
            prefix = _static_prefix(pattern)
            if not prefix.startswith(("/", "~")):
                prefix = os.path.join(str(tool_input.get("path") or self._project), prefix)
            raws.append(prefix)
        directory = tool in _SEARCH_TOOLS
        return [path_forms(r, self._project, self._home, directory=directory) for r in raws]

    def _matches(
        self,
        c: _Compiled,
        tool: str,
        tool_input: Mapping[str, Any],
        targets: list[PathForms],
        behavior: Behavior,
    ) -> bool:
        rule = c.rule
        kind = rule.kind
        if kind in ("tool", "tool_glob", "mcp_server"):
            return rule.matches_tool(tool)
        if kind == "path":
            if not _path_rule_applies(rule.tool, tool, behavior) or not targets:
                return False
            assert c.path is not None
            hits = [c.path.matches(t, behavior) for t in targets]
            return all(hits) if behavior == "allow" else any(hits)
        if kind == "param":
            if not rule.matches_tool(tool) or rule.param not in tool_input:
                return False
            assert rule.pattern is not None and rule.param is not None
            value = tool_input[rule.param]
            if value is None:
                return False
            text = str(value).lower() if isinstance(value, bool) else str(value)
            return rule.pattern.fullmatch(text) is not None
        if kind == "domain":
            if tool != "WebFetch":
                return False
            host = _host(tool_input.get("url"))
            assert rule.pattern is not None
            return host is not None and rule.pattern.fullmatch(host) is not None
        if kind == "primary":
            if not rule.matches_tool(tool):
                return False
            assert rule.pattern is not None
            fields = _PRIMARY.get(tool)
            if fields is not None:
                values = [tool_input.get(f) for f in fields]
            elif behavior == "allow":
                return False  # we do not know which field the rule means: approve nothing
            else:
                values = list(tool_input.values())
            return any(isinstance(v, str) and rule.pattern.fullmatch(v) for v in values)
        return False  # command rules only meet Bash

    # -- Bash ----------------------------------------------------------------------------------

    def _check_bash(self, tool_input: Mapping[str, Any]) -> PermissionDecision:
        command = tool_input.get("command")
        if not isinstance(command, str):
            return _by_mode("ask", "the Bash call has no command to check")
        parsed = parse_bash(command)
        level = self._level("Bash")

        decided = self._bash_rules("deny", tool_input, parsed)
        if decided is not None:
            return decided
        if parsed.problems:
            # Fail closed: what runs cannot be known, so a deny rule cannot be shown not to
            # apply. In every mode, bypassPermissions included.
            guard = next((c for c in self._rules_for("deny") if c.rule.kind == "command"), None)
            if guard is not None:
                return _by_rule(
                    "deny",
                    guard,
                    f"the command cannot be checked against deny rule {guard.rule.text}: "
                    f"{parsed.problems[0]}",
                )
        if self._mode == "plan" and level is not PermissionLevel.READ_ONLY:
            return _plan_denial("Bash")
        decided = self._bash_rules("ask", tool_input, parsed)
        if decided is not None:
            return decided

        tool_allow = next(
            (
                c
                for c in self._rules_for("allow")
                if c.rule.kind in ("tool", "tool_glob") and c.rule.matches_tool("Bash")
            ),
            None,
        )
        if parsed.problems:
            # Deny and ask rules could not see all of it: never approve it on their silence,
            # unless none exists and the user approved all of Bash (rule or bypass mode).
            has_patterns = any(
                c.rule.kind == "command" for b in ("deny", "ask") for c in self._rules_for(b)
            )
            if has_patterns or (tool_allow is None and self._mode != "bypassPermissions"):
                return _by_mode(
                    "ask", f"the command could not be fully understood: {parsed.problems[0]}"
                )
        if self._mode != "bypassPermissions":
            reason = self._redirect_protected(parsed)
            if reason is None and tool_allow is None:
                reason = self._redirect_outside(parsed)
            if reason is not None:
                return _by_mode("ask", reason)

        if tool_allow is not None:
            return _by_rule("allow", tool_allow, f"Bash is allowed by rule {tool_allow.rule.text}")
        for c in self._rules_for("allow"):
            if c.rule.kind == "param" and self._matches(c, "Bash", tool_input, [], "allow"):
                return _by_rule("allow", c, f"Bash is allowed by rule {c.rule.text}")

        used: list[_Compiled] = []
        missing: list[str] = []
        for sc in parsed.commands:
            if sc.transparent:
                continue
            found = None
            if sc.allow_text is not None:
                for c in self._rules_for("allow"):
                    r = c.rule
                    if r.kind != "command" or (sc.exact_only and not r.exact):
                        continue
                    assert r.pattern is not None
                    if r.pattern.fullmatch(sc.allow_text):
                        found = c
                        break
            if found is None:
                missing.append(sc.text)
            elif found not in used:
                used.append(found)
        if not missing and used:
            texts = ", ".join(c.rule.text for c in used)
            sources = ", ".join(dict.fromkeys(c.rule.origin.label for c in used))
            return PermissionDecision(
                "allow", f"every part of the command is allowed ({texts})", texts, sources
            )
        if self._mode == "bypassPermissions":
            return _by_mode("allow", "bypassPermissions mode allows every call")
        if level is PermissionLevel.READ_ONLY:
            return _by_mode("allow", "this Bash tool only reads")
        what = missing[0] if missing else command
        return _by_mode(
            "ask", f"no allow rule covers `{_clip(what)}`; {self._mode} mode asks first"
        )

    def _bash_rules(
        self, behavior: Behavior, tool_input: Mapping[str, Any], parsed: ParsedCommand
    ) -> PermissionDecision | None:
        """The first deny (or ask) rule that matches the call, a part of it, or a redirection."""
        verb = "is denied by" if behavior == "deny" else "asks because of"
        for c in self._rules_for(behavior):
            r = c.rule
            if r.kind == "command":
                assert r.pattern is not None
                for sc in parsed.commands:
                    if any(r.pattern.fullmatch(t) for t in sc.deny_texts):
                        part = (
                            ""
                            if sc.text == parsed.source.strip()
                            else f" (part `{_clip(sc.text)}`)"
                        )
                        return _by_rule(behavior, c, f"the command{part} {verb} rule {r.text}")
            elif r.kind == "path":
                hit = self._argument_hit(c, behavior, parsed)
                if hit is not None:
                    return _by_rule(behavior, c, f"`{_clip(hit)}` {verb} rule {r.text}")
                for red in parsed.redirects:
                    if red.target is None or redirect_is_harmless(red.target):
                        continue
                    target = [path_forms(red.target, self._project, self._home)]
                    as_tool = "Edit" if red.writes else "Read"
                    if self._matches(c, as_tool, {}, target, behavior):
                        return _by_rule(
                            behavior, c, f"the redirection `{red.text}` {verb} rule {r.text}"
                        )
            elif self._matches(c, "Bash", tool_input, [], behavior):
                return _by_rule(behavior, c, f"Bash {verb} rule {r.text}")
        return None

    def _argument_hit(self, c: _Compiled, behavior: Behavior, parsed: ParsedCommand) -> str | None:
        """Best effort beyond Claude Code: existing files named as arguments meet ``Read`` deny
        and ask rules (``cat .env``), and those of file-changing programs meet ``Edit`` ones
        (``rm docs/a.md``). Programs can open files they are not given, so this is no sandbox."""
        assert c.path is not None
        rule_tool = c.rule.tool
        for sc in parsed.commands:
            base = os.path.basename(sc.name) if sc.name else ""
            if rule_tool == "Edit" and base not in _FILE_CHANGERS:
                continue
            if rule_tool not in ("Read", "Edit"):
                continue
            for arg in sc.args:
                if arg.startswith("-") or not arg:
                    continue
                target = path_forms(arg, self._project, self._home)
                if not os.path.lexists(target.lexical):
                    continue
                if c.path.matches(target, behavior):
                    return sc.text
        return None

    def _redirect_protected(self, parsed: ParsedCommand) -> str | None:
        for red in parsed.redirects:
            target = red.target
            if not red.writes or target is None or redirect_is_harmless(target):
                continue
            if _is_protected(path_forms(target, self._project, self._home)):
                return f"the redirection `{red.text}` writes a protected file (.claude, .git...)"
        return None

    def _redirect_outside(self, parsed: ParsedCommand) -> str | None:
        # After a cd, a relative target is relative to a folder we cannot know for sure.
        moves = any(
            sc.name is not None and os.path.basename(sc.name) in ("cd", "pushd", "popd")
            for sc in parsed.commands
        )
        for red in parsed.redirects:
            if not red.writes:
                continue
            if red.target is None:
                return f"the redirection `{red.text}` writes to a file named at run time"
            if redirect_is_harmless(red.target):
                continue
            if moves and not red.target.startswith(("/", "~")):
                return f"the redirection `{red.text}` writes relative to a folder changed by cd"
            target = path_forms(red.target, self._project, self._home)
            if not in_scope(target, self._dirs):
                return f"the redirection `{red.text}` writes outside the project"
        return None


_FILE_CHANGERS = frozenset(
    {
        "rm",
        "rmdir",
        "unlink",
        "shred",
        "mv",
        "cp",
        "ln",
        "install",
        "tee",
        "touch",
        "truncate",
        "dd",
        "sed",
        "perl",
        "chmod",
        "chown",
        "chgrp",
        "patch",
        "rsync",
        "mkdir",
    }
)

_PRIMARY: Mapping[str, tuple[str, ...]] = {
    "Agent": ("subagent_type",),
    "Skill": ("skill", "command"),
    "SlashCommand": ("command",),
}


def _path_rule_applies(rule_tool: str, tool: str, behavior: Behavior) -> bool:
    if rule_tool == tool:
        return True
    if rule_tool == "Read":
        # Read rules cover every reading tool; a Read deny or ask also covers writing the path.
        return tool in READ_TOOLS or (behavior != "allow" and tool in EDIT_TOOLS)
    if rule_tool == "Edit":
        return tool in EDIT_TOOLS
    return False


def _is_protected(target: PathForms) -> bool:
    return any(
        part in PROTECTED_DIRS or os.path.basename(form) in PROTECTED_FILES
        for form in target.forms
        for part in form.split("/")
    )


def _names_protected(rule_text: str) -> bool:
    # The rule's own text names a protected folder or file: the user meant it.
    words = rule_text.replace("(", "/").replace(")", "/").split("/")
    return any(w in PROTECTED_DIRS or w in PROTECTED_FILES for w in words)


def _static_prefix(pattern: str) -> str:
    parts: list[str] = []
    for part in pattern.split("/"):
        if any(ch in part for ch in "*?[{"):
            break
        parts.append(part)
    return "/".join(parts) or "."


def _host(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _by_rule(behavior: Behavior, c: _Compiled, reason: str) -> PermissionDecision:
    return PermissionDecision(behavior, reason, c.rule.text, c.rule.origin.label)


def _by_mode(behavior: Behavior, reason: str) -> PermissionDecision:
    return PermissionDecision(behavior, reason, None, "mode")


def _plan_denial(tool: str) -> PermissionDecision:
    return PermissionDecision(
        "deny",
        f"Plan mode is on: only read-only tools may run, so {tool} was not run. Finish the plan "
        "and present it (ExitPlanMode) to leave plan mode.",
        None,
        "mode",
    )
