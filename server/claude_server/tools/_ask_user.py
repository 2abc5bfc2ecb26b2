"""``AskUserQuestion``: multiple-choice questions to the user, answered through a client."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field, model_validator

from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolResult
from claude_server.tools._common import BaseTool, ToolInput


class QuestionOption(ToolInput):
    """One choice of a question."""

    label: str = Field(min_length=1, description="The choice as shown, in 1-5 words.")
    description: str = Field(description="What choosing it means, or what follows from it.")


class Question(ToolInput):
    """One question with its choices."""

    question: str = Field(
        min_length=1, description="The complete question, ending with a question mark."
    )
    header: str = Field(
        description='A very short label for the question, at most 12 characters ("Auth").'
    )
    options: list[QuestionOption] = Field(
        min_length=2,
        max_length=4,
        description="2-4 distinct choices; the user can always type another answer.",
    )
    multiSelect: bool = Field(  # Claude Code's field name
        default=False, description="Whether several choices may be picked."
    )

    @model_validator(mode="after")
    def _distinct_labels(self) -> Question:
        labels = [o.label for o in self.options]
        if len(set(labels)) != len(labels):
            raise ValueError(f"option labels must be distinct, got {labels}")
        return self


class AskUserQuestionInput(ToolInput):
    """Input of ``AskUserQuestion``."""

    questions: list[Question] = Field(
        min_length=1, max_length=4, description="1-4 questions to ask together."
    )

    @model_validator(mode="after")
    def _distinct_questions(self) -> AskUserQuestionInput:
        texts = [q.question for q in self.questions]
        if len(set(texts)) != len(texts):
            raise ValueError("question texts must be distinct")
        return self


def format_answer(value: Any) -> str:
    """An answer as text: a label, several labels, or the user's own words."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "(nothing chosen)"
    if value is None or value == "":
        return "(no answer)"
    return str(value)


class AskUserQuestionTool(BaseTool[AskUserQuestionInput]):
    """Asks the user multiple-choice questions and returns the answers."""

    name = "AskUserQuestion"
    aliases: ClassVar[tuple[str, ...]] = ("ask_user_question",)
    input_model: ClassVar[type[BaseModel]] = AskUserQuestionInput
    permission = PermissionLevel.READ_ONLY
    description = """\
Asks the user one to four multiple-choice questions while you work, and returns their \
answers. Use it to settle ambiguous instructions, to learn preferences, or to let the user \
choose between approaches before you commit to one.

- Each question has 2-4 options with a short label and a description; the user can always \
answer in their own words instead.
- Set multiSelect when several options may apply together.
- If you recommend an option, put it first and end its label with "(Recommended)".
- Do not use it to ask for approval of a plan in plan mode: use ExitPlanMode for that.
"""

    def describe(self, tool_input: AskUserQuestionInput) -> str:
        first = tool_input.questions[0].question
        more = f" (+{len(tool_input.questions) - 1} more)" if len(tool_input.questions) > 1 else ""
        return f"AskUserQuestion: {first}{more}"

    async def execute(self, tool_input: AskUserQuestionInput, ctx: ToolContext) -> ToolResult:
        questions = [q.model_dump() for q in tool_input.questions]
        answers = await ctx.ask_user(questions)
        pairs = [(q.question, format_answer(answers.get(q.question))) for q in tool_input.questions]
        lines = ["The user answered:", *(f'- "{q}" → {a}' for q, a in pairs)]
        lines.append("Carry on with these answers in mind.")
        # The answers stay in the transcript of every client, not only in the model's context.
        shown = "\n".join(f"· {q} → {a}" for q, a in pairs)
        return ToolResult(content="\n".join(lines), display=[TextDisplay(text=shown)])
