"""``claude-py -p``'s process: the terminal client hands its arguments here (``exec``, so it is
still one process), and the run happens in it with the engine and no daemon.

Only the headless edge is loaded: no pygls or lsprotocol, which serving no JSON-RPC client
never needs.
"""

from __future__ import annotations

import asyncio
import os
import select
import sys

from claude_server._compose import build_application
from claude_server._logging import setup_logging
from claude_server.config import data_dir, ensure_private_dir, env_settings, log_dir, log_level
from claude_server.errors import ClaudePyError
from claude_server.headless import HeadlessArgs, Sink, Streams, parse_args, run
from claude_server.provider import ProviderSettings

STDIN_WAIT_SECONDS = 3.0
"""With a prompt given, how long piped input may take to start arriving before it is ignored
(a stdin left open but never written, as some launchers leave it, must not hang the run)."""


def _piped_input(prompt_given: bool) -> str:
    if sys.stdin is None or sys.stdin.isatty():
        return ""
    if prompt_given:
        try:
            ready, _, _ = select.select([sys.stdin], [], [], STDIN_WAIT_SECONDS)
        except (OSError, ValueError):
            return ""
        if not ready:
            return ""
    try:
        return sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaudePyError(f"cannot read the prompt from stdin: {exc}") from None


def _prompt(args: HeadlessArgs) -> str:
    piped = _piped_input(args.prompt is not None)
    if args.prompt is None:
        return piped
    # As Claude Code: `git diff | claude-py -p "review this"` sends both.
    return f"{args.prompt}\n\n{piped}" if piped.strip() else args.prompt


async def _run(args: HeadlessArgs, cwd: str, prompt: str, streams: Streams) -> int:
    home = ensure_private_dir(data_dir())
    app = build_application(home, persist=args.persist)
    try:
        return await run(app, args, cwd, prompt, streams)
    finally:
        await app.aclose()


def main(argv: list[str] | None = None) -> int:
    """Entry point of a headless run; the exit code."""
    streams = Streams(Sink(sys.stdout.buffer), sys.stderr)
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        if args.unsupported:
            raise ClaudePyError(
                f"{', '.join(args.unsupported)}: not supported by claude-py yet; run without it"
            )
        cwd = os.getcwd()
        env_settings()
        ProviderSettings.from_env(os.environ)
        prompt = "" if args.input_format == "stream-json" else _prompt(args)
        if args.input_format == "text" and not prompt.strip():
            raise ClaudePyError(
                "Input must be provided either through stdin or as a prompt argument when using "
                "--print"
            )
        setup_logging(log_dir() / "headless.log", log_level(client=True), stderr=False)
        return asyncio.run(_run(args, cwd, prompt, streams))
    except FileNotFoundError as exc:
        if exc.filename is None:
            streams.error("the current directory no longer exists; cd to one that does")
        else:
            streams.error(str(exc))
        return 1
    except (ClaudePyError, OSError) as exc:
        streams.error(exc.message if isinstance(exc, ClaudePyError) else str(exc))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
