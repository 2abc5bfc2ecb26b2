"""``claude-py``: the terminal client."""

from __future__ import annotations

import argparse
import sys

from claude_cli import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py",
        description="An agentic coding assistant in your terminal, backed by the claude-py daemon.",
        epilog="Environment: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, MODEL, CLAUDE_PY_HOME.",
    )
    parser.add_argument(
        "prompt", nargs="?", help="the prompt (read from stdin when omitted with -p)"
    )
    parser.add_argument(
        "-p",
        "--print",
        action="store_true",
        dest="print_mode",
        help="print the answer to stdout and exit (non-interactive)",
    )
    parser.add_argument("--model", help="model id or alias for this session")
    parser.add_argument("--version", action="version", version=f"claude-py {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``claude-py``."""
    args = _parser().parse_args(argv)
    if not args.print_mode:
        sys.stderr.write(
            "claude-py: the interactive terminal client is not built yet; "
            'use claude-py -p "PROMPT"\n'
        )
        return 2
    prompt = args.prompt
    if prompt is None:
        if sys.stdin.isatty():
            sys.stderr.write("claude-py: error: -p needs a prompt (as an argument or on stdin)\n")
            return 2
        prompt = sys.stdin.read()
    if not prompt.strip():
        sys.stderr.write("claude-py: error: the prompt is empty\n")
        return 2
    from claude_cli._headless import main_print  # asyncio and friends only when needed

    return main_print(prompt, args.model)


if __name__ == "__main__":
    raise SystemExit(main())
