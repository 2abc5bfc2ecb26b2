"""The built-in slash commands that run in the daemon: each changes the session or reports on it."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from claude_server import __version__
from claude_server.commands import CommandInvocation, list_commands
from claude_server.config import atomic_write
from claude_server.engine import LiveSession
from claude_server.errors import CommandError, ConfigError
from claude_server.model import EFFORT_LEVELS, PERMISSION_MODES, ThinkingConfig, read_mode
from claude_server.provider import resolve_model
from claude_server.services._command_context import CommandContext, Handler, SlashResult
from claude_server.services._slash_info import INFO_HANDLERS
from claude_server.tools import describe_shells, format_todos, get_todos

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


# -- built-ins ---------------------------------------------------------------------------------


async def _help(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    entries = list_commands(ctx.project.skills().skills)
    lines = ["| command | what it does |", "|---|---|"]
    for e in entries:
        hint = f" {e['argumentHint']}" if e["argumentHint"] else ""
        lines.append(f"| `/{e['name']}{hint}` | {e['description']} |")
    return SlashResult(inv.name, "\n".join(lines))


async def _model(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    if not inv.arguments:
        return SlashResult(
            inv.name,
            f"Model: `{session.model}`. Switch with `/model NAME` (aliases: sonnet, opus, haiku).",
        )
    session.set_model(resolve_model(inv.arguments.strip()))
    return SlashResult(inv.name, f"Model set to `{session.model}`.")


async def _fast(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    fast = session.toggle_fast()
    state = "on" if session.is_fast else "off"
    return SlashResult(inv.name, f"Fast mode {state}: model `{fast}`.")


async def _mode(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    wanted = inv.arguments.strip()
    if not wanted:
        wanted = PERMISSION_MODES[
            (PERMISSION_MODES.index(session.mode) + 1) % len(PERMISSION_MODES)
        ]
    elif read_mode(wanted) is None:
        modes = ", ".join(PERMISSION_MODES)
        raise CommandError(f"Unknown mode {wanted!r}; choose one of {modes}.")
    session.set_mode(wanted)
    return SlashResult(inv.name, f"Permission mode: `{session.mode}`.")


async def _plan(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    session.set_mode("plan")
    if not inv.arguments:
        return SlashResult(inv.name, "Plan mode: read-only tools until you accept a plan.")
    return SlashResult(inv.name, turn=await session.prompt(inv.arguments))


async def _think(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
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


async def _effort(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    level = inv.arguments.strip().lower()
    if not level:
        return SlashResult(inv.name, f"Effort: {session.effort or 'model default'}.")
    if level not in EFFORT_LEVELS:
        raise CommandError(f"Unknown effort {level!r}; choose one of {', '.join(EFFORT_LEVELS)}.")
    session.effort = level
    return SlashResult(inv.name, f"Effort: {level}.")


async def _clear(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    session.clear()
    return SlashResult(inv.name, "Conversation cleared.")


async def _git(session: LiveSession, *args: str) -> str:
    try:
        proc = await asyncio.create_subprocess_exec(
            "git",
            *args,
            cwd=session.cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
    except OSError as exc:
        raise CommandError(f"git cannot be run here: {exc.strerror or exc}") from None
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


async def _in_repository(session: LiveSession) -> bool:
    try:
        return (await _git(session, "rev-parse", "--is-inside-work-tree")).strip() == "true"
    except CommandError:
        return False


async def _diff(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    if not await _in_repository(session):
        raise CommandError(
            f"/diff shows git changes, and {session.cwd} is not in a git repository."
        )
    try:
        await _git(session, "rev-parse", "--verify", "--quiet", "HEAD")
    except CommandError:
        # A repository without a commit yet: there is nothing to diff against.
        status = await _git(session, "status", "--short")
        files = f"\n```\n{status}```" if status.strip() else ""
        return SlashResult(inv.name, "No commit yet, so there is nothing to compare with." + files)
    diff = await _git(session, "diff", "HEAD", "--stat", "--patch", "--no-color")
    return SlashResult(inv.name, f"```diff\n{diff}```" if diff.strip() else "No changes.")


async def _status(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    branch: str | None = None
    if await _in_repository(session):
        # A repository with no commit has no HEAD to name yet; status --branch names it anyway.
        lines = (await _git(session, "status", "--short", "--branch")).splitlines()
        if lines:
            changed = len(lines) - 1
            noun = "file" if changed == 1 else "files"
            branch = f"{lines[0].removeprefix('## ')} ({changed} changed {noun})"
    return SlashResult(inv.name, await ctx.reports.status_text(ctx.project, session, branch))


async def _review(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    extra = f"\n\nFocus: {inv.arguments}" if inv.arguments else ""
    return SlashResult(inv.name, turn=await session.prompt(_REVIEW_PROMPT + extra))


async def _commit(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    extra = f"\n\nNotes from the user: {inv.arguments}" if inv.arguments else ""
    return SlashResult(inv.name, turn=await session.prompt(_COMMIT_PROMPT + extra))


async def _memory(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    return SlashResult(inv.name, ctx.reports.memory_text(ctx.project))


async def _add(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    pin = session.pins.add(inv.arguments.strip())
    return SlashResult(inv.name, f"Pinned `{pin.display}`: it goes with every message.")


async def _files(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    pins = session.pins.list()
    if not pins:
        return SlashResult(inv.name, "No pinned files. Pin one with `/add PATH`.")
    return SlashResult(inv.name, "\n".join(f"- `{p.display}`" for p in pins))


async def _config(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    return SlashResult(inv.name, ctx.reports.settings_text(ctx.project))


async def _permissions(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    text = ctx.reports.permissions_text(ctx.project, session.mode, list(session.allow_rules))
    return SlashResult(inv.name, text)


async def _trust(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    wanted = inv.arguments.strip().lower()
    if wanted not in ("", "mcp"):
        raise CommandError(f"/trust takes no argument or `mcp`, not {inv.arguments.strip()!r}.")
    was_trusted = ctx.project.workspace().trusted
    report = ctx.project.trust(enable_mcp=wanted == "mcp")
    first = (
        f"{report.directory} was already trusted."
        if was_trusted
        else f"Trusted {report.directory}: its settings, hooks and skills apply from now on."
    )
    lines = [first]
    if report.notice:
        lines.append(report.notice)
    elif wanted == "mcp":
        lines.append("Its MCP servers are enabled; they start before the next turn.")
    return SlashResult(inv.name, "\n".join(lines))


async def _usage(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    u = session.total_usage
    cost = "unknown" if session.total_cost_usd is None else f"${session.total_cost_usd:.4f}"
    text = (
        f"Session usage: {u.input_tokens:,} input, {u.output_tokens:,} output, "
        f"{u.cache_read_input_tokens:,} cache read, {u.cache_creation_input_tokens:,} cache "
        f"write tokens; estimated cost {cost}. (Plan limits of a Claude subscription are only "
        "shown by Claude Code itself.)"
    )
    return SlashResult(inv.name, text)


async def _todos(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    return SlashResult(inv.name, format_todos(get_todos(ctx.session.tool_state)))


async def _bashes(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    shells = describe_shells(ctx.session.tool_state)
    if not shells:
        return SlashResult(inv.name, "No background shells in this session.")
    return SlashResult(inv.name, "Background shells:\n" + "\n".join(f"- {s}" for s in shells))


async def _doctor(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    return SlashResult(inv.name, await ctx.reports.doctor(ctx.project))


async def _login(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    key = inv.arguments.strip()
    if not key:
        return SlashResult(
            inv.name,
            "Give an API key: `/login sk-ant-...` stores it in the system keyring. "
            "An existing Claude Code login is used automatically.\n\n"
            + await ctx.reports.auth_text(),
        )
    return SlashResult(inv.name, await ctx.reports.login(key))


async def _logout(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    return SlashResult(inv.name, await ctx.reports.logout())


async def _rewind(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
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


async def _export(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    markdown = await ctx.sessions.export_markdown(session.session_id)
    target = inv.arguments.strip()
    if not target:
        return SlashResult(inv.name, markdown)
    path = Path(os.path.expanduser(target))
    path = path if path.is_absolute() else session.cwd / path
    if path.is_dir():
        raise CommandError(f"{path} is a folder; give the name of the file to write.")
    if path.exists():
        # Never overwrite: the file may be someone's work.
        raise CommandError(f"{path} already exists; give another name or remove it first.")
    if not path.parent.is_dir():
        raise CommandError(f"{path.parent} does not exist.")
    try:
        atomic_write(path, markdown, 0o600)
    except ConfigError as exc:
        raise CommandError(exc.message) from None
    return SlashResult(inv.name, f"Saved the conversation to {path}.")


async def _compact(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    result = await session.compact_now(inv.arguments or None)
    return SlashResult(
        inv.name,
        f"Compacted the conversation: about {result.tokens_before:,} -> {result.tokens_after:,} "
        "tokens of context.",
    )


async def _version(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    return SlashResult(inv.name, f"claude-py {__version__}")


BUILTIN_HANDLERS: dict[str, Handler] = {
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
    "trust": _trust,
    "usage": _usage,
    "todos": _todos,
    "bashes": _bashes,
    "doctor": _doctor,
    "login": _login,
    "logout": _logout,
    "version": _version,
    "rewind": _rewind,
    "export": _export,
    "compact": _compact,
    **INFO_HANDLERS,
}
"""Every built-in command that runs in the daemon."""
