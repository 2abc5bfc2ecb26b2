"""One headless run: open the session, answer the prompt (or the stream of them), write the
output in the format asked for, and return the exit code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from claude_server.engine import LiveSession
from claude_server.errors import ClaudePyError
from claude_server.headless._args import HeadlessArgs
from claude_server.headless._init import init_line
from claude_server.headless._open import open_session
from claude_server.headless._report import TurnLines
from claude_server.headless._result import Ending, failed, finished, result_line
from claude_server.headless._sink import Sink
from claude_server.services import Application, check_prompt


@dataclass(frozen=True, slots=True)
class Streams:
    """Where the run writes: stdout for output, stderr for one-line notices."""

    out: Sink
    err: TextIO

    def warn(self, message: str) -> None:
        """One line on stderr."""
        self.err.write("claude-py: warning: " + " ".join(message.split()) + "\n")
        self.err.flush()

    def error(self, message: str) -> None:
        """One line on stderr."""
        self.err.write("claude-py: error: " + " ".join(message.split()) + "\n")
        self.err.flush()


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


def _tell_workspace(app: Application, session: LiveSession, streams: Streams) -> None:
    report = app.session_workspace(session)
    if report is None:
        return
    for problem in report.problems:
        streams.warn(problem)
    if report.notice:
        # As Claude Code does for a folder never trusted: one line on stderr, then on.
        streams.err.write(f"claude-py: {report.notice}\n")


async def run(app: Application, args: HeadlessArgs, cwd: str, prompt: str, streams: Streams) -> int:
    """Answer ``prompt`` in the run's session; the exit code."""
    try:
        session, warning = await open_session(app, args, cwd)
    except ClaudePyError as exc:
        streams.error(exc.message)
        return 1
    if warning:
        streams.warn(warning)
    _tell_workspace(app, session, streams)
    stream = args.output_format == "stream-json"
    lines = TurnLines(
        session.session_id,
        streams.out if stream else None,
        partial=args.include_partial_messages,
        budget_usd=args.max_budget_usd,
        over_budget=session.cancel,
    )
    stop_observing = session.observers.add(lines)
    session.log.subscribe(lines.on_event)
    try:
        if stream:
            streams.out.json(await init_line(app, session))
        ending = await answer(app, session, prompt, lines, args)
        result = result_line(
            session.session_id,
            ending,
            lines.figures,
            result_index=0,
            partial=args.include_partial_messages,
        )
    finally:
        session.log.unsubscribe(lines.on_event)
        stop_observing()
    if args.output_format == "text":
        if ending.result is not None:
            streams.out.text(ending.result + "\n")
        for error in ending.errors:
            streams.error(error)
    else:
        streams.out.json(result)
    return 1 if ending.is_error else 0
