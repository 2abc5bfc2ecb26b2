"""The built-in slash commands as data: names, descriptions, where they run, their arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    BuiltinCommand(
        "status", "Show the session: version, model, mode, account, settings, memory, MCP, git"
    ),
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
    BuiltinCommand(
        "trust",
        "Trust this folder: its settings, hooks and skills apply (mcp: enable its MCP servers too)",
        argument_hint="[mcp]",
        arguments="optional",
    ),
    BuiltinCommand("usage", "Show the session's token usage and estimated cost", aliases=("cost",)),
    BuiltinCommand("todos", "Show the session's task list"),
    BuiltinCommand("bashes", "List the background shells of the session"),
    BuiltinCommand("context", "Show what fills the context window, part by part"),
    BuiltinCommand(
        "add-dir",
        "Add a working directory to this session",
        argument_hint="<path>",
        arguments="optional",
    ),
    BuiltinCommand("hooks", "List the hooks in force and the events they fire on"),
    BuiltinCommand("agents", "List the sub-agents the Task tool can start"),
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


BUILTIN_NAMES: tuple[str, ...] = tuple(_BY_NAME)
"""Every name a built-in command answers to (aliases too)."""
