"""The lines of a session file: how each record is written and how a file is read back.

A session file is JSON Lines, one compact object per line, ``type`` first, appended and never
rewritten. The first line is ``meta``; then, in the order things happened:

- ``event``: ``{"seq": N, "kind": ..., "data": {<fields>}}``, one per session event;
- ``message``: ``{"message": {"role", "content"}}`` in the API's shape (assistant messages also
  carry ``messageId``, ``model``, ``stopReason``, ``usage``). A message with the same role as the
  one before it extends that one, as the API itself would merge them;
- ``title``: ``{"title": ...}`` (otherwise the title comes from the first prompt);
- ``rewind``: ``{"messages": N, "events": S?, "restoredFiles": [...]}``: the conversation is cut
  back to its first N messages; the replay keeps events up to seq S (by default, those recorded
  before message N+1, less a turn left open);
- ``compaction``: ``{"replaces": K, "summary": {message}, "trigger": ..., ...}``: the first K
  messages give way to the summary.

Reading is forgiving: a damaged line is skipped with a warning; only an unreadable meta line
(the file is not a session) is an error.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from claude_server.errors import SessionError
from claude_server.model import (
    AssistantMessage,
    Message,
    ModeChangedEvent,
    ModelChangedEvent,
    SessionEvent,
    TurnCompletedEvent,
    TurnStartedEvent,
)
from claude_server.sessions._codec import CodecError, decode_event, encode_event
from claude_server.sessions._fs import iso, parse_iso
from claude_server.sessions._title import UNTITLED, derive_title
from claude_server.sessions._types import LoadedSession, SessionMeta

FORMAT_VERSION = 1
"""The version written in new files' meta line."""

FIRST_PROMPT_KEEP = 500
"""How much of the first prompt the listing index keeps (enough to derive a title)."""


# -- writing --------------------------------------------------------------------------------


def meta_record(meta: SessionMeta) -> dict[str, Any]:
    """The ``meta`` line of a new file."""
    record: dict[str, Any] = {
        "type": "meta",
        "version": meta.version,
        "sessionId": meta.session_id,
        "cwd": meta.cwd,
        "createdAt": iso(meta.created_at),
        "model": meta.model,
        "mode": meta.mode,
    }
    if meta.forked_from is not None:
        record["forkedFrom"] = meta.forked_from
    for key, value in meta.extra.items():
        record.setdefault(key, value)
    return record


def event_record(seq: int, event: SessionEvent) -> dict[str, Any]:
    """An ``event`` line."""
    return {"type": "event", "seq": seq, **encode_event(event)}


def message_record(message: Message) -> dict[str, Any]:
    """A ``message`` line; an :class:`AssistantMessage` keeps its id, model and usage."""
    record: dict[str, Any] = {"type": "message", "message": message.to_api()}
    if isinstance(message, AssistantMessage):
        if message.id:
            record["messageId"] = message.id
        if message.model:
            record["model"] = message.model
        if message.stop_reason is not None:
            record["stopReason"] = message.stop_reason
        record["usage"] = message.usage.model_dump(mode="json")
    return record


def title_record(title: str) -> dict[str, Any]:
    """A ``title`` line."""
    return {"type": "title", "title": title}


def rewind_record(
    keep_messages: int, keep_events: int | None, restored_files: list[str]
) -> dict[str, Any]:
    """A ``rewind`` line."""
    record: dict[str, Any] = {"type": "rewind", "messages": keep_messages}
    if keep_events is not None:
        record["events"] = keep_events
    if restored_files:
        record["restoredFiles"] = restored_files
    return record


def compaction_record(
    summary: Message, replaces: int, trigger: str, details: dict[str, Any]
) -> dict[str, Any]:
    """A ``compaction`` line; ``details`` (token counts, ...) are stored alongside."""
    record: dict[str, Any] = {
        "type": "compaction",
        "replaces": replaces,
        "summary": summary.to_api(),
        "trigger": trigger,
    }
    for key, value in details.items():
        record.setdefault(key, value)
    return record


# -- reading --------------------------------------------------------------------------------


def loads(line: bytes) -> Any:
    """One JSON value; ValueError if ``line`` is not JSON.

    pydantic-core's parser is about twice as fast as ``json`` on session lines; it refuses
    escaped lone surrogates (which :func:`dumps_line` may write), so those go to ``json``.
    """
    try:
        return from_json(line)
    except ValueError:
        return json.loads(line)


def parse_meta(line: bytes, where: str) -> SessionMeta:
    """The meta line, or :class:`SessionError` when the file is not a readable session."""
    try:
        data = loads(line)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("type") != "meta":
        raise SessionError(f"{where} is not a claude-py session: its first line is unreadable")
    session_id, cwd = data.get("sessionId"), data.get("cwd")
    if not isinstance(session_id, str) or not isinstance(cwd, str):
        raise SessionError(f"{where}: the meta line lacks sessionId or cwd")
    known = {"type", "version", "sessionId", "cwd", "createdAt", "model", "mode", "forkedFrom"}
    forked = data.get("forkedFrom")
    version = data.get("version")
    return SessionMeta(
        session_id=session_id,
        cwd=cwd,
        created_at=parse_iso(data.get("createdAt")) or datetime.fromtimestamp(0, UTC),
        model=str(data.get("model") or ""),
        mode=str(data.get("mode") or "default"),
        version=version if isinstance(version, int) else FORMAT_VERSION,
        forked_from=forked if isinstance(forked, dict) else None,
        extra={k: v for k, v in data.items() if k not in known},
    )


def raw_message(value: Any) -> dict[str, Any]:
    """A stored message as ``{"role", "content": [blocks]}``; ValueError if it is not one."""
    if not isinstance(value, dict):
        raise ValueError("a message must be an object")
    role = value.get("role")
    if role not in ("user", "assistant"):
        raise ValueError(f"unknown message role {role!r}")
    content = value.get("content")
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise ValueError("message content must be a list of blocks")
    return {"role": role, "content": content}


def first_text(raw: dict[str, Any]) -> str | None:
    """The text of a user message's text blocks (``None`` for tool results only)."""
    texts = [
        b["text"]
        for b in raw["content"]
        if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
    ]
    joined = "\n".join(texts).strip()
    return joined or None


class Conversation:
    """Messages (raw API dicts) and replay events as the records of a file build them up."""

    def __init__(self) -> None:
        self.raw: list[dict[str, Any]] = []
        self.marks: list[int] = []
        self.events: list[tuple[int, SessionEvent]] = []

    def add_event(self, seq: int, event: SessionEvent) -> None:
        """An event recorded now."""
        self.events.append((seq, event))

    def add_message(self, message: dict[str, Any], mark: int | None = None) -> None:
        """A message recorded now; one with the previous message's role extends it."""
        if self.raw and self.raw[-1]["role"] == message["role"]:
            last = self.raw[-1]
            # New dict, not an in-place extend: a summary's dict may be shared with a record.
            self.raw[-1] = {
                "role": last["role"],
                "content": [*last["content"], *message["content"]],
            }
            return
        self.raw.append(message)
        self.marks.append(len(self.events) if mark is None else mark)

    def rewind(self, keep: int, keep_events: int | None) -> None:
        """Cut back to ``keep`` messages, and the replay to match."""
        keep = max(0, min(keep, len(self.raw)))
        if keep_events is not None:
            self.events = [pair for pair in self.events if pair[0] <= keep_events]
        elif keep < len(self.raw):
            self.events = close_open_turn(self.events[: self.marks[keep]])
        del self.raw[keep:]
        del self.marks[keep:]

    def compact(self, replaces: int, summary: dict[str, Any]) -> None:
        """Let ``summary`` stand for the first ``replaces`` messages."""
        replaces = max(0, min(replaces, len(self.raw)))
        rest = list(zip(self.raw[replaces:], self.marks[replaces:], strict=True))
        self.raw, self.marks = [summary], [0]
        for message, mark in rest:
            self.add_message(message, mark)


def close_open_turn(events: list[tuple[int, SessionEvent]]) -> list[tuple[int, SessionEvent]]:
    """``events`` without a trailing turn that never completed."""
    # Events recorded before the first dropped message may include the start of the turn that
    # produced it (the prompt is reported before it is stored); a replay should not show half a
    # turn, so drop a trailing turn that never completed.
    for index in range(len(events) - 1, -1, -1):
        event = events[index][1]
        if isinstance(event, TurnCompletedEvent):
            return events
        if isinstance(event, TurnStartedEvent):
            return events[:index]
    return events


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    # Parsing allocates hundreds of thousands of small objects that all stay alive; the cyclic
    # collector would rescan them again and again for nothing (it halves load time to pause it).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_session(data: bytes, where: str, path: Path | None = None) -> LoadedSession:
    """Read a whole session file's bytes; see the module docstring for what is skipped."""
    with _gc_paused():
        return _parse_session(data, where, path)


def _parse_session(data: bytes, where: str, path: Path | None) -> LoadedSession:
    lines = data.split(b"\n")
    tail = lines.pop()  # what follows the last newline: b"" unless a write was cut short
    warnings: list[str] = []
    if tail.strip():
        try:
            loads(tail)
        except ValueError:
            warnings.append(
                f"skipped a torn last line ({len(tail)} bytes) left by an interrupted write"
            )
        else:
            lines.append(tail)  # complete but for its newline: the record itself is whole
    if not lines:
        raise SessionError(f"{where} is empty or its first line is incomplete")
    meta = parse_meta(lines[0], where)
    conversation = Conversation()
    title: str | None = None
    first_prompt: str | None = None
    model, mode = meta.model, meta.mode
    last_seq = 0
    compactions: list[dict[str, Any]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            record = loads(line)
        except ValueError:
            warnings.append(f"line {number} is not valid JSON; skipped")
            continue
        if not isinstance(record, dict):
            warnings.append(f"line {number} is not a record; skipped")
            continue
        kind = record.get("type")
        try:
            if kind == "event":
                seq = record["seq"]
                if not isinstance(seq, int) or isinstance(seq, bool):
                    raise ValueError("seq must be an integer")
                event = decode_event(record)
                if seq <= last_seq:
                    raise ValueError(f"event seq {seq} does not follow {last_seq}")
                last_seq = seq
                conversation.add_event(seq, event)
                if isinstance(event, ModeChangedEvent):
                    mode = event.mode
                elif isinstance(event, ModelChangedEvent):
                    model = event.model
            elif kind == "message":
                message = raw_message(record["message"])
                if first_prompt is None and message["role"] == "user":
                    first_prompt = first_text(message)
                conversation.add_message(message)
            elif kind == "title":
                if not isinstance(record["title"], str):
                    raise ValueError("title must be a string")
                title = record["title"]
            elif kind == "rewind":
                conversation.rewind(_int(record["messages"]), _opt_int(record.get("events")))
            elif kind == "compaction":
                summary = raw_message(record["summary"])
                conversation.compact(_int(record["replaces"]), summary)
                compactions.append({k: v for k, v in record.items() if k != "summary"})
            else:
                warnings.append(f"line {number} has an unknown record type {kind!r}; skipped")
        except (KeyError, TypeError, ValueError, CodecError) as exc:
            warnings.append(f"line {number} ({kind}) could not be read: {exc}; skipped")
    messages, kept = _validate(conversation.raw, warnings)
    return LoadedSession(
        meta=meta,
        messages=messages,
        events=conversation.events,
        title=title or (derive_title(first_prompt) if first_prompt else UNTITLED),
        model=model,
        mode=mode,
        last_seq=last_seq,
        event_marks=[conversation.marks[i] for i in kept],
        warnings=warnings,
        path=path,
        compactions=compactions,
    )


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"expected a count, got {value!r}")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _validate(raw: list[dict[str, Any]], warnings: list[str]) -> tuple[list[Message], list[int]]:
    messages: list[Message] = []
    kept: list[int] = []
    for index, item in enumerate(raw):
        try:
            messages.append(Message.model_validate(item))
            kept.append(index)
        except ValidationError as exc:
            # Rare (a block the model layer rejects); keep the rest of the conversation.
            first = exc.errors()[0]["msg"] if exc.errors() else str(exc)
            warnings.append(f"message {index + 1} could not be read ({first}); dropped")
    return messages, kept
