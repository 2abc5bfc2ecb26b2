"""Slash commands that run in the daemon: each one changes the session or reports on it.

Client-side commands (``/vim``, ``/copy``, ``/quit``) never get here. Skills and custom command
files become a turn with their rendered prompt; their ``allowed-tools`` apply only during it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from claude_server import __version__
from claude_server.commands import (
    CommandInvocation,
    SkillSet,
    list_commands,
    parse_command_line,
    render,
)
from claude_server.engine._turn import TurnOutcome
from claude_server.errors import CommandError
from claude_server.model import EFFORT_LEVELS, ThinkingConfig

if TYPE_CHECKING:
    from claude_server.engine._session import LiveSession

_MODES = ("default", "acceptEdits", "plan", "bypassPermissions")
_GIT_TIMEOUT = 10.0
_MAX_DIFF = 60_000

_REVIEW_PROMPT = """\
Review the uncommitted changes in this repository (staged and unstaged; use git diff and read \
the surrounding code as needed). Report, most important first: bugs and behaviour changes, \
missing error handling, security problems, missing or weak tests, and style problems worth \
fixing. Cite path:line for each finding and suggest the fix. Do not change any file."""

_COMMIT_PROMPT = """\
Create a git commit for the staged changes (if nothing is staged, look at the unstaged changes \
and stage the ones that belong together). Read the diff, then write a concise commit message in \
the style of this repository's recent history (git log), and run git commit. Do not push."""


class CommandServices(Protocol):
    """What commands need from outside the engine (settings, credentials, diagnostics)."""

    def skills(self, cwd: Path) -> SkillSet:
        """The skills and custom commands of a project."""
        ...

    def resolve_model(self, name: str) -> str:
        """A model alias to its id."""
        ...

    def settings_text(self, cwd: Path) -> str:
        """``/config``: the merged settings and any problems, as Markdown."""
        ...

    def permissions_text(self, cwd: Path, mode: str, session_rules: list[str]) -> str:
        """``/permissions``: the rules in force and where each comes from, as Markdown."""
        ...

    def memory_text(self, cwd: Path) -> str:
        """``/memory``: the CLAUDE.md files that apply, as Markdown."""
        ...

    async def auth_text(self) -> str:
        """The credential source in use, as Markdown (never the secret)."""
        ...

    async def login(self, api_key: str) -> str:
        """Store an API key; a sentence saying what happened."""
        ...

    async def logout(self) -> str:
        """Remove the stored key; a sentence saying what happened."""
        ...

    async def doctor(self, cwd: Path) -> str:
        """``/doctor``: diagnostics as Markdown."""
        ...

    async def export(self, session_id: str) -> str:
        """``/export``: the session as a Markdown transcript."""
        ...


@dataclass(frozen=True, slots=True)
class SlashResult:
    """What a command produced: text for the user, and the turn it ran, if any."""

    command: str
    output: str | None = None
    turn: TurnOutcome | None = None


Handler = Callable[["LiveSession", CommandInvocation, CommandServices], Awaitable[SlashResult]]


async def run_slash(session: LiveSession, line: str, services: CommandServices) -> SlashResult:
    """Run ``line`` (``/name args``) in ``session``."""
    skills = services.skills(Path(session.cwd))
    invocation = parse_command_line(line.strip(), skills)
    if invocation is None:
        raise CommandError(f"{line.strip()[:40]!r} is not a slash command.")
    if invocation.kind == "unknown":
        hint = (
            f" Did you mean {', '.join('/' + s for s in invocation.suggestions)}?"
            if invocation.suggestions
            else " /help lists the commands."
        )
        raise CommandError(f"Unknown command /{invocation.typed_name}.{hint}")
    if invocation.error:
        raise CommandError(invocation.error)
    if invocation.runs_in == "client":
        raise CommandError(f"/{invocation.name} is handled by the client, not the daemon.")
    if invocation.skill is not None:
        return await _run_skill(session, invocation)
    handler = _HANDLERS.get(invocation.name)
    if handler is None:
        raise CommandError(f"/{invocation.name} is not available in this version of claude-py.")
    return await handler(session, invocation, services)


async def _run_skill(session: LiveSession, inv: CommandInvocation) -> SlashResult:
    skill = inv.skill
    assert skill is not None
    prompt = render(skill, inv.arguments, session_id=session.session_id)
    turn = await session.prompt(prompt, scoped_allow=list(skill.allowed_tools))
    return SlashResult(inv.name, turn=turn)


# -- built-ins ---------------------------------------------------------------------------------


async def _help(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    entries = list_commands(svc.skills(Path(session.cwd)).skills)
    lines = ["| command | what it does |", "|---|---|"]
    for e in entries:
        hint = f" {e['argumentHint']}" if e["argumentHint"] else ""
        lines.append(f"| `/{e['name']}{hint}` | {e['description']} |")
    return SlashResult(inv.name, "\n".join(lines))


async def _model(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    if not inv.arguments:
        return SlashResult(
            inv.name,
            f"Model: `{session.model}`. Switch with `/model NAME` (aliases: sonnet, opus, haiku).",
        )
    session.set_model(svc.resolve_model(inv.arguments.strip()))
    return SlashResult(inv.name, f"Model set to `{session.model}`.")


async def _fast(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    fast = session.toggle_fast()
    state = "on" if session.is_fast else "off"
    return SlashResult(inv.name, f"Fast mode {state}: model `{fast}`.")


async def _mode(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    wanted = inv.arguments.strip()
    if not wanted:
        wanted = _MODES[(_MODES.index(session.mode) + 1) % len(_MODES)]
    elif wanted not in _MODES:
        raise CommandError(f"Unknown mode {wanted!r}; choose one of {', '.join(_MODES)}.")
    session.set_mode(wanted)
    return SlashResult(inv.name, f"Permission mode: `{session.mode}`.")


async def _plan(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    session.set_mode("plan")
    if not inv.arguments:
        return SlashResult(inv.name, "Plan mode: read-only tools until you accept a plan.")
    return SlashResult(inv.name, turn=await session.prompt(inv.arguments))


async def _think(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    arg = inv.arguments.strip().lower()
    if not arg:
        on = session.thinking is None or session.thinking.mode == "off"
        session.thinking = ThinkingConfig.adaptive() if on else ThinkingConfig.off()
    elif arg in ("on", "adaptive"):
        session.thinking = ThinkingConfig.adaptive()
    elif arg == "off":
        session.thinking = ThinkingConfig.off()
    elif arg.isdigit() and int(arg) >= 1024:
        session.thinking = ThinkingConfig.budget(int(arg))
    else:
        raise CommandError("Use /think, /think on, /think off or /think BUDGET (at least 1024).")
    t = session.thinking
    text = (
        "off"
        if t.mode == "off"
        else t.mode
        if t.budget_tokens is None
        else f"{t.budget_tokens} tokens"
    )
    return SlashResult(inv.name, f"Extended thinking: {text}.")


async def _effort(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    level = inv.arguments.strip().lower()
    if not level:
        return SlashResult(inv.name, f"Effort: {session.effort or 'model default'}.")
    if level not in EFFORT_LEVELS:
        raise CommandError(f"Unknown effort {level!r}; choose one of {', '.join(EFFORT_LEVELS)}.")
    session.effort = level
    return SlashResult(inv.name, f"Effort: {level}.")


async def _clear(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    session.clear()
    return SlashResult(inv.name, "Conversation cleared.")


async def _git(session: LiveSession, *args: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        "git",
        *args,
        cwd=session.cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), _GIT_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        raise CommandError(f"git {args[0]} took too long") from None
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise CommandError(f"git {args[0]} failed: {text.strip()[:500]}")
    if len(text) > _MAX_DIFF:
        text = text[:_MAX_DIFF] + f"\n... ({len(text) - _MAX_DIFF} more characters not shown)"
    return text


async def _diff(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    diff = await _git(session, "diff", "HEAD", "--stat", "--patch", "--no-color")
    return SlashResult(inv.name, f"```diff\n{diff}```" if diff.strip() else "No changes.")


async def _status(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    status = await _git(session, "status", "--short", "--branch")
    return SlashResult(inv.name, f"```\n{status}```")


async def _review(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    extra = f"\n\nFocus: {inv.arguments}" if inv.arguments else ""
    return SlashResult(inv.name, turn=await session.prompt(_REVIEW_PROMPT + extra))


async def _commit(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    extra = f"\n\nNotes from the user: {inv.arguments}" if inv.arguments else ""
    return SlashResult(inv.name, turn=await session.prompt(_COMMIT_PROMPT + extra))


async def _memory(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    return SlashResult(inv.name, svc.memory_text(Path(session.cwd)))


async def _add(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    pin = session.pins.add(inv.arguments.strip())
    return SlashResult(inv.name, f"Pinned `{pin.display}`: it goes with every message.")


async def _files(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    pins = session.pins.list()
    if not pins:
        return SlashResult(inv.name, "No pinned files. Pin one with `/add PATH`.")
    return SlashResult(inv.name, "\n".join(f"- `{p.display}`" for p in pins))


async def _config(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    return SlashResult(inv.name, svc.settings_text(Path(session.cwd)))


async def _permissions(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    text = svc.permissions_text(Path(session.cwd), session.mode, list(session.allow_rules))
    return SlashResult(inv.name, text)


async def _usage(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    u = session.total_usage
    cost = "unknown" if session.total_cost_usd is None else f"${session.total_cost_usd:.4f}"
    text = (
        f"Session usage: {u.input_tokens:,} input, {u.output_tokens:,} output, "
        f"{u.cache_read_input_tokens:,} cache read, {u.cache_creation_input_tokens:,} cache "
        f"write tokens; estimated cost {cost}. (Plan limits of a Claude subscription are only "
        "shown by Claude Code itself.)"
    )
    return SlashResult(inv.name, text)


async def _doctor(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    return SlashResult(inv.name, await svc.doctor(Path(session.cwd)))


async def _login(session: LiveSession, inv: CommandInvocation, svc: CommandServices) -> SlashResult:
    key = inv.arguments.strip()
    if not key:
        return SlashResult(
            inv.name,
            "Give an API key: `/login sk-ant-...` stores it in the system keyring. "
            "An existing Claude Code login is used automatically.\n\n" + await svc.auth_text(),
        )
    return SlashResult(inv.name, await svc.login(key))


async def _logout(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    return SlashResult(inv.name, await svc.logout())


async def _rewind(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    args = inv.argv
    restore = "--code" in args
    numbers = [a for a in args if a != "--code"]
    if len(numbers) > 1 or (numbers and not numbers[0].isdigit()):
        raise CommandError("Use /rewind [N] [--code]: drop the last N messages' turns (default 1).")
    kept, restored = session.rewind(int(numbers[0]) if numbers else 1, restore_files=restore)
    text = f"Rewound: {kept} message(s) kept."
    if restored:
        text += " Restored: " + ", ".join(f"`{p}`" for p in restored)
    return SlashResult(inv.name, text)


async def _export(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    return SlashResult(inv.name, await svc.export(session.session_id))


async def _compact(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    result = await session.compact_now(inv.arguments or None)
    return SlashResult(
        inv.name,
        f"Compacted the conversation: about {result.tokens_before:,} -> {result.tokens_after:,} "
        "tokens of context.",
    )


async def _version(
    session: LiveSession, inv: CommandInvocation, svc: CommandServices
) -> SlashResult:
    return SlashResult(inv.name, f"claude-py {__version__}")


_HANDLERS: dict[str, Handler] = {
    "help": _help,
    "model": _model,
    "fast": _fast,
    "mode": _mode,
    "plan": _plan,
    "think": _think,
    "effort": _effort,
    "clear": _clear,
    "diff": _diff,
    "status": _status,
    "review": _review,
    "commit": _commit,
    "memory": _memory,
    "add": _add,
    "files": _files,
    "config": _config,
    "permissions": _permissions,
    "usage": _usage,
    "doctor": _doctor,
    "login": _login,
    "logout": _logout,
    "version": _version,
    "rewind": _rewind,
    "export": _export,
    "compact": _compact,
}
"""Every built-in command that runs in the daemon."""
