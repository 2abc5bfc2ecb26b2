"""The built-in tools the model can call (Claude Code's names and input fields).

Each tool is one private module: a pydantic input model whose JSON schema goes to the API, a
description, a permission level and ``async run(input, ctx)`` (the ``Tool`` protocol of
:mod:`claude_server.model`). :data:`BUILTIN_TOOLS` lists them; :class:`ToolRegistry` finds a
tool by name or alias, produces the API definitions and validates raw input into the model.
Per-session state lives in ``ctx.state``; :func:`close_tool_state` releases it (background
shells) when a session closes. :class:`BaseTool` and :class:`ToolInput` help write more tools.
"""

from claude_server.tools._ask_user import AskUserQuestionTool
from claude_server.tools._bash import (
    BashOutputTool,
    BashTool,
    CommandWrapper,
    KillShellTool,
    describe_shells,
    set_command_env,
    set_command_wrapper,
)
from claude_server.tools._common import BaseTool, ToolInput, input_schema
from claude_server.tools._edit import EditTool
from claude_server.tools._glob import GlobTool
from claude_server.tools._grep import GrepTool
from claude_server.tools._plan_mode import EnterPlanModeTool, ExitPlanModeTool
from claude_server.tools._read import ReadTool
from claude_server.tools._registry import BUILTIN_TOOLS, ToolRegistry, close_tool_state
from claude_server.tools._ripgrep import find_ripgrep
from claude_server.tools._todo import (
    TodoReadTool,
    TodoWriteTool,
    clear_todos,
    format_todos,
    get_todos,
)
from claude_server.tools._web_fetch import WebFetchTool
from claude_server.tools._web_search import WebSearchTool
from claude_server.tools._write import WriteTool

__all__ = [
    "BUILTIN_TOOLS",
    "AskUserQuestionTool",
    "BaseTool",
    "BashOutputTool",
    "BashTool",
    "CommandWrapper",
    "EditTool",
    "EnterPlanModeTool",
    "ExitPlanModeTool",
    "GlobTool",
    "GrepTool",
    "KillShellTool",
    "ReadTool",
    "TodoReadTool",
    "TodoWriteTool",
    "ToolInput",
    "ToolRegistry",
    "WebFetchTool",
    "WebSearchTool",
    "WriteTool",
    "clear_todos",
    "close_tool_state",
    "describe_shells",
    "find_ripgrep",
    "format_todos",
    "get_todos",
    "input_schema",
    "set_command_env",
    "set_command_wrapper",
]
