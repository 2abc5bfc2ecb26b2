"""Tool names as rules write them, and what each built-in tool does (reads, edits, executes)."""

from __future__ import annotations

from collections.abc import Mapping

from claude_server.model import PermissionLevel

DEFAULT_ALIASES: Mapping[str, str] = {
    # The seed's snake_case names (claude-rust), accepted in rules and tool calls.
    "bash": "Bash",
    "read": "Read",
    "file_read": "Read",
    "write": "Write",
    "file_write": "Write",
    "edit": "Edit",
    "file_edit": "Edit",
    "multi_edit": "MultiEdit",
    "notebook_edit": "NotebookEdit",
    "notebook_read": "NotebookRead",
    "glob": "Glob",
    "grep": "Grep",
    "ls": "LS",
    "web_fetch": "WebFetch",
    "web_search": "WebSearch",
    "todo_write": "TodoWrite",
    "todo_read": "TodoRead",
    "ask_user_question": "AskUserQuestion",
    "enter_plan_mode": "EnterPlanMode",
    "exit_plan_mode": "ExitPlanMode",
    "agent": "Agent",
    "skill": "Skill",
    # Claude Code renamed Task to Agent; rules with either name mean the same tool.
    "Task": "Agent",
}
"""Other names of tools, mapped to Claude Code's names (which the model and rules use)."""

DEFAULT_LEVELS: Mapping[str, PermissionLevel] = {
    "Read": PermissionLevel.READ_ONLY,
    "Glob": PermissionLevel.READ_ONLY,
    "Grep": PermissionLevel.READ_ONLY,
    "LS": PermissionLevel.READ_ONLY,
    "NotebookRead": PermissionLevel.READ_ONLY,
    "TodoWrite": PermissionLevel.READ_ONLY,
    "TodoRead": PermissionLevel.READ_ONLY,
    "AskUserQuestion": PermissionLevel.READ_ONLY,
    "EnterPlanMode": PermissionLevel.READ_ONLY,
    "ExitPlanMode": PermissionLevel.READ_ONLY,
    "BashOutput": PermissionLevel.READ_ONLY,
    "Skill": PermissionLevel.READ_ONLY,
    "Edit": PermissionLevel.EDIT,
    "Write": PermissionLevel.EDIT,
    "MultiEdit": PermissionLevel.EDIT,
    "NotebookEdit": PermissionLevel.EDIT,
    "Bash": PermissionLevel.EXECUTE,
    "KillShell": PermissionLevel.EXECUTE,
    "WebFetch": PermissionLevel.EXECUTE,
    "WebSearch": PermissionLevel.EXECUTE,
    "Agent": PermissionLevel.EXECUTE,
}
"""What the built-in tools do, used when the caller's lookup does not know a tool."""

READ_TOOLS = frozenset({"Read", "Glob", "Grep", "LS", "NotebookRead"})
"""Tools ``Read(path)`` rules apply to (Claude Code: best effort for every reading tool)."""

EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})
"""Tools ``Edit(path)`` rules apply to (every built-in tool that changes files)."""

PATH_TOOLS = READ_TOOLS | EDIT_TOOLS

PATH_KEYS = ("file_path", "notebook_path", "path")
"""Input fields that name a file or directory a tool touches."""

MCP_PREFIX = "mcp__"


def canonical_tool(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """Claude Code's name for ``name`` (``file_edit`` -> ``Edit``, ``Task`` -> ``Agent``)."""
    table = DEFAULT_ALIASES if aliases is None else aliases
    return table.get(name, name)


def is_known_tool(name: str, aliases: Mapping[str, str] | None = None) -> bool:
    """Whether ``name`` is a built-in tool (under any name) or an MCP tool."""
    canonical = canonical_tool(name, aliases)
    return canonical in DEFAULT_LEVELS or canonical.startswith(MCP_PREFIX)
