"""One prompt answered: a slash command or skill when it starts with ``/``, else a turn."""

from __future__ import annotations

from claude_server.engine import LiveSession
from claude_server.errors import ClaudePyError
from claude_server.headless._args import HeadlessArgs
from claude_server.headless._report import TurnLines
from claude_server.headless._result import Ending, failed, finished
from claude_server.services import Application, check_prompt


def last_answer(session: LiveSession) -> str:
    """The text of the model's last response."""
    for message in reversed(session.messages):
        if message.role == "assistant":
            return message.text()
    return ""


async def answer(
    app: Application, session: LiveSession, text: str, lines: TurnLines, args: HeadlessArgs
) -> Ending:
    """Run one prompt (a slash command or skill when it starts with ``/``) to its end."""
    lines.begin()
    try:
        if text.lstrip().startswith("/"):
            ran = await app.commands.run(session, text)
            if ran.turn is None:
                return Ending("success", False, "completed", result=ran.output or "")
            outcome = ran.turn
        else:
            check_prompt(text, [])
            outcome = await session.prompt(text)
    except ClaudePyError as exc:
        return failed(exc)
    return finished(
        outcome.stop_reason,
        last_answer(session),
        max_turns=session.options.max_turns or session.limits.max_turns,
        budget=args.max_budget_usd if lines.over_budget else None,
    )
