"""``claude-py trust [DIR] [--enable-mcp] [--revoke]``: trust a project folder once, so its own
settings, hooks, skills' tool grants and (when enabled) MCP servers apply.

The daemon keeps the trust store (``workspace/trust``); sessions already open in the folder see
the change at their next tool call.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence

from claude_cli._connect import DaemonStartError
from claude_cli._oneshot import ask_daemon, fail
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._wire import WorkspaceInfo


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py trust",
        description="Trust a project folder: its settings, hooks, skills and MCP servers apply.",
    )
    parser.add_argument("directory", nargs="?", default=None, help="folder (default: current)")
    parser.add_argument(
        "--enable-mcp",
        action="store_true",
        help="also enable the folder's MCP servers (.mcp.json) that are not enabled yet",
    )
    parser.add_argument("--revoke", action="store_true", help="stop trusting the folder")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run the subcommand; 0 with what changed on stdout, 2 with one line on stderr."""
    args = _parser().parse_args(list(argv))
    if args.revoke and args.enable_mcp:
        return fail("--revoke and --enable-mcp cannot be used together")
    directory = os.path.abspath(args.directory or os.getcwd())
    if not os.path.isdir(directory):
        return fail(f"{directory} is not a directory")
    params = {"cwd": directory, "enableMcpServers": args.enable_mcp, "revoke": args.revoke}
    try:
        info: WorkspaceInfo = asyncio.run(ask_daemon("workspace/trust", dict(params)))
    except RpcError as exc:
        return fail(exc.message)
    except (OSError, ConnectionLost, DaemonStartError) as exc:
        return fail(f"could not reach the daemon: {exc}")
    where = info["directory"]
    if args.revoke:
        print(
            f"{where} is still trusted (a folder above it is)."
            if info["trusted"]
            else f"{where} is no longer trusted."
        )
        return 0
    print(f"Trusted {where}: its settings, hooks and skills apply.")
    pending = info.get("pendingMcpServers") or []
    if pending:
        print(
            f"Its MCP servers {', '.join(pending)} are not enabled; "
            "`claude-py trust --enable-mcp` enables them."
        )
    elif args.enable_mcp:
        print("Its MCP servers are enabled.")
    return 0
