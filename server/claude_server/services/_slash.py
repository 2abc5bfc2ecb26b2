"""Running a slash command line in a session: built-ins, skills and custom command files.

Client-side commands (``/vim``, ``/copy``, ``/quit``) never get here. Skills and custom command
files become a turn with their rendered prompt; their ``allowed-tools`` apply only during it.
"""

from __future__ import annotations

from claude_server.commands import CommandInvocation, parse_command_line, render
from claude_server.engine import LiveSession, SessionManager
from claude_server.errors import CommandError
from claude_server.services._command_context import CommandContext, SlashResult
from claude_server.services._projects import ProjectRegistry
from claude_server.services._reports import Reports
from claude_server.services._slash_builtins import BUILTIN_HANDLERS


class SlashCommands:
    """Every slash command the daemon runs, in one place."""

    def __init__(
        self, sessions: SessionManager, projects: ProjectRegistry, reports: Reports
    ) -> None:
        self._sessions = sessions
        self._projects = projects
        self._reports = reports

    async def run(self, session: LiveSession, line: str) -> SlashResult:
        """Run ``line`` (``/name args``) in ``session``; :class:`CommandError` when it cannot."""
        project = self._projects.project(session.cwd)
        invocation = parse_command_line(line.strip(), project.skills())
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
        handler = BUILTIN_HANDLERS.get(invocation.name)
        if handler is None:
            raise CommandError(f"/{invocation.name} is not available in this version of claude-py.")
        context = CommandContext(session, project, self._sessions, self._reports)
        return await handler(context, invocation)


async def _run_skill(session: LiveSession, inv: CommandInvocation) -> SlashResult:
    skill = inv.skill
    assert skill is not None
    prompt = render(skill, inv.arguments, session_id=session.session_id)
    turn = await session.prompt(prompt, scoped_allow=list(skill.allowed_tools))
    return SlashResult(inv.name, turn=turn)
