"""TodoWrite/TodoRead, AskUserQuestion and the plan mode tools."""

from __future__ import annotations

from typing import Any

import pytest
from claude_server.model import ToolError
from claude_server.tools import ToolRegistry
from tool_support import ScriptedContext, call, text_of

TODOS = [
    {"content": "Write the parser", "status": "completed", "activeForm": "Writing the parser"},
    {"content": "Run the tests", "status": "in_progress", "activeForm": "Running the tests"},
    {"content": "Update docs", "status": "pending", "activeForm": "Updating docs"},
]


async def test_todo_write_reports_plan_and_todo_read_returns_it(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    assert text_of(await call(registry, ctx, "TodoRead", {})) == "The task list is empty."
    result = await call(registry, ctx, "TodoWrite", {"todos": TODOS})
    assert "updated" in text_of(result)
    assert ctx.plans == [TODOS]
    text = text_of(await call(registry, ctx, "TodoRead", {}))
    assert text == (
        "1. [completed] Write the parser\n2. [in_progress] Run the tests\n3. [pending] Update docs"
    )
    # Each write replaces the whole list.
    await call(registry, ctx, "TodoWrite", {"todos": TODOS[:1]})
    assert ctx.plans[-1] == TODOS[:1]
    assert text_of(await call(registry, ctx, "TodoRead", {})) == "1. [completed] Write the parser"
    await call(registry, ctx, "TodoWrite", {"todos": []})
    assert ctx.plans[-1] == []


async def test_todo_validation(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    with pytest.raises(ToolError, match="activeForm: this required field is missing"):
        await call(registry, ctx, "TodoWrite", {"todos": [{"content": "a", "status": "pending"}]})
    with pytest.raises(ToolError, match="content"):
        await call(
            registry,
            ctx,
            "TodoWrite",
            {"todos": [{"content": "", "status": "pending", "activeForm": "A"}]},
        )
    with pytest.raises(ToolError, match="unknown field"):
        await call(registry, ctx, "TodoRead", {"all": True})


def _question(text: str, labels: list[str], multi: bool = False) -> dict[str, Any]:
    return {
        "question": text,
        "header": "Choice",
        "options": [{"label": label, "description": f"about {label}"} for label in labels],
        "multiSelect": multi,
    }


async def test_ask_user_question_returns_answers(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    questions = [
        _question("Which database?", ["Postgres", "SQLite"]),
        _question("Which extras?", ["Auth", "Admin", "API"], multi=True),
    ]
    ctx.user_answers.append({"Which database?": "Postgres", "Which extras?": ["Auth", "API"]})
    text = text_of(await call(registry, ctx, "AskUserQuestion", {"questions": questions}))
    assert ctx.questions_asked == [questions]
    assert '"Which database?" → Postgres' in text
    assert '"Which extras?" → Auth, API' in text


async def test_ask_user_question_other_text_and_missing_answer(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    questions = [_question("A?", ["x", "y"]), _question("B?", ["x", "y"])]
    ctx.user_answers.append({"A?": "neither, use z"})
    text = text_of(await call(registry, ctx, "AskUserQuestion", {"questions": questions}))
    assert '"A?" → neither, use z' in text and '"B?" → (no answer)' in text


async def test_ask_user_question_without_client(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    with pytest.raises(ToolError, match="No client"):
        await call(registry, ctx, "AskUserQuestion", {"questions": [_question("A?", ["x", "y"])]})


@pytest.mark.parametrize(
    ("questions", "error"),
    [
        ([], "questions"),
        ([_question(f"Q{n}?", ["x", "y"]) for n in range(5)], "questions"),
        ([_question("A?", ["only"])], "options"),
        ([_question("A?", ["a", "b", "c", "d", "e"])], "options"),
        ([_question("A?", ["same", "same"])], "distinct"),
        ([_question("A?", ["x", "y"]), _question("A?", ["x", "y"])], "distinct"),
    ],
)
async def test_ask_user_question_validation(
    registry: ToolRegistry, ctx: ScriptedContext, questions: list[dict[str, Any]], error: str
) -> None:
    with pytest.raises(ToolError, match=error):
        await call(registry, ctx, "AskUserQuestion", {"questions": questions})
    assert ctx.questions_asked == []


async def test_enter_plan_mode(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    text = text_of(await call(registry, ctx, "EnterPlanMode", {}))
    assert ctx.modes == ["plan"]
    assert "ExitPlanMode" in text


PLAN = "1. Add the parser\n2. Test it"


def _plan_answer(ctx: ScriptedContext, choice: Any) -> None:
    ctx.user_answers.append({f"{PLAN}\n\nDo you want to proceed with this plan?": choice})


async def test_exit_plan_mode_approved(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    _plan_answer(ctx, "Yes, start implementing")
    text = text_of(await call(registry, ctx, "ExitPlanMode", {"plan": PLAN}))
    assert ctx.modes == ["default"]
    assert "approved" in text and PLAN in text
    [[question]] = ctx.questions_asked
    assert question["header"] == "Plan" and PLAN in question["question"]
    assert [o["label"] for o in question["options"]] == [
        "Yes, start implementing",
        "Yes, and auto-accept edits",
        "No, keep planning",
    ]


async def test_exit_plan_mode_approved_with_auto_edits(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    _plan_answer(ctx, ["Yes, and auto-accept edits"])
    await call(registry, ctx, "ExitPlanMode", {"plan": PLAN})
    assert ctx.modes == ["acceptEdits"]


async def test_exit_plan_mode_rejected(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    _plan_answer(ctx, "No, keep planning")
    text = text_of(await call(registry, ctx, "ExitPlanMode", {"plan": PLAN}))
    assert ctx.modes == []
    assert "did not approve" in text and "feedback" not in text
    _plan_answer(ctx, "Also handle unicode")
    text = text_of(await call(registry, ctx, "ExitPlanMode", {"plan": PLAN}))
    assert ctx.modes == []
    assert "The user's feedback: Also handle unicode" in text


async def test_exit_plan_mode_needs_a_plan(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    with pytest.raises(ToolError, match="plan"):
        await call(registry, ctx, "ExitPlanMode", {"plan": ""})
