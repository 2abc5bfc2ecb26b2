"""Pickers and permission questions, driven through pipe input."""

from __future__ import annotations

import asyncio
from typing import Any

from claude_cli._permission import permission_answer, permission_header, permission_options
from claude_cli._pickers import Option, Picker, PickResult, ask_questions
from claude_cli._render import AnsiRenderer

from cli._harness import DOWN, ENTER, ESC, running_app, settle

PARAMS: dict[str, Any] = {
    "sessionId": "s",
    "requestId": "r1",
    "toolCall": {
        "toolCallId": "t1",
        "toolName": "Edit",
        "title": "Edit src/app.py",
        "kind": "edit",
        "input": {"file_path": "/proj/src/app.py", "old_string": "x = 1", "new_string": "x = 2"},
    },
    "options": [
        {"optionId": "allow_once", "name": "Allow", "kind": "allow_once"},
        {"optionId": "allow_always", "name": "Always allow Edit", "kind": "allow_always"},
        {"optionId": "reject_once", "name": "Deny", "kind": "reject_once"},
    ],
    "reason": "Edit changes files; default mode asks first",
}


def _header(text: str) -> Any:
    return lambda width: text


async def _pick(picker: Picker, keys: str) -> PickResult:
    async with running_app(picker.container, picker.list_window) as (_, pipe):
        pipe.send_text(keys)
        return await asyncio.wait_for(picker.future, 5)


async def test_arrows_and_enter_choose() -> None:
    picker = Picker(_header("Pick"), [Option("a"), Option("b"), Option("c")])
    result = await _pick(picker, DOWN + DOWN + ENTER)
    assert result.index == 2 and result.indexes == (2,)


async def test_digit_chooses_and_escape_cancels() -> None:
    assert (await _pick(Picker(_header("P"), [Option("a"), Option("b")]), "2")).index == 1
    assert (await _pick(Picker(_header("P"), [Option("a"), Option("b")]), ESC)).cancelled


async def test_option_with_text_asks_for_it() -> None:
    picker = Picker(_header("P"), [Option("yes"), Option("no", text_prompt="Why?")])
    async with running_app(picker.container, picker.list_window) as (_, pipe):
        pipe.send_text("2")
        await settle(lambda: picker.text_mode == 1)
        pipe.send_text("use pytest" + ENTER)
        result = await asyncio.wait_for(picker.future, 5)
    assert result.index == 1 and result.text == "use pytest"


async def test_multi_select_ticks_with_space() -> None:
    picker = Picker(_header("P"), [Option("a"), Option("b"), Option("c")], multi=True)
    result = await _pick(picker, " " + DOWN + DOWN + " " + ENTER)
    assert result.indexes == (0, 2)


def test_permission_header_shows_the_diff_and_reason() -> None:
    out = AnsiRenderer(None).to_ansi([permission_header(PARAMS, "/proj", "background task #1")], 70)
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines == [
        "Edit file  (background task #1)",
        "src/app.py",
        "1 - x = 1",
        "1 + x = 2",
        "Edit changes files; default mode asks first",
        "Do you want to proceed?",
    ]


def test_permission_options_and_answers() -> None:
    options = permission_options(PARAMS)
    assert [o.label for o in options] == [
        "Yes",
        "Yes, and don't ask again: Always allow Edit",
        "No, and tell Claude what to do differently",
    ]
    assert permission_answer(options, PickResult(0, (0,))) == {
        "outcome": {"outcome": "selected", "optionId": "allow_once"}
    }
    assert permission_answer(options, PickResult(2, (2,), "use sed")) == {
        "outcome": {"outcome": "selected", "optionId": "reject_once", "message": "use sed"}
    }
    # Esc means no.
    assert permission_answer(options, PickResult(None)) == {
        "outcome": {"outcome": "selected", "optionId": "reject_once"}
    }


async def test_ask_questions_flow() -> None:
    questions: list[dict[str, Any]] = [
        {
            "question": "Runner?",
            "header": "Tests",
            "options": [{"label": "pytest"}, {"label": "unittest"}],
        },
        {
            "question": "Extras?",
            "options": [{"label": "cov"}, {"label": "xdist"}],
            "multiSelect": True,
        },
        {"question": "Name?", "options": [{"label": "a"}, {"label": "b"}]},
    ]
    scripted = iter([PickResult(1, (1,)), PickResult(0, (0, 1)), PickResult(2, (2,), "custom")])
    shown: list[Picker] = []

    async def show(picker: Picker) -> PickResult:
        shown.append(picker)
        return next(scripted)

    result = await ask_questions(questions, show, lambda title, q: _header(q))
    assert result == {
        "outcome": "answered",
        "answers": {"Runner?": "unittest", "Extras?": ["cov", "xdist"], "Name?": "custom"},
    }
    assert shown[1].multi and shown[0].options[-1].label == "Other"

    async def dismiss(picker: Picker) -> PickResult:
        return PickResult(None)

    assert await ask_questions(questions, dismiss, lambda t, q: _header(q)) == {
        "outcome": "cancelled"
    }
