"""``claude-py``: the terminal client.

``claude-py`` alone opens the interactive client attached to the user's daemon. ``-p``, an
``--output-format``/``--input-format`` flag (what the Agent SDKs pass) or a stdout or stdin that
is not a terminal hands the whole command line to the headless entry
(``claude_server._print``, Claude Code's ``-p`` flags and output formats) by ``exec``, before
anything else loads. The interactive UI imports what it needs only when chosen.
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
        help="print the answer to stdout and exit (non-interactive); `claude-py -p --help` "
        "lists Claude Code's headless flags (--output-format, --max-turns, --tools, ...)",
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


_HEADLESS_FLAGS = ("-p", "--print", "--output-format", "--input-format")
"""Any of these (Claude Code's SDKs pass the formats without ``-p``) means a headless run."""


def _headless_wanted(argv: list[str]) -> bool:
    if "--" in argv:
        argv = argv[: argv.index("--")]
    for arg in argv:
        if arg in _HEADLESS_FLAGS or arg.split("=", 1)[0] in _HEADLESS_FLAGS[2:]:
            return True
    if any(arg in ("-h", "--help", "--version") for arg in argv):
        return False
    # Not a terminal on both ends: behave like -p, so scripts and pipes get plain text.
    return not (sys.stdout.isatty() and sys.stdin.isatty())


def _exec_headless(argv: list[str]) -> int:
    """Hand the run to the headless entry in this same process (``exec``): the engine runs
    here, with no daemon, and the terminal client's imports never load."""
    command = [sys.executable, "-m", "claude_server._print", *argv]
    try:
        os.execv(sys.executable, command)  # noqa: S606 - this interpreter, our own module
    except OSError as exc:
        sys.stderr.write(f"claude-py: error: cannot start the headless run: {exc}\n")
    return 1


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
    if _headless_wanted(argv):
        return _exec_headless(argv)
    args = _parser().parse_args(argv)
    try:
        cwd = os.getcwd()
    except FileNotFoundError:
        sys.stderr.write(
            "claude-py: error: the current directory no longer exists; cd to one that does\n"
        )
        return 1
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
