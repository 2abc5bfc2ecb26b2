"""A long, realistic scripted conversation for the compaction tests."""

from __future__ import annotations

from typing import Any

from claude_server.model import (
    ContentBlock,
    ImageBlock,
    Message,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
)

MODEL = "claude-sonnet-4-5"
"""A model with a known 200K window."""

PNG = {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo" + "A" * 4000}

LATEST_REQUEST: list[ContentBlock] = [
    TextBlock(text="Now refactor the parser in /repo/src/parser.py into smaller functions."),
    TextBlock(text="Keep the public API unchanged."),
]


def file_text(name: str, chars: int) -> str:
    """Something that looks like a source file, about ``chars`` characters long."""
    lines: list[str] = []
    size = 0
    n = 0
    while size < chars:
        line = f"def {name}_function_{n}(value: int) -> int:  # line {n} of {name}"
        lines.append(line)
        size += len(line) + 1
        n += 1
    return "\n".join(lines)


class Builder:
    """Appends alternating messages with unique tool ids."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._ids = 0

    def user(self, *blocks: ContentBlock | str) -> None:
        content = [TextBlock(text=b) if isinstance(b, str) else b for b in blocks]
        self.messages.append(Message(role="user", content=content))

    def assistant(self, *blocks: ContentBlock | str) -> None:
        content = [TextBlock(text=b) if isinstance(b, str) else b for b in blocks]
        self.messages.append(Message(role="assistant", content=content))

    def call(
        self,
        name: str,
        tool_input: dict[str, Any],
        result: str | list[dict[str, Any]],
        *,
        error: bool = False,
        text: str | None = None,
        thinking: str | None = None,
    ) -> str:
        """One tool exchange: an assistant tool_use, then the user's tool_result."""
        self._ids += 1
        tool_id = f"toolu_{self._ids:04d}"
        blocks: list[ContentBlock] = []
        if thinking is not None:
            blocks.append(ThinkingBlock(thinking=thinking, signature=f"sig{self._ids}"))
        if text is not None:
            blocks.append(TextBlock(text=text))
        blocks.append(ToolUseBlock(id=tool_id, name=name, input=tool_input))
        self.messages.append(Message(role="assistant", content=blocks))
        self.messages.append(
            Message(
                role="user",
                content=[
                    ToolResultBlock(tool_use_id=tool_id, content=result, is_error=error or None)
                ],
            )
        )
        return tool_id


def long_conversation(turns: int = 32, result_chars: int = 20_000) -> list[Message]:
    """``turns`` finished turns (each: read, edit, test run, answer) and a last, finished turn
    that answers :data:`LATEST_REQUEST`.
    """
    b = Builder()
    for t in range(turns):
        path = f"/repo/src/module_{t}.py"
        request = f"Request {t}: fix the off-by-one bug in module_{t}.py."
        if t == 1:
            request += " Always run the tests with pytest -q before you answer."
        if t == 5:
            request += "\nNever use print for debugging; prefer the logging module."
        if t == 8:
            b.user(request, ImageBlock(source=PNG))
        else:
            b.user(request)
        b.call(
            "Read",
            {"file_path": path},
            file_text(f"module_{t}", result_chars),
            text=f"Let me read {path}.",
            thinking=f"Turn {t}: the bug is probably in a loop bound.",
        )
        if t == 3:
            b.call(
                "TodoWrite",
                {
                    "todos": [
                        {"content": "Fix module_3", "status": "in_progress", "activeForm": "x"},
                        {
                            "content": "Write a regression test",
                            "status": "pending",
                            "activeForm": "x",
                        },
                    ]
                },
                "The task list was updated.",
            )
        if t == 10:
            b.call("Grep", {"pattern": "range\\(len", "path": "/repo/src"}, "/repo/src/a.py:3")
        if t == 12:
            b.call(
                "Read",
                {"file_path": "/repo/docs/diagram.png"},
                [{"type": "image", "source": PNG}, {"type": "text", "text": "An image, 4 KB."}],
            )
        if t == 14:
            b.call("Read", {"file_path": "/repo/missing.py"}, "File does not exist.", error=True)
        if t == 16:
            b.call(
                "AskUserQuestion",
                {"questions": [{"question": "Which logger?", "header": "Log", "options": []}]},
                'The user answered:\n- "Which logger?" → structlog\nCarry on with these answers.',
            )
        b.call(
            "Edit",
            {"file_path": path, "old_string": "range(n + 1)", "new_string": "range(n)"},
            f"The file {path} has been updated.",
        )
        failed = t % 7 == 6
        b.call(
            "Bash",
            {"command": f"pytest -q tests/test_module_{t}.py"},
            ("1 failed" if failed else "3 passed") + "\n" + "." * 3000,
            error=failed,
        )
        if t == 20:
            b.call(
                "TodoWrite",
                {
                    "todos": [
                        {"content": "Fix module_3", "status": "completed", "activeForm": "x"},
                        {
                            "content": "Write a regression test",
                            "status": "completed",
                            "activeForm": "x",
                        },
                        {"content": "Update the changelog", "status": "pending", "activeForm": "x"},
                    ]
                },
                "The task list was updated.",
            )
        b.assistant(f"Fixed the off-by-one bug in module_{t}.py; the tests pass.")
    b.user(*LATEST_REQUEST)
    b.call("Read", {"file_path": "/repo/src/parser.py"}, file_text("parser", 3000))
    b.assistant("I split the parser into three functions; the API is unchanged.")
    return b.messages


def latest_request_index(messages: list[Message]) -> int:
    """Where :data:`LATEST_REQUEST` sits in :func:`long_conversation`'s output."""
    return len(messages) - 4


def single_turn(
    exchanges: int = 20, result_chars: int = 8_000, thinking: bool = False
) -> list[Message]:
    """One request followed by a long tool loop, the turn finished."""
    b = Builder()
    b.user("Make every test in the repository pass.")
    for n in range(exchanges):
        b.call(
            "Bash",
            {"command": f"pytest -q tests/test_{n}.py"},
            file_text(f"out{n}", result_chars),
            thinking=f"step {n}" if thinking else None,
        )
    b.assistant("All tests pass now.")
    return b.messages
