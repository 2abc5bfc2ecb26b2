"""Watching a turn closer than its session events show: the model's raw stream, each request,
the tool results the model is given, and the calls that were refused.

The session events (``claude_server.model``) are what every client draws; an edge that must
reproduce another program's wire (Claude Code's ``stream-json``) needs these finer facts, and
subscribes a :class:`TurnObserver` for the length of its run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from claude_server.model import StreamEvent, ToolResultBlock, ToolUseBlock

DenialSource = Literal["rule", "hook", "user", "nobody"]
"""Who refused a call: a deny rule, a hook, a person's answer, or no one could be asked."""


class TurnObserver(Protocol):
    """Told what happens inside a turn, as it happens; must not block or raise."""

    def requesting(self, parent_tool_call_id: str | None) -> None:
        """A request to the model is about to be sent."""
        ...

    def stream(self, event: StreamEvent, parent_tool_call_id: str | None) -> None:
        """One event of the model's response stream."""
        ...

    def tool_results(
        self, results: Sequence[ToolResultBlock], parent_tool_call_id: str | None
    ) -> None:
        """The results of one response's tool calls, as the model will see them."""
        ...

    def denied(self, call: ToolUseBlock, message: str, source: DenialSource) -> None:
        """A tool call was refused before it ran."""
        ...


class Observers:
    """The observers of one session; itself a :class:`TurnObserver` that tells each of them."""

    def __init__(self) -> None:
        self._observers: list[TurnObserver] = []

    def add(self, observer: TurnObserver) -> Callable[[], None]:
        """Start telling ``observer``; returns the function that stops it."""
        self._observers.append(observer)

        def remove() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return remove

    def requesting(self, parent_tool_call_id: str | None) -> None:
        """Tell every observer."""
        for observer in self._observers:
            observer.requesting(parent_tool_call_id)

    def stream(self, event: StreamEvent, parent_tool_call_id: str | None) -> None:
        """Tell every observer."""
        for observer in self._observers:
            observer.stream(event, parent_tool_call_id)

    def tool_results(
        self, results: Sequence[ToolResultBlock], parent_tool_call_id: str | None
    ) -> None:
        """Tell every observer."""
        for observer in self._observers:
            observer.tool_results(results, parent_tool_call_id)

    def denied(self, call: ToolUseBlock, message: str, source: DenialSource) -> None:
        """Tell every observer."""
        for observer in self._observers:
            observer.denied(call, message, source)
