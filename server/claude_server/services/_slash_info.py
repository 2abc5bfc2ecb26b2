"""Commands about what a session holds or a project configures: ``/context``, ``/add-dir``,
``/hooks`` and ``/agents``."""

from __future__ import annotations

import os
from pathlib import Path

from claude_server.commands import CommandInvocation
from claude_server.compaction import compaction_threshold, context_window
from claude_server.config import HOOK_EVENTS
from claude_server.errors import CommandError
from claude_server.services._command_context import CommandContext, Handler, SlashResult


def _no_arguments(inv: CommandInvocation) -> None:
    if inv.arguments.strip():
        raise CommandError(f"/{inv.name} takes no argument, not {inv.arguments.strip()!r}.")


async def _context(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    _no_arguments(inv)
    session = ctx.session
    parts = await session.context_parts()
    window = context_window(session.model)
    used = sum(tokens for _, tokens in parts)
    lines = [
        f"Context: about {used:,} of {window:,} tokens ({used / window:.0%}) for `{session.model}`; "
        f"auto-compact at {compaction_threshold(session.model):,}.",
        "",
        "| part | tokens | share of window |",
        "|---|---:|---:|",
    ]
    lines.extend(f"| {name} | {tokens:,} | {tokens / window:.1%} |" for name, tokens in parts)
    lines.append(f"| Free | {window - used:,} | {(window - used) / window:.1%} |")
    lines.append("")
    lines.append("Figures are local estimates (about four characters a token).")
    return SlashResult(inv.name, "\n".join(lines))


async def _add_dir(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    session = ctx.session
    given = inv.arguments.strip()
    if not given:
        added = "\n".join(f"- {d}" for d in session.added_dirs) or "- (none yet)"
        return SlashResult(inv.name, f"Give a directory: `/add-dir PATH`. Added so far:\n{added}")
    path = Path(os.path.expanduser(given))
    path = (path if path.is_absolute() else session.cwd / path).resolve()
    if not path.is_dir():
        raise CommandError(f"{path} is not a directory.")
    if path == session.cwd.resolve() or path in session.added_dirs:
        return SlashResult(inv.name, f"{path} is already a working directory of this session.")
    session.added_dirs.append(path)
    return SlashResult(
        inv.name,
        f"Added {path} as a working directory for this session: files there are treated as "
        "the project's (reads, and edits in acceptEdits mode). To keep it, add it to "
        "`permissions.additionalDirectories` in `.claude/settings.json`.",
    )


async def _hooks(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    _no_arguments(inv)
    config = ctx.project.hooks()
    lines: list[str] = []
    # Claude Code's event order, so the list reads the same way every time.
    for event in HOOK_EVENTS:
        for group in config.get(event, ()):
            matcher = f" `{group.matcher}`" if group.matcher else ""
            for hook in group.hooks:
                what = hook.command or hook.url or hook.prompt or hook.tool or ""
                lines.append(f"- **{event}**{matcher}: {hook.type} `{what}`")
    if not lines:
        text = "No hooks are configured. Add them under `hooks` in `.claude/settings.json`."
    else:
        text = "Hooks in force, in the order they are checked:\n" + "\n".join(lines)
    notice = ctx.project.workspace().notice
    return SlashResult(inv.name, text + (f"\n\n{notice}" if notice else ""))


async def _agents(ctx: CommandContext, inv: CommandInvocation) -> SlashResult:
    _no_arguments(inv)
    lines = ["| agent | source | tools | what it is for |", "|---|---|---|---|"]
    for agent in ctx.project.agents().values():
        tools = "read-only" if agent.read_only else ", ".join(agent.tools or ("all",))
        lines.append(f"| `{agent.name}` | {agent.source} | {tools} | {agent.description} |")
    lines.append("")
    lines.append(
        "Add one as a Markdown file in `.claude/agents/` (project) or `~/.claude/agents/`."
    )
    return SlashResult(inv.name, "\n".join(lines))


INFO_HANDLERS: dict[str, Handler] = {
    "context": _context,
    "add-dir": _add_dir,
    "hooks": _hooks,
    "agents": _agents,
}
"""The listing commands, merged into the built-in table."""
