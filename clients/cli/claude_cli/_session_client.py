"""A session's ``session/update`` stream turned into a view model: what there is to show.

No rendering and no I/O here: the renderer reads :class:`SessionView` and prints its entries.
Each entry is ``done`` once nothing can change it any more (text is done when something else
starts or the turn ends; a tool call when it completed or failed); finished entries go to the
terminal's scrollback in order, unfinished ones stay in the live region.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from claude_cli import _wire as wire


@dataclass(slots=True)
class TokenUsage:
    """Token counts, as the protocol's ``Usage``."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @classmethod
    def from_wire(cls, raw: Any) -> TokenUsage:
        """Read a wire ``Usage`` object (missing members count 0)."""
        raw = raw if isinstance(raw, dict) else {}
        return cls(
            input_tokens=int(raw.get("inputTokens") or 0),
            output_tokens=int(raw.get("outputTokens") or 0),
            cache_creation_input_tokens=int(raw.get("cacheCreationInputTokens") or 0),
            cache_read_input_tokens=int(raw.get("cacheReadInputTokens") or 0),
        )

    @property
    def all_input(self) -> int:
        """Input tokens including cache reads and writes."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens


@dataclass(eq=False, slots=True)
class Entry:
    """Something shown in the transcript."""

    done: bool = True


@dataclass(eq=False, slots=True)
class UserEntry(Entry):
    """The prompt that started a turn."""

    text: str = ""


@dataclass(eq=False, slots=True)
class TextEntry(Entry):
    """The assistant's answer text (Markdown), growing while it streams."""

    text: str = ""


@dataclass(eq=False, slots=True)
class ThoughtEntry(Entry):
    """Extended thinking, growing while it streams."""

    text: str = ""
    started: float = 0.0
    ended: float | None = None

    @property
    def seconds(self) -> float | None:
        """How long the model thought (unknown for replayed history)."""
        return None if self.ended is None or not self.started else self.ended - self.started


@dataclass(eq=False, slots=True)
class ToolEntry(Entry):
    """One tool call with its latest status and output."""

    tool_call_id: str = ""
    name: str = ""
    title: str = ""
    kind: str = "other"
    input: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"
    content: list[dict[str, Any]] = field(default_factory=list)
    progress: str | None = None
    parent_id: str | None = None
    permission: str | None = None
    """``allowed`` / ``rejected`` / ``cancelled`` once a permission question about it resolved."""
    permission_elsewhere: bool = False
    """The permission question was answered in another client (set by the app)."""
    interrupted: bool = False
    """The turn ended before the call finished."""


@dataclass(slots=True)
class PlanItem:
    """One task of the session's task list."""

    content: str
    status: str
    active_form: str = ""


@dataclass(eq=False, slots=True)
class PlanEntry(Entry):
    """The task list as it was when it changed."""

    items: list[PlanItem] = field(default_factory=list)


NoticeLevel = Literal["info", "retry", "error"]


@dataclass(eq=False, slots=True)
class NoticeEntry(Entry):
    """A one-line notice: a retry, an error, a model switch."""

    level: NoticeLevel = "info"
    text: str = ""


@dataclass(eq=False, slots=True)
class TurnEntry(Entry):
    """The end of a turn: why it stopped, what it cost, how long it took."""

    stop_reason: str = "end_turn"
    usage: TokenUsage = field(default_factory=TokenUsage)
    seconds: float | None = None
    model: str = ""


UpdateResult = Literal["applied", "duplicate", "gap"]


class SessionView:
    """The state of one session as this client knows it, built from its updates."""

    def __init__(
        self, session_id: str, cwd: str = "", model: str = "", mode: str = "default"
    ) -> None:
        self.session_id = session_id
        self.cwd = cwd
        self.model = model
        self.mode = mode
        self.entries: list[Entry] = []
        self.tools: dict[str, ToolEntry] = {}
        self.plan: list[PlanItem] = []
        self.last_seq = 0
        self.busy = False
        self.turn_started_at: float | None = None
        self.turn_usage = TokenUsage()
        self.total_usage = TokenUsage()
        self.turn_chars = 0
        """Characters of text and thinking streamed in this turn (for a token estimate)."""
        self.replaying = False
        """Set by the owner while attach replays history: no timings for replayed turns."""
        self.last_answer = ""
        """The assistant's text of the last turn (for /copy)."""
        self.version = 0
        """Bumped on every change, so a renderer can skip work when nothing changed."""
        self._answer_parts: list[str] = []

    # -- reading --------------------------------------------------------------------------------

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the running turn started (0 when idle)."""
        if self.turn_started_at is None:
            return 0.0
        return (time.monotonic() if now is None else now) - self.turn_started_at

    def output_tokens(self) -> int:
        """Output tokens of the running turn: reported, or estimated from the streamed text."""
        return max(self.turn_usage.output_tokens, self.turn_chars // 4)

    def current_task(self) -> PlanItem | None:
        """The task list's item in progress, if any."""
        return next((item for item in self.plan if item.status == "in_progress"), None)

    # -- applying updates -----------------------------------------------------------------------

    def apply(self, seq: int | None, update: dict[str, Any]) -> UpdateResult:
        """Apply one ``session/update``; ``seq`` None applies without ordering checks.

        An update already seen is ignored ("duplicate"); one after a gap is dropped ("gap") so
        the owner can re-attach with ``sinceSeq=last_seq`` and receive the missing ones in order.
        """
        if seq is not None:
            if seq <= self.last_seq:
                return "duplicate"
            if seq > self.last_seq + 1 and self.last_seq > 0:
                return "gap"
            self.last_seq = seq
        handler = _HANDLERS.get(str(update.get("kind")))
        if handler is not None:
            handler(self, update)
            self.version += 1
        return "applied"

    def _append(self, entry: Entry) -> None:
        self._finish_streams()
        self.entries.append(entry)

    def _finish_streams(self) -> None:
        # Text and thinking end when anything else begins.
        if self.entries:
            last = self.entries[-1]
            if isinstance(last, TextEntry | ThoughtEntry) and not last.done:
                last.done = True
                if isinstance(last, ThoughtEntry) and last.ended is None and not self.replaying:
                    last.ended = time.monotonic()

    def _on_turn_started(self, update: wire.TurnStartedUpdate) -> None:
        self.busy = True
        self.turn_started_at = None if self.replaying else time.monotonic()
        self.turn_usage = TokenUsage()
        self.turn_chars = 0
        self._answer_parts = []

    def _on_user_message(self, update: wire.UserMessageUpdate) -> None:
        self._append(UserEntry(text=str(update.get("text", ""))))

    def _on_text(self, update: wire.AgentMessageChunkUpdate) -> None:
        text = str(update.get("text", ""))
        self.turn_chars += len(text)
        self._answer_parts.append(text)
        last = self.entries[-1] if self.entries else None
        if isinstance(last, TextEntry) and not last.done:
            last.text += text
        else:
            self._append(TextEntry(done=False, text=text))

    def _on_thought(self, update: wire.AgentThoughtChunkUpdate) -> None:
        text = str(update.get("text", ""))
        self.turn_chars += len(text)
        last = self.entries[-1] if self.entries else None
        if isinstance(last, ThoughtEntry) and not last.done:
            last.text += text
        else:
            started = 0.0 if self.replaying else time.monotonic()
            self._append(ThoughtEntry(done=False, text=text, started=started))

    def _on_usage(self, update: wire.UsageUpdate) -> None:
        self.turn_usage = TokenUsage.from_wire(update.get("turn"))
        self.total_usage = TokenUsage.from_wire(update.get("total"))

    def _on_retrying(self, update: wire.RetryingUpdate) -> None:
        attempt, most = update.get("attempt", "?"), update.get("maxAttempts", "?")
        delay = float(update.get("delaySeconds") or 0)
        reason = str(update.get("reason", "")).strip() or "the request failed"
        text = f"{reason} · retrying in {delay:.1f}s (attempt {attempt}/{most})"
        self._append(NoticeEntry(level="retry", text=text))

    def _on_error(self, update: wire.ErrorUpdate) -> None:
        message = " ".join(str(update.get("message", "")).split()) or "unknown error"
        self._append(NoticeEntry(level="error", text=message))

    def _on_turn_completed(self, update: wire.TurnCompletedUpdate) -> None:
        self._finish_streams()
        for tool in self.tools.values():
            if not tool.done:
                tool.done = True
                tool.interrupted = True
        seconds = None if self.turn_started_at is None else self.elapsed()
        usage = TokenUsage.from_wire(update.get("usage"))
        entry = TurnEntry(
            stop_reason=str(update.get("stopReason", "end_turn")),
            usage=usage,
            seconds=seconds,
            model=self.model,
        )
        self.entries.append(entry)
        self.busy = False
        self.turn_started_at = None
        if self._answer_parts:
            self.last_answer = "".join(self._answer_parts)

    def _on_tool_call(self, update: wire.ToolCallUpdate) -> None:
        call = update["toolCall"]
        tool_id = str(call.get("toolCallId", ""))
        entry = ToolEntry(
            done=False,
            tool_call_id=tool_id,
            name=str(call.get("toolName", "")),
            title=str(call.get("title", "")),
            kind=str(call.get("kind", "other")),
            input=dict(call.get("input") or {}),
            status=str(update.get("status", "pending")),
            parent_id=call.get("parentToolCallId"),
        )
        self.tools[tool_id] = entry
        self._append(entry)

    def _on_tool_call_update(self, update: wire.ToolCallProgressUpdate) -> None:
        entry = self.tools.get(str(update.get("toolCallId", "")))
        if entry is None:
            return
        entry.status = str(update.get("status", entry.status))
        if update.get("content"):
            entry.content = [dict(c) for c in update["content"]]
        entry.progress = update.get("progress")
        if entry.status in ("completed", "failed"):
            entry.done = True

    def _on_plan(self, update: wire.PlanUpdate) -> None:
        self.plan = [
            PlanItem(
                content=str(item.get("content", "")),
                status=str(item.get("status", "pending")),
                active_form=str(item.get("activeForm", "")),
            )
            for item in update.get("entries") or []
        ]
        self._append(PlanEntry(items=list(self.plan)))

    def _on_mode_changed(self, update: wire.ModeChangedUpdate) -> None:
        self.mode = str(update.get("mode", self.mode))

    def _on_model_changed(self, update: wire.ModelChangedUpdate) -> None:
        self.model = str(update.get("model", self.model))
        self._append(NoticeEntry(level="info", text=f"Model set to {self.model}"))

    def _on_permission_resolved(self, update: wire.PermissionResolvedUpdate) -> None:
        entry = self.tools.get(str(update.get("toolCallId", "")))
        if entry is not None:
            entry.permission = str(update.get("outcome", ""))

    def _on_rewound(self, update: wire.ConversationRewoundUpdate) -> None:
        # Rewinds land on the start of a turn: drop from the first rewound prompt on.
        kept, dropped = int(update.get("keptMessages") or 0), int(update.get("droppedPrompts") or 0)
        prompts = [i for i, e in enumerate(self.entries) if isinstance(e, UserEntry)]
        if kept == 0:
            cut = 0
        elif dropped <= 0:
            return
        else:
            cut = prompts[-dropped] if dropped <= len(prompts) else 0
        for entry in self.entries[cut:]:
            if isinstance(entry, ToolEntry):
                self.tools.pop(entry.tool_call_id, None)
        del self.entries[cut:]
        self.last_answer = next(
            (e.text for e in reversed(self.entries) if isinstance(e, TextEntry)), ""
        )
        restored = update.get("restoredFiles") or []
        if restored:
            names = ", ".join(str(f) for f in restored)
            self._append(NoticeEntry(level="info", text=f"Restored {names}"))

    def _on_compaction(self, update: wire.CompactionUpdate) -> None:
        self._append(NoticeEntry(level="info", text="Conversation compacted"))


# Any: each handler takes its own kind's TypedDict; apply() picks it by ``kind``.
_HANDLERS: dict[str, Callable[[SessionView, Any], None]] = {
    "turn_started": SessionView._on_turn_started,
    "user_message": SessionView._on_user_message,
    "agent_message_chunk": SessionView._on_text,
    "agent_thought_chunk": SessionView._on_thought,
    "usage_update": SessionView._on_usage,
    "retrying": SessionView._on_retrying,
    "error": SessionView._on_error,
    "turn_completed": SessionView._on_turn_completed,
    "tool_call": SessionView._on_tool_call,
    "tool_call_update": SessionView._on_tool_call_update,
    "plan": SessionView._on_plan,
    "mode_changed": SessionView._on_mode_changed,
    "model_changed": SessionView._on_model_changed,
    "permission_resolved": SessionView._on_permission_resolved,
    "conversation_rewound": SessionView._on_rewound,
    "compaction": SessionView._on_compaction,
}
