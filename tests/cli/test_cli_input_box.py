"""The input box, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

from pathlib import Path

from claude_cli._input import CommandInfo, InputBox, PromptCompleter
from claude_cli._input._history import open_history

from cli._harness import (
    ALT_ENTER,
    CTRL_R,
    CTRL_S,
    CTRL_V,
    DOWN,
    ENTER,
    ESC,
    TAB,
    UP,
    RecordingActions,
    running_app,
    settle,
)

COMMANDS = [
    CommandInfo("model", "Switch the model"),
    CommandInfo("mcp", "Manage MCP servers"),
    CommandInfo("vim", "Toggle vi mode", runs_in="client"),
    CommandInfo("compact", "Summarise the conversation", argument_hint="[instructions]"),
]


def _box(actions: RecordingActions, **kwargs: object) -> InputBox:
    completer = PromptCompleter(lambda: COMMANDS, kwargs.pop("search", None))  # type: ignore[arg-type]
    return InputBox(actions, completer=completer, **kwargs)  # type: ignore[arg-type]


async def test_enter_submits_and_clears() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("hello world" + ENTER)
        await settle(lambda: actions.submitted == ["hello world"])
        assert box.text == ""


async def test_alt_enter_and_backslash_enter_add_lines() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("one" + ALT_ENTER + "two\\" + ENTER + "three")
        await settle(lambda: box.text == "one\ntwo\nthree")
        pipe.send_text("\x1b[13;2u" + "four")  # Shift+Enter as kitty/CSI-u terminals send it
        await settle(lambda: box.text == "one\ntwo\nthree\nfour")
        pipe.send_text(ENTER)
        await settle(lambda: actions.submitted == ["one\ntwo\nthree\nfour"])


async def test_slash_completion_tab_accepts_and_escape_dismisses() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("/m")
        await settle(lambda: box.buffer.complete_state is not None)
        state = box.buffer.complete_state
        assert state is not None
        assert [c.text for c in state.completions] == ["/mcp", "/model"]
        assert state.completions[1].display_meta_text == "Switch the model"
        pipe.send_text(DOWN + DOWN + TAB)
        await settle(lambda: box.text == "/model ")
        box.clear()
        pipe.send_text("/co")
        await settle(lambda: box.buffer.complete_state is not None)
        pipe.send_text(ESC)
        await settle(lambda: box.buffer.complete_state is None)
        assert box.text == "/co"
        assert actions.calls == []  # Esc only closed the menu


async def test_enter_on_a_command_completion_runs_it() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("/vi")
        await settle(lambda: box.buffer.complete_state is not None)
        pipe.send_text(ENTER)
        await settle(lambda: actions.submitted == ["/vim"])


async def test_mention_completion_asks_the_search() -> None:
    asked: list[str] = []

    async def search(query: str) -> list[str]:
        asked.append(query)
        return ["src/app.py", "src/api.py"]

    actions = RecordingActions()
    box = _box(actions, search=search)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("look at @src/a")
        await settle(lambda: box.buffer.complete_state is not None)
        assert asked[-1] == "src/a"
        pipe.send_text(TAB)
        await settle(lambda: box.text == "look at @src/app.py ")


async def test_stash_puts_aside_and_restores() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("half a thought")
        await settle(lambda: box.text == "half a thought")
        pipe.send_text(CTRL_S)
        await settle(lambda: box.text == "" and box.stash == "half a thought")
        pipe.send_text("quick question" + ENTER)
        await settle(lambda: actions.submitted == ["quick question"])
        pipe.send_text(CTRL_S)
        await settle(lambda: box.text == "half a thought" and box.stash is None)
        # A second stash while one is held swaps them: nothing is ever dropped.
        pipe.send_text(CTRL_S + "another idea")
        await settle(lambda: box.text == "another idea" and box.stash == "half a thought")
        pipe.send_text(CTRL_S)
        await settle(lambda: box.text == "half a thought" and box.stash == "another idea")
        pipe.send_text(CTRL_S)
        await settle(lambda: box.text == "another idea" and box.stash == "half a thought")


async def test_history_up_and_down_per_file(tmp_path: Path) -> None:
    path = tmp_path / "hist" / "project.txt"
    actions = RecordingActions()
    box = _box(actions, history=open_history(path))
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("first" + ENTER + "second" + ENTER)
        await settle(lambda: len(actions.submitted) == 2)
        pipe.send_text(UP)
        await settle(lambda: box.text == "second")
        pipe.send_text(UP)
        await settle(lambda: box.text == "first")
        pipe.send_text(DOWN)
        await settle(lambda: box.text == "second")
    # A new box on the same file remembers the prompts.
    again = _box(RecordingActions(), history=open_history(path))
    async with running_app(again.container, again.window, again.key_bindings) as (_, pipe):
        pipe.send_text(UP)
        await settle(lambda: again.text == "second")


async def test_ctrl_r_searches_history() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (app, pipe):
        pipe.send_text("deploy the app" + ENTER + "run tests" + ENTER)
        await settle(lambda: len(actions.submitted) == 2)
        pipe.send_text(CTRL_R)
        await settle(lambda: app.layout.is_searching)
        pipe.send_text("depl" + ENTER)
        await settle(lambda: box.text == "deploy the app")
        assert not app.layout.is_searching


async def test_ctrl_v_inserts_the_image_marker() -> None:
    actions = RecordingActions(image=lambda: "[Image #1]")
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("see " + CTRL_V)
        await settle(lambda: box.text == "see [Image #1] ")
    marker = box.add_image(b"png", "image/png")
    assert marker == "[Image #1]"
    assert box.take_images("see [Image #1]") == [(b"png", "image/png")]
    assert box.images == {}


async def test_other_keys_reach_the_actions() -> None:
    actions = RecordingActions()
    box = _box(actions)
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        pipe.send_text("\x1b[Z")  # Shift+Tab
        await settle(lambda: "cycle_mode" in actions.calls)
        pipe.send_text("bg job" + "\x02")  # Ctrl+B
        await settle(lambda: "background:bg job" in actions.calls)
        assert box.text == ""
        pipe.send_text("\x03")
        await settle(lambda: "interrupt" in actions.calls)
        pipe.send_text("\x04")  # Ctrl+D on an empty prompt
        await settle(lambda: "exit" in actions.calls)


async def test_a_line_holding_a_key_never_reaches_the_history_file(tmp_path: Path) -> None:
    path = tmp_path / "hist" / "project.txt"
    actions = RecordingActions()
    key = "sk-ant-api03-" + "x" * 24
    box = _box(actions, history=open_history(path))
    async with running_app(box.container, box.window, box.key_bindings) as (_, pipe):
        for line in ("/login " + key, f"use {key} for this", "plain prompt"):
            pipe.send_text(line + ENTER)
        await settle(lambda: len(actions.submitted) == 3)
        pipe.send_text(UP)
        await settle(lambda: box.text == "plain prompt")
    stored = path.read_text()
    assert "plain prompt" in stored
    assert "sk-ant-" not in stored and "/login" not in stored
