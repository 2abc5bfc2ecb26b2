"""Session memory: the facts worth keeping when older messages are discarded.

Extraction is mechanical and deterministic (no model call), so it cannot hallucinate and costs
nothing; the model-written summary covers what needs judgement. What is collected, and why:

- files modified (``Write``, ``Edit``, ``MultiEdit``, ``NotebookEdit``) and files read
  (``Read``): what the work touched, the first thing needed to pick it up again;
- searches (``Glob``, ``Grep``: pattern and path) and commands run (``Bash``, first line;
  marked when their latest run failed): how the project was explored and checked;
- the task list, as the last ``TodoWrite`` left it: the open tasks;
- user requests: the first line of every user message, oldest first: the goals in the user's
  own words;
- user preferences and instructions: sentences of user messages with words that state a
  standing rule ("always", "never", "prefer", "don't", "do not", "avoid", "instead of",
  "from now on", "make sure"), because those must outlive the request they came with;
- decisions: the user's answers to ``AskUserQuestion`` and approved ``ExitPlanMode`` plans,
  the only places where a choice is recorded explicitly.

Tool names are matched case-insensitively without ``_`` and ``-``, so the seed's snake_case
aliases (``file_edit``...) count too. A tool call whose result is an error does not count as a
file touched. Text that compaction itself wrote (an earlier summary) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from claude_server.compaction._conversation import is_user_request
from claude_server.compaction._markers import MEMORY_HEADER, is_compaction_text
from claude_server.model import Message, TextBlock, ToolResultBlock, ToolUseBlock

__all__ = ["SessionMemory", "extract_memory"]

_LIMITS: Final = {
    "files_modified": 200,
    "files_read": 200,
    "searches": 30,
    "commands": 40,
    "requests": 30,
    "preferences": 30,
    "decisions": 30,
}
"""At most this many entries per list are kept (the most recent), so memory stays small."""

_FIRST_REQUESTS: Final = 5
"""How many of the oldest requests survive the cap: the session's original goal."""

_LINE_CHARS: Final = 200
_SENTENCE_CHARS: Final = 300

_KINDS: Final = {
    "read": "read",
    "fileread": "read",
    "readfile": "read",
    "write": "write",
    "filewrite": "write",
    "writefile": "write",
    "edit": "write",
    "fileedit": "write",
    "editfile": "write",
    "multiedit": "write",
    "notebookedit": "write",
    "glob": "search",
    "grep": "search",
    "bash": "bash",
    "todowrite": "todo",
    "askuserquestion": "ask",
    "exitplanmode": "plan",
}

_PREFERENCE: Final = re.compile(
    r"\b(always|never|prefer|preferably|don['’]?t|do not|avoid|instead of|from now on|make sure)\b",
    re.IGNORECASE,
)
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class SessionMemory:
    """Facts extracted from a conversation; every list is oldest first, without repeats."""

    files_modified: tuple[str, ...] = ()
    files_read: tuple[str, ...] = ()
    """Files read and not modified."""
    searches: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    failed_commands: tuple[str, ...] = ()
    """The commands among ``commands`` whose latest run failed."""
    todos: tuple[tuple[str, str], ...] | None = None
    """The task list as ``(content, status)`` pairs; ``None`` when none was ever written."""
    requests: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all was collected."""
        return self.todos is None and not any(getattr(self, name) for name in _LIMITS)

    @property
    def open_tasks(self) -> tuple[str, ...]:
        """The task list's entries not completed yet."""
        return tuple(content for content, status in self.todos or () if status != "completed")

    def merge(self, newer: SessionMemory) -> SessionMemory:
        """This memory updated with ``newer`` (extracted later): lists united, newest last."""
        lists = {name: _ordered(getattr(self, name), getattr(newer, name)) for name in _LIMITS}
        failed = {c for c in self.failed_commands if c not in newer.commands}
        failed.update(newer.failed_commands)
        return _finish(
            lists,
            failed=failed,
            todos=newer.todos if newer.todos is not None else self.todos,
        )

    def render(self) -> str:
        """The memory as Markdown for the model to read ("" when empty)."""
        if self.is_empty:
            return ""
        out = [
            MEMORY_HEADER,
            "",
            "Facts collected from the conversation before it was compacted, oldest first.",
        ]

        def section(title: str, items: Iterable[str]) -> None:
            lines = list(items)
            if lines:
                out.extend(["", f"### {title}", *lines])

        failed = set(self.failed_commands)
        section("Files modified", (f"- `{p}`" for p in self.files_modified))
        section("Files read", (f"- `{p}`" for p in self.files_read))
        section("Searches", (f"- {s}" for s in self.searches))
        section(
            "Commands run",
            (f"- `{c}`" + (" (failed)" if c in failed else "") for c in self.commands),
        )
        if self.todos is not None:
            section("Task list", [_todo_line(c, s) for c, s in self.todos] or ["- (empty)"])
        section("User requests", (f"- {r}" for r in self.requests))
        section("User preferences and instructions", (f"- {p}" for p in self.preferences))
        section("Decisions", (f"- {d}" for d in self.decisions))
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """The memory as JSON values (for a session record)."""
        data: dict[str, Any] = {name: list(getattr(self, name)) for name in _LIMITS}
        data["failed_commands"] = list(self.failed_commands)
        data["todos"] = (
            None if self.todos is None else [{"content": c, "status": s} for c, s in self.todos]
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionMemory:
        """A memory read back from :meth:`to_dict`'s output; malformed parts are ignored."""
        lists = {name: _strings(data.get(name)) for name in _LIMITS}
        raw_todos = data.get("todos")
        todos = _todos(raw_todos) if isinstance(raw_todos, list) else None
        return _finish(lists, failed=set(_strings(data.get("failed_commands"))), todos=todos)


def _todo_line(content: str, status: str) -> str:
    if status == "completed":
        return f"- [x] {content}"
    suffix = " (in progress)" if status == "in_progress" else ""
    return f"- [ ] {content}{suffix}"


def _ordered(*groups: Iterable[str]) -> list[str]:
    """The items of ``groups`` without repeats, each at its last position."""
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.pop(item, None)
            seen[item] = None
    return list(seen)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _todos(value: Any) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("content"), str):
            status = item.get("status")
            out.append((item["content"], status if isinstance(status, str) else "pending"))
    return tuple(out)


def _finish(
    lists: dict[str, list[str]], *, failed: set[str], todos: tuple[tuple[str, str], ...] | None
) -> SessionMemory:
    modified = set(lists["files_modified"])
    lists["files_read"] = [p for p in lists["files_read"] if p not in modified]
    capped = {name: _cap(items, _LIMITS[name], name) for name, items in lists.items()}
    return SessionMemory(
        files_modified=capped["files_modified"],
        files_read=capped["files_read"],
        searches=capped["searches"],
        commands=capped["commands"],
        failed_commands=tuple(c for c in capped["commands"] if c in failed),
        todos=todos,
        requests=capped["requests"],
        preferences=capped["preferences"],
        decisions=capped["decisions"],
    )


def _cap(items: list[str], limit: int, name: str) -> tuple[str, ...]:
    """The last ``limit`` items; for requests, the first few too (they state the goal)."""
    if len(items) <= limit:
        return tuple(items)
    first = _FIRST_REQUESTS if name == "requests" else 0
    return (*items[:first], *items[len(items) - (limit - first) :])


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return _clip(line, _LINE_CHARS)
    return ""


def _result_text(result: ToolResultBlock) -> str:
    if isinstance(result.content, str):
        return result.content
    return "\n".join(
        p["text"]
        for p in result.content
        if p.get("type") == "text" and isinstance(p.get("text"), str)
    )


def _user_texts(message: Message) -> list[str]:
    return [
        b.text
        for b in message.content
        if isinstance(b, TextBlock)
        and b.text.strip()
        and not is_compaction_text(b.text)
        and not b.text.lstrip().startswith("<system-reminder>")
    ]


def extract_memory(messages: Sequence[Message]) -> SessionMemory:
    """The :class:`SessionMemory` of ``messages`` (see the module docstring for what counts)."""
    results: dict[str, ToolResultBlock] = {}
    for message in messages:
        if message.role == "user":
            for block in message.content:
                if isinstance(block, ToolResultBlock):
                    results[block.tool_use_id] = block
    lists: dict[str, list[str]] = {name: [] for name in _LIMITS}
    failed: set[str] = set()
    todos: tuple[tuple[str, str], ...] | None = None
    for message in messages:
        if message.role == "user":
            if is_user_request(message):
                _collect_user(message, lists)
            continue
        for block in message.content:
            if isinstance(block, ToolUseBlock):
                result = results.get(block.id)
                new_todos = _collect_tool(block, result, lists, failed)
                if new_todos is not None:
                    todos = new_todos
    ordered = {name: _ordered(items) for name, items in lists.items()}
    return _finish(ordered, failed=failed, todos=todos)


def _collect_user(message: Message, lists: dict[str, list[str]]) -> None:
    texts = _user_texts(message)
    if not texts:
        return
    line = _first_line("\n".join(texts))
    if line:
        lists["requests"].append(line)
    for text in texts:
        for raw_line in text.splitlines():
            for sentence in _SENTENCE_END.split(raw_line.strip().lstrip("-*• ").strip()):
                if sentence and _PREFERENCE.search(sentence):
                    lists["preferences"].append(_clip(sentence, _SENTENCE_CHARS))


def _collect_tool(
    block: ToolUseBlock,
    result: ToolResultBlock | None,
    lists: dict[str, list[str]],
    failed: set[str],
) -> tuple[tuple[str, str], ...] | None:
    """Record one tool call; returns the new task list when the call wrote one."""
    kind = _KINDS.get(block.name.replace("_", "").replace("-", "").lower())
    data = block.input
    error = result is not None and bool(result.is_error)
    if kind == "read" or kind == "write":
        path = data.get("file_path") or data.get("notebook_path") or data.get("path")
        if isinstance(path, str) and path and not error:
            lists["files_read" if kind == "read" else "files_modified"].append(path)
    elif kind == "search":
        pattern = data.get("pattern")
        if isinstance(pattern, str) and pattern:
            where = data.get("path")
            suffix = f" in `{where}`" if isinstance(where, str) and where else ""
            lists["searches"].append(f"{block.name} `{_clip(pattern, _LINE_CHARS)}`{suffix}")
    elif kind == "bash":
        command = data.get("command")
        if isinstance(command, str) and command.strip():
            line = _first_line(command)
            lists["commands"].append(line)
            if error:
                failed.add(line)
            else:
                failed.discard(line)
    elif kind == "todo" and not error:
        raw = data.get("todos")
        if isinstance(raw, list):
            return _todos(raw)
    elif kind == "ask" and result is not None and not error:
        text = _result_text(result)
        answers = [ln.strip()[2:] for ln in text.splitlines() if ln.strip().startswith("- ")]
        lists["decisions"].extend(_clip(a, _SENTENCE_CHARS) for a in answers or [text] if a)
    elif kind == "plan" and result is not None and not error:
        plan = data.get("plan")
        verdict = _result_text(result)[:200].lower()
        if isinstance(plan, str) and "approved" in verdict and "not approve" not in verdict:
            lists["decisions"].append(f"Approved plan: {_first_line(plan)}")
    return None
