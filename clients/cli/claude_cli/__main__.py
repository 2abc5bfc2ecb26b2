"""``claude-py``: the terminal client.

``claude-py`` alone opens the interactive client attached to the user's daemon; ``-p`` (or a
stdout or stdin that is not a terminal) answers one prompt on stdout and exits. Only argparse
loads here: the interactive UI and the headless path import what they need when chosen.
"""

from __future__ import annotations

import argparse
import os
import sys

from claude_cli import __version__
from claude_cli._wire import PERMISSION_MODES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py",
        description="An agentic coding assistant in your terminal, backed by the claude-py daemon. "
        "Without -p it opens an interactive session in the current directory, starting the "
        "daemon in the background when none runs.",
        epilog="Environment: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, MODEL, CLAUDE_PY_HOME, "
        "NO_COLOR. In the session, /help lists keys and commands. "
        "`claude-py permissions check TOOL 'JSON_INPUT' [--cwd DIR]` explains how your "
        "permission rules decide a tool call; `claude-py trust [DIR] [--enable-mcp]` trusts a "
        "folder so its own settings, hooks and MCP servers apply; `claude-py daemon "
        "status|stop|restart` manages the background daemon.",
    )
    parser.add_argument(
        "prompt",
        nargs="?",
        help="the prompt (with -p: read from stdin when omitted; interactive: sent first)",
    )
    parser.add_argument(
        "-p",
        "--print",
        action="store_true",
        dest="print_mode",
        help="print the answer to stdout and exit (non-interactive)",
    )
    parser.add_argument("--model", help="model id or alias for this session")
    parser.add_argument(
        "--permission-mode",
        choices=PERMISSION_MODES,
        help="permission mode to start in (shift+tab cycles it in the session); with -p, "
        "acceptEdits or bypassPermissions let calls run that would otherwise need a question",
    )
    parser.add_argument(
        "-c",
        "--continue",
        action="store_true",
        dest="continue_last",
        help="continue the most recent session in this directory",
    )
    parser.add_argument(
        "-r",
        "--resume",
        nargs="?",
        const=True,
        default=None,
        metavar="ID",
        help="resume session ID; without ID, choose from a list",
    )
    parser.add_argument("--version", action="version", version=f"claude-py {__version__}")
    return parser


STDIN_WAIT_SECONDS = 3.0
"""With a prompt given, how long piped input may take to start arriving before it is ignored
(a stdin that is open but never written, as some launchers leave it, must not hang the run)."""


def _piped_input(prompt_given: bool) -> str:
    if sys.stdin.isatty():
        return ""
    if prompt_given:
        import select

        try:
            ready, _, _ = select.select([sys.stdin], [], [], STDIN_WAIT_SECONDS)
        except (OSError, ValueError):
            return ""
        if not ready:
            return ""
    return sys.stdin.read()


def _print_mode(args: argparse.Namespace, cwd: str) -> int:
    piped = _piped_input(args.prompt is not None)
    if args.prompt is None:
        if not piped and sys.stdin.isatty():
            sys.stderr.write("claude-py: error: -p needs a prompt (as an argument or on stdin)\n")
            return 2
        prompt = piped
    else:
        # As Claude Code: `git diff | claude-py -p "review this"` sends both.
        prompt = f"{args.prompt}\n\n{piped}" if piped.strip() else args.prompt
    if not prompt.strip():
        sys.stderr.write("claude-py: error: the prompt is empty\n")
        return 2
    if args.resume is True:
        sys.stderr.write("claude-py: error: with -p, --resume needs a session id\n")
        return 2
    from claude_cli._headless import PrintOptions, main_print  # asyncio only when needed

    options = PrintOptions(
        prompt=prompt,
        cwd=cwd,
        model=args.model,
        mode=args.permission_mode,
        continue_last=args.continue_last,
        resume=args.resume,
    )
    return main_print(options)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``claude-py``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["permissions"]:
        from claude_cli._permissions_check import main as permissions_main

        return permissions_main(argv[1:])
    if argv[:1] == ["daemon"]:
        from claude_cli._daemon_command import main as daemon_main

        return daemon_main(argv[1:])
    if argv[:1] == ["trust"]:
        from claude_cli._trust_command import main as trust_main

        return trust_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        cwd = os.getcwd()
    except FileNotFoundError:
        sys.stderr.write(
            "claude-py: error: the current directory no longer exists; cd to one that does\n"
        )
        return 1
    interactive_terminal = sys.stdout.isatty() and sys.stdin.isatty()
    if args.print_mode or not interactive_terminal:
        # Not a terminal on both ends: behave like -p, so scripts and pipes get plain text.
        return _print_mode(args, cwd)
    from claude_cli._early import send_initialize
    from claude_cli._paths import socket_path

    # Say hello to a running daemon now; its answer is ready by the time the UI has loaded.
    early = send_initialize(socket_path())
    from claude_cli._app import AppOptions, main_interactive

    resume = args.resume
    options = AppOptions(
        cwd=cwd,
        model=args.model,
        mode=args.permission_mode,
        continue_last=args.continue_last,
        resume=resume if isinstance(resume, str) else None,
        resume_pick=resume is True,
        prompt=args.prompt,
    )
    return main_interactive(options, early)


if __name__ == "__main__":
    raise SystemExit(main())
