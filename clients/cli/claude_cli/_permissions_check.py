"""``claude-py permissions check TOOL 'JSON' [--cwd DIR] [--mode MODE]``.

The daemon decides (``permissions/explain``), so the answer is exactly what a session of that
project would get: every tool its sessions offer is known, ``Task`` and MCP tools included. A
running daemon is asked; without one, a private daemon answers and stops (``_oneshot``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from claude_cli._connect import DaemonStartError
from claude_cli._oneshot import ask_daemon, fail
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._wire import PERMISSION_MODES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py permissions",
        description="Explain the permission decision for a tool call.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="decide one tool call and say which rule decided")
    check.add_argument("tool", help="tool name or alias, e.g. Bash, Read, Task, mcp__server__tool")
    check.add_argument("input", help='the tool input as JSON, e.g. \'{"command": "ls"}\'')
    check.add_argument("--cwd", default=None, help="project directory (default: current)")
    check.add_argument("--mode", choices=PERMISSION_MODES, default=None, help="permission mode")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run the subcommand; 0 with the decision on stdout, 2 with one line on stderr."""
    args = _parser().parse_args(list(argv))
    try:
        tool_input = json.loads(args.input)
    except json.JSONDecodeError as exc:
        return fail(f"the tool input is not valid JSON: {exc.msg} (column {exc.colno})")
    if not isinstance(tool_input, dict):
        return fail("the tool input must be a JSON object")
    cwd = os.path.abspath(args.cwd or os.getcwd())
    if not os.path.isdir(cwd):
        return fail(f"{cwd} is not a directory")
    params: dict[str, Any] = {"cwd": cwd, "tool": args.tool, "input": tool_input}
    if args.mode:
        params["mode"] = args.mode
    try:
        result = asyncio.run(ask_daemon("permissions/explain", params))
    except RpcError as exc:
        return fail(exc.message)
    except (OSError, ConnectionLost, DaemonStartError) as exc:
        return fail(f"could not reach the daemon: {exc}")
    for problem in result.get("problems", []):
        print(f"warning: {problem}", file=sys.stderr)
    print(f"decision: {result['decision']}")
    if result.get("rule") is not None:
        print(f"rule: {result['rule']}")
        print(f"source: {result['source']}")
    else:
        print(f"rule: none (no rule matched; {result['mode']} mode default)")
    print(f"tool: {result['tool']}")
    print(f"mode: {result['mode']}")
    print(f"reason: {result['reason']}")
    return 0
