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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypedDict

from claude_server.commands._skills import NAME_PATTERN, split_arguments

if TYPE_CHECKING:
    from collections.abc import Iterable

    from claude_server.commands._skills import Skill, SkillSet

RunsIn = Literal["daemon", "client"]
"""Where a command is carried out: in the daemon (``session/command``) or by the client alone."""

ArgumentPolicy = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class BuiltinCommand:
    """One built-in slash command."""

    name: str
    description: str
    runs_in: RunsIn = "daemon"
    argument_hint: str | None = None
    arguments: ArgumentPolicy = "none"
    """``required``: a line without arguments gets :attr:`CommandInvocation.error`."""
    aliases: tuple[str, ...] = ()


BUILTIN_COMMANDS: tuple[BuiltinCommand, ...] = (
    BuiltinCommand("help", "List the commands and skills you can use"),
    BuiltinCommand(
        "model",
        "Show the model in use, or switch to another",
        argument_hint="[name]",
        arguments="optional",
    ),
    BuiltinCommand("fast", "Toggle fast mode: a smaller, quicker model"),
    BuiltinCommand(
        "mode",
        "Cycle the permission mode (normal, auto-accept, plan, bypass) or set one",
        argument_hint="[mode]",
        arguments="optional",
    ),
    BuiltinCommand(
        "plan",
        "Switch to plan mode: explore read-only and propose a plan",
        argument_hint="[task]",
        arguments="optional",
    ),
    BuiltinCommand("think", "Toggle extended thinking"),
    BuiltinCommand(
        "effort",
        "Show or set the effort level (low, medium, high, max)",
        argument_hint="[level]",
        arguments="optional",
    ),
    BuiltinCommand("clear", "Start over with an empty conversation"),
    BuiltinCommand(
        "compact",
        "Summarise the conversation so far to free context",
        argument_hint="[instructions]",
        arguments="optional",
    ),
    BuiltinCommand("diff", "Show the uncommitted changes (git diff)"),
    BuiltinCommand("status", "Show the working tree status (git status)"),
    BuiltinCommand("review", "Ask for a review of the uncommitted changes"),
    BuiltinCommand("commit", "Write a message for the staged changes and commit them"),
    BuiltinCommand("memory", "Show the CLAUDE.md memory files in effect"),
    BuiltinCommand(
        "export",
        "Save the conversation as markdown",
        argument_hint="[file]",
        arguments="optional",
    ),
    BuiltinCommand(
        "rewind",
        "Go back N messages in the conversation (default 1)",
        argument_hint="[n]",
        arguments="optional",
    ),
    BuiltinCommand(
        "add",
        "Pin a file so its content goes with every message",
        argument_hint="<path>",
        arguments="required",
    ),
    BuiltinCommand("files", "List the pinned files"),
    BuiltinCommand("config", "Show the settings in effect and where they come from"),
    BuiltinCommand("permissions", "Show the permission rules in effect"),
    BuiltinCommand("usage", "Show plan usage and limits (subscription logins)"),
    BuiltinCommand("doctor", "Check the installation, credentials and connectivity"),
    BuiltinCommand("vim", "Toggle vi key bindings in the input", runs_in="client"),
    BuiltinCommand("copy", "Copy the last answer to the clipboard", runs_in="client"),
    BuiltinCommand("login", "Sign in or set up credentials"),
    BuiltinCommand("logout", "Forget the stored credentials"),
    BuiltinCommand("version", "Show the version of claude-py"),
    BuiltinCommand("quit", "End the session and leave", runs_in="client", aliases=("exit",)),
)
"""Every built-in command, in the order ``/help`` shows them."""

_BY_NAME: dict[str, BuiltinCommand] = {
    name: command for command in BUILTIN_COMMANDS for name in (command.name, *command.aliases)
}


def builtin_command(name: str) -> BuiltinCommand | None:
    """The built-in command called ``name`` (or one of its aliases), ignoring case."""
    return _BY_NAME.get(name) or _BY_NAME.get(name.lower())


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
    names = list(_BY_NAME)
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
