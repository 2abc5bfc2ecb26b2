"""Renderers: rich output at a fixed width with no colour, compared as text."""

from __future__ import annotations

from typing import Any

from claude_cli._render import AnsiRenderer, Transcript
from claude_cli._render._banner import BannerInfo, banner_text
from claude_cli._render._diff import diff_lines, diff_stats
from claude_cli._render._markdown import stable_length, tail
from claude_cli._render._status import spinner_line
from claude_cli._session_client import SessionView

USAGE = {"inputTokens": 1200, "outputTokens": 85}


def text_of(renderables: list[Any], width: int = 60) -> str:
    out = AnsiRenderer(None).to_ansi(renderables, width)
    return "\n".join(line.rstrip() for line in out.splitlines())


def view_with(*updates: dict[str, Any], live: bool = False) -> SessionView:
    """A view fed ``updates`` (as a replay unless ``live``: no timings, stable output)."""
    view = SessionView("s", cwd="/proj", model="claude-sonnet-4-6")
    view.replaying = not live
    for seq, update in enumerate(updates, 1):
        view.apply(seq, update)
    view.replaying = False
    return view


def test_markdown_answer_and_usage_line() -> None:
    view = view_with(
        {"kind": "turn_started", "turnId": "t"},
        {"kind": "user_message", "text": "explain"},
        {
            "kind": "agent_message_chunk",
            "text": "# Title\n\nSome **bold** and `code`.\n\n```python\nx = 1\n```",
        },
        {"kind": "turn_completed", "turnId": "t", "stopReason": "end_turn", "usage": USAGE},
    )
    out = text_of(Transcript(view).take_finished())
    assert out.splitlines()[1:] == [
        "> explain",
        "",
        "● Title",
        "",
        "  Some bold and code.",
        "",
        "  x = 1",
        "  ↑ 1.2k ↓ 85 tokens · $0.0049",
    ]


def test_streaming_prints_finished_paragraphs_once() -> None:
    view = view_with({"kind": "turn_started", "turnId": "t"})
    transcript = Transcript(view, spinner=False)
    view.apply(2, {"kind": "agent_message_chunk", "text": "First para"})
    assert transcript.take_finished() == []
    assert "First para" in text_of(transcript.live())
    view.apply(3, {"kind": "agent_message_chunk", "text": "graph.\n\nSecond"})
    printed = text_of(transcript.take_finished())
    assert "● First paragraph." in printed and "Second" not in printed
    live = text_of(transcript.live())
    assert "Second" in live and "First" not in live and "●" not in live
    view.apply(4, {"kind": "turn_completed", "turnId": "t", "stopReason": "end_turn", "usage": {}})
    rest = text_of(transcript.take_finished())
    assert "  Second" in rest and "First" not in rest
    assert transcript.take_finished() == [] and text_of(transcript.live()) == ""


def test_tool_blocks_diff_and_terminal_tail() -> None:
    edit = {"file_path": "/proj/src/app.py", "old_string": "x = 1", "new_string": "x = 2"}
    view = view_with(
        {"kind": "turn_started", "turnId": "t"},
        {
            "kind": "tool_call",
            "toolCall": {
                "toolCallId": "e",
                "toolName": "Edit",
                "title": "Edit",
                "kind": "edit",
                "input": edit,
            },
        },
        {
            "kind": "tool_call_update",
            "toolCallId": "e",
            "status": "completed",
            "content": [
                {
                    "type": "diff",
                    "path": "/proj/src/app.py",
                    "oldText": "a\nx = 1\nb\n",
                    "newText": "a\nx = 2\nb\n",
                }
            ],
        },
        {
            "kind": "tool_call",
            "toolCall": {
                "toolCallId": "b",
                "toolName": "Bash",
                "title": "Bash",
                "kind": "execute",
                "input": {"command": "seq 8"},
            },
        },
        {
            "kind": "tool_call_update",
            "toolCallId": "b",
            "status": "completed",
            "content": [{"type": "terminal", "output": "1\n2\n3\n4\n5\n6\n7\n8\n", "exitCode": 2}],
        },
    )
    transcript = Transcript(view, spinner=False)
    out = text_of(transcript.take_finished())
    assert out.splitlines()[1:] == [
        "● Edit(src/app.py)",
        "  ⎿  Updated src/app.py with 1 addition and 1 removal",
        "     1   a",
        "     2 - x = 1",
        "     2 + x = 2",
        "     3   b",
        "",
        "● Bash(seq 8)",
        "  ⎿  … +3 lines (ctrl+o to expand)",
        "     4",
        "     5",
        "     6",
        "     7",
        "     8",
        "     exit code 2",
    ]
    full = text_of(transcript.expand_last())
    assert "● Bash(seq 8)\n  ⎿  1\n     2\n     3\n" in full and "… +3" not in full
    assert transcript.expand_last() == []  # the diff was short: nothing else to expand


def test_running_tool_waiting_for_permission_and_spinner() -> None:
    view = view_with(
        {"kind": "turn_started", "turnId": "t"},
        {
            "kind": "tool_call",
            "toolCall": {
                "toolCallId": "b",
                "toolName": "Bash",
                "title": "Bash",
                "kind": "execute",
                "input": {"command": "make"},
            },
        },
    )
    transcript = Transcript(view)
    transcript.waiting.add("b")
    out = text_of(transcript.live(now=1000.0))
    assert "○ Bash(make)" in out
    assert "Waiting for permission…" in out
    assert "ctrl+c to interrupt" in out


def test_failed_interrupted_plan_notices_and_stop_reasons() -> None:
    view = view_with(
        {"kind": "turn_started", "turnId": "t"},
        {
            "kind": "tool_call",
            "toolCall": {
                "toolCallId": "r",
                "toolName": "Read",
                "title": "Read",
                "kind": "read",
                "input": {"file_path": "/etc/x"},
            },
        },
        {
            "kind": "tool_call_update",
            "toolCallId": "r",
            "status": "failed",
            "content": [{"type": "text", "text": "Error: no such file\nmore"}],
        },
        {
            "kind": "plan",
            "entries": [
                {"content": "One", "status": "completed"},
                {"content": "Two", "status": "pending"},
            ],
        },
        {
            "kind": "retrying",
            "attempt": 2,
            "maxAttempts": 3,
            "delaySeconds": 1.5,
            "reason": "overloaded",
        },
        {"kind": "error", "code": "api_error", "message": "The API failed", "retryable": False},
        {
            "kind": "tool_call",
            "toolCall": {
                "toolCallId": "w",
                "toolName": "Bash",
                "title": "Bash",
                "kind": "execute",
                "input": {"command": "sleep 9"},
            },
        },
        {"kind": "turn_completed", "turnId": "t", "stopReason": "cancelled", "usage": USAGE},
    )
    out = text_of(Transcript(view).take_finished(), width=70)
    assert "✗ Read(/etc/x)\n  ⎿  Error: no such file" in out
    assert "● Update Todos (1/2 done)\n  ⎿  ☒ One\n     ☐ Two" in out
    assert "⚠ overloaded · retrying in 1.5s (attempt 2/3)" in out
    assert "✗ The API failed" in out
    assert "✗ Bash(sleep 9)\n  ⎿  Interrupted" in out
    assert "Interrupted by user · ↑ 1.2k ↓ 85 tokens" in out


def test_spinner_and_banner() -> None:
    view = view_with(
        {"kind": "turn_started", "turnId": "t"},
        {"kind": "agent_message_chunk", "text": "x" * 400},
        live=True,
    )
    assert view.turn_started_at is not None
    line = spinner_line(view, view.turn_started_at + 12.3).plain
    assert "(12.3s · ↓ 100 tokens · ctrl+c to interrupt)" in line
    info = BannerInfo(
        "0.1.0",
        "/proj",
        "claude-sonnet-4-6",
        "env:ANTHROPIC_API_KEY",
        "0f4bb7f0-aaaa",
        False,
        "0.1.0",
    )
    plain = banner_text(info, 80, color=False)
    assert plain.splitlines() == [
        "╭────────────────────────────────────────╮",
        "│ ✻ claude-py 0.1.0                      │",
        "│                                        │",
        "│ cwd      /proj                         │",
        "│ model    claude-sonnet-4-6             │",
        "│ auth     env:ANTHROPIC_API_KEY         │",
        "│ session  0f4bb7f0 (new) · daemon 0.1.0 │",
        "╰────────────────────────────────────────╯",
        "  /help for help · shift+tab: permission mode · ctrl+c: interrupt · ctrl+d: quit",
    ]
    coloured = banner_text(info, 80, color=True)
    assert "\x1b[" in coloured and "\x1b[" not in plain
    long = BannerInfo("0.1.0", "/very/" + "deep/" * 30 + "proj", "m", "a", "s" * 36, True, "0.1")
    narrow = banner_text(long, 60, color=False)
    assert all(len(line) <= 60 for line in narrow.splitlines())
    assert "…" in narrow and "/proj" in narrow and "(resumed)" in narrow


def test_no_line_is_wider_than_the_console() -> None:
    long_line = "word " * 60
    view = view_with(
        {"kind": "turn_started", "turnId": "t"},
        {"kind": "user_message", "text": long_line},
        {"kind": "agent_message_chunk", "text": long_line + "\n\n```\n" + "y" * 150 + "\n```"},
        {"kind": "turn_completed", "turnId": "t", "stopReason": "end_turn", "usage": USAGE},
    )
    out = text_of(Transcript(view).take_finished(), width=40)
    assert max(len(line) for line in out.splitlines()) <= 40


def test_stable_length_respects_code_fences() -> None:
    assert stable_length("one") == 0
    assert stable_length("one\n\ntwo") == len("one\n\n")
    fenced = "intro\n\n```\ncode\n\nmore code\n"
    assert stable_length(fenced) == len("intro\n\n")  # the blank line inside the fence is no cut
    closed = fenced + "```\n\nafter"
    assert stable_length(closed) == len(fenced + "```\n\n")


def test_tail_reopens_a_fence() -> None:
    text = "para\n\n```python\n" + "\n".join(f"line{i}" for i in range(10))
    assert tail(text, 3) == "```python\nline7\nline8\nline9"
    assert tail("a\nb", 5) == "a\nb"


def test_diff_lines_numbers_and_stats() -> None:
    old = "".join(f"l{i}\n" for i in range(1, 11))
    new = old.replace("l2\n", "L2\n").replace("l9\n", "")
    lines = diff_lines(old, new, context=1)
    kinds = "".join(line.kind for line in lines)
    assert kinds == " -+ … - "
    assert diff_stats(lines) == (1, 2)
    assert [line.number for line in lines if line.kind == "-"] == [2, 9]


def test_sub_agent_calls_are_indented() -> None:
    task = {
        "toolCallId": "t",
        "toolName": "Task",
        "title": "Task",
        "kind": "other",
        "input": {"description": "Explore"},
    }
    child = {
        "toolCallId": "c",
        "toolName": "Glob",
        "title": "Glob",
        "kind": "read",
        "input": {"pattern": "**/*.py"},
        "parentToolCallId": "t",
    }
    view = view_with(
        {"kind": "turn_started", "turnId": "x"},
        {"kind": "tool_call", "toolCall": task},
        {"kind": "tool_call", "toolCall": child},
        {"kind": "tool_call_update", "toolCallId": "c", "status": "completed"},
        {"kind": "tool_call_update", "toolCallId": "t", "status": "completed"},
    )
    out = text_of(Transcript(view).take_finished())
    assert "● Task(Explore)\n\n    ● Glob(**/*.py)" in out
