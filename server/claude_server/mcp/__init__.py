"""MCP (Model Context Protocol) servers as tools.

Config files (``.mcp.json``, ``.claude/mcp.json``, ``~/.claude/mcp.json``) define servers;
:class:`McpServers` starts them on first use and offers their tools as
:class:`~claude_server.model.Tool` objects named ``mcp__{server}__{tool}``. Importing this
package does not import the ``mcp`` library (it is loaded when a server first starts).
"""

from claude_server.errors import McpConnectionError, McpError, McpServerError, McpTimeoutError
from claude_server.mcp._client import (
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    McpCallResult,
    McpConnection,
    McpToolInfo,
)
from claude_server.mcp._config import (
    McpConfig,
    McpServerConfig,
    RemoteServerConfig,
    StdioServerConfig,
    config_paths,
    expand_vars,
    load_mcp_config,
    load_mcp_files,
    parse_mcp_json,
    project_config_paths,
    user_config_paths,
)
from claude_server.mcp._manager import McpServers, McpServerStatus, ServerState
from claude_server.mcp._tools import (
    MAX_TOOL_NAME,
    McpCaller,
    McpInput,
    McpTool,
    McpToolSet,
    make_mcp_tool,
    mcp_tool_name,
    to_tool_result,
)

__all__ = [
    "DEFAULT_CALL_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "MAX_TOOL_NAME",
    "McpCallResult",
    "McpCaller",
    "McpConfig",
    "McpConnection",
    "McpConnectionError",
    "McpError",
    "McpInput",
    "McpServerConfig",
    "McpServerError",
    "McpServerStatus",
    "McpServers",
    "McpTimeoutError",
    "McpTool",
    "McpToolInfo",
    "McpToolSet",
    "RemoteServerConfig",
    "ServerState",
    "StdioServerConfig",
    "config_paths",
    "expand_vars",
    "load_mcp_config",
    "load_mcp_files",
    "make_mcp_tool",
    "mcp_tool_name",
    "parse_mcp_json",
    "project_config_paths",
    "to_tool_result",
    "user_config_paths",
]
