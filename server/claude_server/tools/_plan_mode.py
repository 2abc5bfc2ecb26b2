"""``EnterPlanMode`` and ``ExitPlanMode``: research and plan first, change files after approval."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field

from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolResult
from claude_server.tools._ask_user import format_answer
from claude_server.tools._common import BaseTool, ToolInput

APPROVE_AUTO_EDITS = "Yes, and auto-accept edits"
APPROVE = "Yes, start implementing"
KEEP_PLANNING = "No, keep planning"
_APPROVAL_MODES = {APPROVE_AUTO_EDITS: "acceptEdits", APPROVE: "default"}
APPROVAL_QUESTION = "Do you want to proceed with this plan?"


class EnterPlanModeInput(ToolInput):
    """``EnterPlanMode`` takes no input."""


class ExitPlanModeInput(ToolInput):
    """Input of ``ExitPlanMode``."""

    plan: str = Field(
        min_length=1,
        description="The plan to present for approval, in Markdown; concise but complete.",
    )


def plan_question(plan: str) -> dict[str, Any]:
    """The approval question, in AskUserQuestion's shape; the plan is part of the question."""
    return {
        "question": f"{plan.strip()}\n\n{APPROVAL_QUESTION}",
        "header": "Plan",
        "options": [
            {"label": APPROVE, "description": "Leave plan mode and make the changes."},
            {
                "label": APPROVE_AUTO_EDITS,
                "description": "Leave plan mode; file edits no longer ask for permission.",
            },
            {"label": KEEP_PLANNING, "description": "Stay in plan mode and refine the plan."},
        ],
        "multiSelect": False,
    }


class EnterPlanModeTool(BaseTool[EnterPlanModeInput]):
    """Switches the session to plan mode."""

    name = "EnterPlanMode"
    aliases: ClassVar[tuple[str, ...]] = ("enter_plan_mode",)
    input_model: ClassVar[type[BaseModel]] = EnterPlanModeInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Switches to plan mode: you explore the code and design an approach, without changing \
anything, then present the plan for the user's approval with ExitPlanMode.

Use it before large or risky changes, when several approaches are possible, or when the \
user asks you to plan first. Skip it for small, clear tasks.
"""

    def describe(self, tool_input: EnterPlanModeInput) -> str:
        return "EnterPlanMode"

    async def execute(self, tool_input: EnterPlanModeInput, ctx: ToolContext) -> ToolResult:
        ctx.set_permission_mode("plan")
        return ToolResult(
            content=(
                "Plan mode is on. Explore the code with read-only tools (Read, Glob, Grep, "
                "read-only commands) and work out the approach; do not edit files or run "
                "commands that change anything. Ask the user with AskUserQuestion if something "
                "is unclear. When the plan is ready, present it with ExitPlanMode."
            ),
            display=[TextDisplay(text="Entered plan mode")],
        )


class ExitPlanModeTool(BaseTool[ExitPlanModeInput]):
    """Presents the plan to the user and leaves plan mode when they approve it."""

    name = "ExitPlanMode"
    aliases: ClassVar[tuple[str, ...]] = ("exit_plan_mode",)
    input_model: ClassVar[type[BaseModel]] = ExitPlanModeInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Presents your plan to the user for approval when you are in plan mode and ready to start \
implementing. If they approve, plan mode ends and you go ahead; if not, you keep planning \
with their feedback.

Use it only for plans of work that will change code, not after research-only tasks. Settle \
open questions with AskUserQuestion before, not with this tool.
"""

    def describe(self, tool_input: ExitPlanModeInput) -> str:
        return "ExitPlanMode"

    async def execute(self, tool_input: ExitPlanModeInput, ctx: ToolContext) -> ToolResult:
        question = plan_question(tool_input.plan)
        answers = await ctx.ask_user([question])
        answer = answers.get(question["question"])
        if answer is None and len(answers) == 1:
            answer = next(iter(answers.values()))
        choice = answer[0] if isinstance(answer, list) and len(answer) == 1 else answer
        mode = _APPROVAL_MODES.get(choice) if isinstance(choice, str) else None
        if mode is not None:
            ctx.set_permission_mode(mode)
            return ToolResult(
                content=(
                    f"The user approved the plan; plan mode is over (permission mode: {mode}). "
                    "Start implementing it now, updating your task list as you go.\n\n"
                    f"Approved plan:\n{tool_input.plan}"
                ),
                display=[TextDisplay(text="Plan approved")],
            )
        feedback = ""
        if choice != KEEP_PLANNING and answer:
            feedback = f"\n\nThe user's feedback: {format_answer(answer)}"
        return ToolResult(
            content=(
                "The user did not approve the plan. Stay in plan mode and do not change any "
                "files. Refine the plan (ask with AskUserQuestion if you need to), then present "
                f"it again with ExitPlanMode.{feedback}"
            ),
            display=[TextDisplay(text="Plan not approved")],
        )
