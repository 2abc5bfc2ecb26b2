"""``python -m claude_server.permissions check TOOL 'JSON_INPUT' [--cwd DIR] [--mode MODE]``.

Prints the decision for one tool call under the settings of ``DIR``, the rule and the file that
decided it, and exits 0; exits 2 with one line on stderr for bad JSON or an unknown tool.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from claude_server.config import PERMISSION_MODES, load_settings
from claude_server.errors import ConfigError
from claude_server.permissions._checker import RuleChecker
from claude_server.permissions._tools import canonical_tool, is_known_tool


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; return the exit status."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = argparse.ArgumentParser(
        prog="python -m claude_server.permissions",
        description="Explain the permission decision for a tool call.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="decide one tool call and say which rule decided")
    check.add_argument("tool", help="tool name, e.g. Bash, Read, Edit, mcp__server__tool")
    check.add_argument("input", help='the tool input as JSON, e.g. \'{"command": "ls"}\'')
    check.add_argument("--cwd", default=None, help="project directory (default: current)")
    check.add_argument("--mode", choices=PERMISSION_MODES, default=None, help="permission mode")
    args = parser.parse_args(argv)

    try:
        tool_input = json.loads(args.input)
    except json.JSONDecodeError as exc:
        print(f"error: the tool input is not valid JSON: {exc.msg} (column {exc.colno})", file=err)
        return 2
    if not isinstance(tool_input, dict):
        print("error: the tool input must be a JSON object", file=err)
        return 2
    if not is_known_tool(args.tool):
        print(f"error: unknown tool {args.tool!r}", file=err)
        return 2
    cwd = Path(args.cwd) if args.cwd else Path.cwd()
    if not cwd.is_dir():
        print(f"error: {cwd} is not a directory", file=err)
        return 2

    loaded = load_settings(cwd, env=os.environ)
    for problem in loaded.problems:
        print(f"warning: {problem}", file=err)
    try:
        checker = RuleChecker.from_settings(loaded, mode=args.mode)
    except ConfigError as exc:
        print(f"error: {exc.message}", file=err)
        return 2
    for rule_problem in checker.problems:
        print(f"warning: {rule_problem}", file=err)
    decision = checker.check(canonical_tool(args.tool), tool_input)
    print(f"decision: {decision.behavior}", file=out)
    if decision.rule is not None:
        print(f"rule: {decision.rule}", file=out)
        print(f"source: {decision.source}", file=out)
    else:
        print(f"rule: none (no rule matched; {checker.mode} mode default)", file=out)
    print(f"mode: {checker.mode}", file=out)
    print(f"reason: {decision.reason}", file=out)
    return 0
