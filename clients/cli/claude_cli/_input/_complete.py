"""Completion of slash commands (with descriptions) and ``@`` file mentions."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

_SLASH = re.compile(r"^/(\S*)$")
_MENTION = re.compile(r"(?:^|\s)@([^\s@]*)$")
MAX_FILE_RESULTS = 50


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A slash command as ``commands/list`` describes it."""

    name: str
    description: str = ""
    argument_hint: str = ""
    runs_in: str = "daemon"
    """``client`` for the commands the terminal client runs itself."""

    @classmethod
    def from_wire(cls, raw: Any) -> CommandInfo | None:
        """Read one command of ``commands/list``."""
        if isinstance(raw, str):
            return cls(raw.lstrip("/"))
        if not isinstance(raw, dict) or not raw.get("name"):
            return None
        hint = raw.get("argumentHint")
        if hint is None and isinstance(raw.get("input"), dict):
            hint = raw["input"].get("hint")  # the ACP shape of available commands
        return cls(
            name=str(raw["name"]).lstrip("/"),
            description=str(raw.get("description") or ""),
            argument_hint=str(hint or ""),
            runs_in=str(raw.get("runsIn") or "daemon"),
        )


def slash_query(text_before_cursor: str) -> str | None:
    """The partial command name when the cursor ends a lone ``/word``, else None."""
    match = _SLASH.match(text_before_cursor)
    return match.group(1) if match else None


def mention_query(text_before_cursor: str) -> str | None:
    """The partial path after an ``@`` that the cursor ends, else None."""
    match = _MENTION.search(text_before_cursor)
    return match.group(1) if match else None


def rank_commands(commands: Iterable[CommandInfo], query: str) -> list[CommandInfo]:
    """Commands starting with ``query`` first (alphabetically), then those containing it."""
    query = query.lower()
    starts = sorted((c for c in commands if c.name.lower().startswith(query)), key=lambda c: c.name)
    contains = sorted(
        (c for c in commands if len(query) > 1 and query in c.name.lower() and c not in starts),
        key=lambda c: c.name,
    )
    return starts + contains


def file_paths(result: Any) -> list[str]:
    """Paths from a ``files/search`` result, whatever list shape the daemon uses."""
    items: Any = result
    if isinstance(result, dict):
        for key in ("files", "results", "paths", "items", "matches"):
            if isinstance(result.get(key), list):
                items = result[key]
                break
    if not isinstance(items, list):
        return []
    paths = []
    for item in items:
        if isinstance(item, str):
            paths.append(item)
        elif isinstance(item, dict) and item.get("path"):
            path = str(item["path"])
            if item.get("isDirectory") or item.get("type") == "directory":
                path = path.rstrip("/") + "/"
            paths.append(path)
    return paths


class PromptCompleter(Completer):
    """Slash commands from a list; file mentions from an async search (``files/search``)."""

    def __init__(
        self,
        commands: Callable[[], list[CommandInfo]],
        search_files: Callable[[str], Awaitable[list[str]]] | None = None,
    ) -> None:
        self._commands = commands
        self._search_files = search_files

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        """Slash commands (synchronous: the list is already here)."""
        query = slash_query(document.text_before_cursor)
        if query is None:
            return
        for command in rank_commands(self._commands(), query):
            display = f"/{command.name}"
            if command.argument_hint:
                display += f" {command.argument_hint}"
            yield Completion(
                f"/{command.name}",
                start_position=-(len(query) + 1),
                display=display,
                display_meta=command.description,
            )

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        """Slash commands, or file paths for an ``@`` mention (asks the daemon)."""
        before = document.text_before_cursor
        if slash_query(before) is not None:
            for completion in self.get_completions(document, complete_event):
                yield completion
            return
        query = mention_query(before)
        if query is None or self._search_files is None:
            return
        try:
            paths = await self._search_files(query)
        except Exception:  # noqa: BLE001 - a failed search just offers nothing
            return
        for path in paths[:MAX_FILE_RESULTS]:
            yield Completion(f"@{path}", start_position=-(len(query) + 1), display=path)
