"""Commands that report what a session holds or a project configures: ``/context``,
``/hooks`` and ``/agents``."""

from __future__ import annotations

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


INFO_HANDLERS: dict[str, Handler] = {"context": _context, "hooks": _hooks, "agents": _agents}
"""The listing commands, merged into the built-in table."""
