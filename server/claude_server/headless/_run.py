"""One headless run: open the session, answer the prompt (or the stream of them), write the
output in the format asked for, and return the exit code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from claude_server.engine import LiveSession
from claude_server.errors import ClaudePyError
from claude_server.headless._answer import answer
from claude_server.headless._args import HeadlessArgs
from claude_server.headless._control import ControlClient
from claude_server.headless._init import init_line
from claude_server.headless._open import open_session
from claude_server.headless._report import TurnLines
from claude_server.headless._result import result_line
from claude_server.headless._sink import Sink
from claude_server.headless._stream import StreamRun
from claude_server.services import Application


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
    if args.input_format == "stream-json":
        client = ControlClient(
            app.hub.next_id(),
            streams.out,
            session.session_id,
            asks=args.permission_prompt_tool == "stdio",
        )
        app.hub.add(client)
        try:
            return await StreamRun(app, session, args, lines, client).run()
        finally:
            app.hub.remove(client)
            session.log.unsubscribe(lines.on_event)
            stop_observing()
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
