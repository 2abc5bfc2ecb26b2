"""The built-in slash commands as data, the parser for a typed command line, and ``commands/list``.

What counts as a command line (the rule that keeps ``/usr/bin/env`` a prompt):

- the text starts with ``/`` (no leading whitespace: start with a space to send such text as a
  prompt);
- a name follows at once: letters, digits, ``-`` and ``_``, optionally in ``:``-joined segments
  (``frontend:component``), starting with a letter or digit;
- the name is followed by whitespace or the end of the text. ``/usr/bin``, ``/etc.conf`` and
  ``//comment`` therefore are prompts; ``/tmp`` alone is an unknown command (with suggestions),
  which a client may offer to send as a prompt instead.

Names match exactly first, then ignoring case. Built-in commands take precedence over skills.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypedDict

from claude_server.commands._builtins import (
    BUILTIN_COMMANDS,
    BUILTIN_NAMES,
    BuiltinCommand,
    RunsIn,
    builtin_command,
)
from claude_server.commands._skills import NAME_PATTERN, Skill, SkillSet, split_arguments

CommandKind = Literal["builtin", "skill", "unknown"]


@dataclass(frozen=True)
class CommandInvocation:
    """A command line as typed, resolved against the built-ins and the skills."""

    kind: CommandKind
    name: str
    """The canonical name (an alias resolves to its command); as typed when unknown."""
    typed_name: str
    arguments: str
    """Everything after the name, as typed, without surrounding whitespace."""
    builtin: BuiltinCommand | None = None
    skill: Skill | None = None
    suggestions: tuple[str, ...] = ()
    """For an unknown name, close matches (without the slash), best first."""
    error: str | None = None
    """Why the invocation cannot run as typed (a required argument is missing)."""

    @property
    def runs_in(self) -> RunsIn:
        """Client-only built-ins run in the client; everything else in the daemon."""
        return self.builtin.runs_in if self.builtin is not None else "daemon"

    @property
    def argv(self) -> list[str]:
        """The arguments split as a shell would."""
        return split_arguments(self.arguments)


_COMMAND_LINE = re.compile(rf"/(?P<name>{NAME_PATTERN.pattern})(?=\s|$)(?P<rest>.*)", re.DOTALL)


def parse_command_line(text: str, skills: SkillSet | None = None) -> CommandInvocation | None:
    """Read ``/name args...``; ``None`` when the text is a prompt, not a command line."""
    match = _COMMAND_LINE.match(text)
    if match is None:
        return None
    typed = match.group("name")
    arguments = match.group("rest").strip()
    builtin = builtin_command(typed)
    if builtin is not None:
        error = None
        if builtin.arguments == "required" and not arguments:
            error = f"/{builtin.name} needs an argument: /{builtin.name} {builtin.argument_hint}"
        return CommandInvocation(
            "builtin", builtin.name, typed, arguments, builtin=builtin, error=error
        )
    skill = skills.get(typed) if skills is not None else None
    if skill is not None:
        return CommandInvocation("skill", skill.name, typed, arguments, skill=skill)
    return CommandInvocation(
        "unknown", typed, typed, arguments, suggestions=suggest_commands(typed, skills)
    )


def suggest_commands(
    name: str, skills: SkillSet | None = None, *, limit: int = 3
) -> tuple[str, ...]:
    """Names close to ``name``: those it starts, then near spellings."""
    names = list(BUILTIN_NAMES)
    if skills is not None:
        names += [s.name for s in skills if s.user_invocable]
    folded = name.lower()
    prefixed = sorted(n for n in names if n.lower().startswith(folded) and n.lower() != folded)
    close = difflib.get_close_matches(folded, names, n=limit, cutoff=0.6)
    ordered = list(dict.fromkeys([*prefixed, *close]))
    return tuple(ordered[:limit])


class CommandEntry(TypedDict):
    """One row of ``commands/list``, shaped for the wire (camelCase keys)."""

    name: str
    description: str
    argumentHint: str | None
    source: Literal["builtin", "skill", "command"]
    scope: Literal["user", "project"] | None
    runsIn: RunsIn
    aliases: list[str]
    label: str | None
    """Where a skill comes from, to show beside it: ``project``, ``user:frontend``."""


def list_commands(skills: Iterable[Skill] = ()) -> list[CommandEntry]:
    """The built-ins followed by the user-invocable skills and commands, for autocomplete.

    A skill whose name a built-in has is left out (the built-in runs). A namespaced command
    (``frontend:component``) lists its bare name as an alias when no other command has it.
    """
    skills = sorted(skills, key=lambda s: s.name)
    bare_counts: dict[str, int] = {}
    for skill in skills:
        bare_counts[skill.bare_name] = bare_counts.get(skill.bare_name, 0) + 1
    entries: list[CommandEntry] = [
        {
            "name": c.name,
            "description": c.description,
            "argumentHint": c.argument_hint,
            "source": "builtin",
            "scope": None,
            "runsIn": c.runs_in,
            "aliases": list(c.aliases),
            "label": None,
        }
        for c in BUILTIN_COMMANDS
    ]
    for skill in skills:
        if not skill.user_invocable or builtin_command(skill.name) is not None:
            continue
        bare = skill.bare_name
        unique_bare = (
            skill.namespace is not None and bare_counts[bare] == 1 and builtin_command(bare) is None
        )
        entries.append(
            {
                "name": skill.name,
                "description": skill.description,
                "argumentHint": skill.argument_hint,
                "source": skill.kind,
                "scope": skill.scope,
                "runsIn": "daemon",
                "aliases": [bare] if unique_bare else [],
                "label": skill.label,
            }
        )
    return entries
