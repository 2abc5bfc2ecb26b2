"""``TodoWrite`` and ``TodoRead``: the session's task list, shown to the user as a plan."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolResult
from claude_server.tools._common import BaseTool, ToolInput

_STATE_KEY = "todos"

TodoStatus = Literal["pending", "in_progress", "completed"]


class TodoItem(ToolInput):
    """One task of the list."""

    content: str = Field(min_length=1, description='The task, imperative: "Run the tests".')
    status: TodoStatus = Field(description="pending, in_progress or completed.")
    activeForm: str = Field(  # Claude Code's field name, camelCase and all
        min_length=1, description='The task while it is being done: "Running the tests".'
    )


class TodoWriteInput(ToolInput):
    """Input of ``TodoWrite``."""

    todos: list[TodoItem] = Field(description="The whole updated task list.")


class TodoReadInput(ToolInput):
    """``TodoRead`` takes no input."""


def get_todos(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The session's task list (``content``, ``status``, ``activeForm`` per entry)."""
    current = state.get(_STATE_KEY)
    if not isinstance(current, list):
        current = []
        state[_STATE_KEY] = current
    return current


def set_todos(state: dict[str, Any], todos: list[dict[str, Any]]) -> None:
    """Replace the session's task list."""
    state[_STATE_KEY] = todos


def clear_todos(state: dict[str, Any]) -> bool:
    """Empty the session's task list (``/clear``); whether it held anything."""
    had = bool(get_todos(state))
    set_todos(state, [])
    return had


def format_todos(todos: list[dict[str, Any]]) -> str:
    """The list as numbered lines with their status."""
    if not todos:
        return "The task list is empty."
    return "\n".join(f"{n}. [{t['status']}] {t['content']}" for n, t in enumerate(todos, 1))


class TodoWriteTool(BaseTool[TodoWriteInput]):
    """Replaces the session's task list and shows it to the user."""

    name = "TodoWrite"
    aliases: ClassVar[tuple[str, ...]] = ("todo_write",)
    input_model: ClassVar[type[BaseModel]] = TodoWriteInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Creates and updates the task list of this session; the user sees it as your plan and \
progress. Each call sends the whole list.

Use it for work with three or more steps, when the user gives several tasks, or asks for a \
todo list; skip it for a single simple task or a question.

- Each task has content (imperative: "Fix the login test"), activeForm (the same task in \
progress: "Fixing the login test") and status: pending, in_progress or completed.
- Keep exactly one task in_progress while you work; mark it in_progress before you start it.
- Mark a task completed as soon as it is done, not in batches later. Only mark it completed \
when it is fully done: not when tests fail, the work is partial, or an error is unresolved.
- Add tasks you discover along the way; remove ones that no longer apply.
"""

    def describe(self, tool_input: TodoWriteInput) -> str:
        done = sum(1 for t in tool_input.todos if t.status == "completed")
        return f"TodoWrite ({done}/{len(tool_input.todos)} done)"

    async def execute(self, tool_input: TodoWriteInput, ctx: ToolContext) -> ToolResult:
        todos = [item.model_dump() for item in tool_input.todos]
        set_todos(ctx.state, todos)
        ctx.report_plan([dict(t) for t in todos])
        return ToolResult(
            content=(
                "The task list is updated. Keep it current as you work: one task in_progress, "
                "each marked completed as soon as it is done. Carry on with the current task."
            ),
            display=[TextDisplay(text=format_todos(todos))],
        )


class TodoReadTool(BaseTool[TodoReadInput]):
    """Returns the session's task list."""

    name = "TodoRead"
    aliases: ClassVar[tuple[str, ...]] = ("todo_read",)
    input_model: ClassVar[type[BaseModel]] = TodoReadInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Returns the current task list of this session (as last written with TodoWrite), with each \
task's status. Use it to check what is left to do.
"""

    def describe(self, tool_input: TodoReadInput) -> str:
        return "TodoRead"

    async def execute(self, tool_input: TodoReadInput, ctx: ToolContext) -> ToolResult:
        return ToolResult(content=format_todos(get_todos(ctx.state)))
