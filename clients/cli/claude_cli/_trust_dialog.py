"""The first-launch question in a folder whose own configuration could run commands: trust it,
trust it and enable its MCP servers, or go on without them (what Claude Code's trust dialog
asks). A folder with nothing to ignore is not asked about."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

from claude_cli._connect import DaemonLink
from claude_cli._pickers import Option, Picker, PickResult
from claude_cli._render import AnsiRenderer
from claude_cli._rpc import ConnectionLost, RpcError
from claude_cli._wire import WorkspaceInfo

Show = Callable[[Picker], Awaitable[PickResult]]

_TRUST, _TRUST_MCP, _NO = "trust", "trust+mcp", "no"


async def settle_trust(link: DaemonLink, cwd: str, renderer: AnsiRenderer, show: Show) -> None:
    """Ask about the folder at ``cwd`` when its configuration is being ignored or its MCP
    servers wait for approval; trust (and enable) as the user chooses. Never raises for a
    daemon that cannot answer: the session then starts as the folder stands."""
    if not link.features.has("workspace/status"):
        return
    try:
        info: WorkspaceInfo = await link.request("workspace/status", {"cwd": cwd})
    except (RpcError, ConnectionLost):
        return
    ignored = info.get("ignored") or []
    pending = info.get("pendingMcpServers") or []
    if info["trusted"] and not pending:
        return
    if not info["trusted"] and not ignored:
        return
    choice = await show(_picker(info, renderer))
    value = _NO if choice.index is None else _options(info)[choice.index].value
    if value == _NO:
        if info.get("notice"):
            sys.stderr.write(f"claude-py: {info['notice']}\n")
        return
    params = {"cwd": cwd, "enableMcpServers": value == _TRUST_MCP or info["trusted"]}
    try:
        await link.request("workspace/trust", params)
    except RpcError as exc:
        sys.stderr.write(f"claude-py: could not trust {cwd}: {exc.message}\n")


def _options(info: WorkspaceInfo) -> list[Option]:
    if info["trusted"]:
        return [
            Option("Enable them", "they start with the next turn", value=_TRUST_MCP),
            Option("Not now", "ask again next time", value=_NO),
        ]
    has_mcp = any("MCP server" in line for line in info.get("ignored") or [])
    options = [Option("Yes, trust this folder", "its settings, hooks and skills apply", _TRUST)]
    if has_mcp:
        options.append(
            Option(
                "Yes, and enable its MCP servers", "they run commands of this folder", _TRUST_MCP
            )
        )
    options.append(Option("No, continue without them", "deny and ask rules still apply", _NO))
    return options


def _picker(info: WorkspaceInfo, renderer: AnsiRenderer) -> Picker:
    from rich.text import Text

    if info["trusted"]:
        title = "This project defines MCP servers"
        lines = [
            f"{info['directory']} is trusted; its MCP servers "
            f"{', '.join(info.get('pendingMcpServers') or [])} are not enabled yet."
        ]
    else:
        title = "Do you trust the files in this folder?"
        lines = [
            f"{info['directory']}",
            "Until you trust it, claude-py ignores what its files say that could run commands:",
            *(f"  {line}" for line in info.get("ignored") or []),
        ]
    header = [Text(title, style="bold"), *(Text(line) for line in lines)]
    return Picker(lambda width: renderer.to_ansi(header, width), _options(info))
