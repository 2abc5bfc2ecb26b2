"""``claude-py-server``: start the daemon."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from claude_server import __version__
from claude_server._compose import build_application
from claude_server._logging import setup_logging
from claude_server._process import forbid_inspection
from claude_server.config import (
    TokenFile,
    data_dir,
    ensure_private_dir,
    env_settings,
    log_dir,
    log_level,
    token_path,
)
from claude_server.errors import ClaudePyError
from claude_server.http import Guard, HttpAddress, HttpListener, is_loopback
from claude_server.provider import ProviderSettings
from claude_server.rpc import (
    ListenAddress,
    OutgoingLimits,
    RpcCore,
    announce,
    loopback,
    run_daemon,
)

log = logging.getLogger("claude_server")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py-server",
        description="The claude-py daemon: serves the agent to editors and terminals over "
        "JSON-RPC (LSP framing).",
        epilog="Environment: ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, MODEL, CLAUDE_PY_HOME "
        "(data dir), CLAUDE_PY_LOG (debug|info|warning|error).",
    )
    parser.add_argument(
        "--stdio",
        action="store_true",
        help="serve one client on stdin/stdout (the default when no --listen is given)",
    )
    parser.add_argument(
        "--listen",
        action="append",
        default=[],
        metavar="ADDR",
        help="listen on unix (the default socket), unix:PATH or tcp:[HOST:]PORT (repeatable); "
        "TCP binds to 127.0.0.1 unless a host is given, and clients must present the token "
        "from the data dir",
    )
    parser.add_argument(
        "--http",
        metavar="[HOST:]PORT",
        help="also serve the HTTP API (GET /health, POST /chat, GET /sessions, "
        "GET /openapi.json) on 127.0.0.1 unless a host is given; requests must send "
        "'Authorization: Bearer TOKEN' with the token from the data dir's tcp-token",
    )
    parser.add_argument(
        "--http-cors",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let web pages of ORIGIN call the HTTP API (repeatable; none by default)",
    )
    parser.add_argument(
        "--http-allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="accept HTTP requests addressed to NAME besides the loopback names (repeatable)",
    )
    parser.add_argument("--version", action="version", version=f"claude-py-server {__version__}")
    return parser


async def _serve(
    home: Path, addresses: list[ListenAddress], stdio: bool, args: argparse.Namespace
) -> int:
    core = RpcCore(build_application(home), OutgoingLimits.from_env(os.environ))
    if args.http is None:
        # run_daemon closes the application (sessions, MCP servers, HTTP client) when it stops.
        return await run_daemon(core, addresses, stdio)
    address = HttpAddress.parse(args.http)
    token = TokenFile.acquire(token_path())
    try:
        guard = Guard(
            token=token.token,
            bound_host=address.host,
            cors_origins=frozenset(args.http_cors),
            extra_hosts=frozenset(args.http_allow_host),
        )
        http = HttpListener(core.app, address, guard)
        return await run_daemon(core, addresses, stdio, beside=[http])
    finally:
        token.release()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``claude-py-server``."""
    args = _parser().parse_args(argv)
    try:
        addresses = [ListenAddress.parse(text) for text in args.listen]
        http_address = HttpAddress.parse(args.http) if args.http is not None else None
        home = ensure_private_dir(data_dir())
        # Fail early, before any socket exists, on a bad setting.
        env_settings()
        ProviderSettings.from_env(os.environ)
    except (ClaudePyError, OSError) as exc:
        print(f"claude-py-server: {exc}", file=sys.stderr)
        return 2
    setup_logging(log_dir() / "daemon.log", log_level())
    forbid_inspection()
    for address in addresses:
        if address.kind == "tcp" and not loopback(address.host):
            log.warning("TCP listener on non-loopback address %s (token required)", address.host)
    if http_address is not None and not is_loopback(http_address.host):
        log.warning("HTTP API on non-loopback address %s (token required)", http_address.host)
    stdio = args.stdio or (not addresses and http_address is None)
    log.info("claude-py-server %s starting (pid %d)", __version__, os.getpid())
    try:
        return asyncio.run(_serve(home, addresses, stdio, args))
    except ClaudePyError as exc:
        announce(str(exc))
        return 1
    except OSError as exc:
        # A listener that cannot bind (port in use, no permission): one line, not a traceback.
        log.info("cannot serve: %s", exc)
        announce(f"cannot serve: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
