"""Claude Code's own transcripts, listed and loaded read-only.

Claude Code keeps each session in ``~/.claude/projects/<encoded cwd>/<session id>.jsonl``
(``$CLAUDE_CONFIG_DIR`` replaces ``~/.claude``). Each line is a record; those of type ``user``
and ``assistant`` carry a ``message`` in the API's shape. How they become our conversation:

- only ``user``/``assistant`` records count; ``progress``, ``system``, ``summary``,
  ``file-history-snapshot`` and the like are metadata; sub-agent records (``isSidechain``) and
  Claude Code's own error notices (``isApiErrorMessage``) are skipped. Meta user records
  (command caveats, expanded commands) are kept: the model saw them.
- records form a tree through ``parentUuid``; a rewind in Claude Code leaves the abandoned branch
  in the file. We follow the chain from the newest record back to the root, plus the records the
  chain leaves out only because parallel tool calls fork it (the other ``tool_use`` records of the
  same API message, and the results of those calls).
- Claude Code writes one record per content block, and with tools streaming, a call's result can
  land between two blocks of the same assistant message. Records of one assistant message
  (same ``message.id``) are joined, and consecutive user records too, so roles alternate.
- the result is made API-valid with :func:`repair_conversation` and given a synthesized replay.

The title is Claude Code's (a ``custom-title`` or ``summary`` record) or the first prompt.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from claude_server.errors import SessionError, SessionNotFoundError
from claude_server.model import Message
from claude_server.sessions._fs import from_timestamp, parse_iso, valid_session_id
from claude_server.sessions._replay import repair_conversation, synthesize_events
from claude_server.sessions._title import UNTITLED, derive_title
from claude_server.sessions._types import LoadedSession, SessionMeta, SessionPage, SessionSummary

log = logging.getLogger(__name__)

_LOCAL_MARKUP = ("<local-command-", "<command-name>", "<command-message>", "<bash-")
_INTERRUPTED = "[Request interrupted"


@dataclass(slots=True)
class _Transcript:
    """A transcript reduced to raw conversation messages and what describes it."""

    session_id: str
    cwd: str
    raw: list[dict[str, Any]]
    title: str
    created_at: datetime
    model: str
    mode: str
    version: str
    warnings: list[str] = field(default_factory=list)


class ClaudeCodeTranscripts:
    """Claude Code's saved sessions under ``<config dir>/projects``, as read-only sources.

    Summaries are cached per file (size and mtime), so listing again costs a ``stat`` per file.
    """

    def __init__(self, config_dir: Path) -> None:
        self._projects = config_dir / "projects"
        self._cache: dict[Path, tuple[int, int, SessionSummary | None]] = {}

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, home: Path | None = None
    ) -> ClaudeCodeTranscripts:
        """The transcripts of ``$CLAUDE_CONFIG_DIR`` or ``~/.claude``."""
        env = os.environ if env is None else env
        configured = env.get("CLAUDE_CONFIG_DIR", "").strip()
        if configured:
            return cls(Path(configured).expanduser())
        if home is None:
            home = Path(env["HOME"]) if env.get("HOME") else Path.home()
        return cls(home / ".claude")

    @property
    def projects_dir(self) -> Path:
        """The folder Claude Code keeps its transcripts in."""
        return self._projects

    def _files(self) -> list[Path]:
        try:
            projects = [Path(p.path) for p in os.scandir(self._projects) if p.is_dir()]
        except FileNotFoundError:
            return []
        files: list[Path] = []
        for project in projects:
            try:
                items = list(os.scandir(project))
            except OSError:
                continue
            for item in items:
                stem = item.name.removesuffix(".jsonl")
                # agent-*.jsonl are sub-agent conversations of older Claude Code versions.
                if (
                    item.name.endswith(".jsonl")
                    and not stem.startswith("agent-")
                    and valid_session_id(stem)
                    and item.is_file()
                ):
                    files.append(Path(item.path))
        return files

    def find(self, session_id: str) -> Path | None:
        """The transcript file of a session id, if Claude Code has one."""
        if not valid_session_id(session_id):
            return None
        for path in self._files():
            if path.stem == session_id:
                return path
        return None

    def list(
        self, cwd: str | None = None, *, limit: int = 50, cursor: str | None = None
    ) -> SessionPage:
        """Claude Code's sessions, most recently active first (``cursor``: a session id)."""
        summaries = [s for s in (self._summary(p) for p in self._files()) if s is not None]
        if cwd is not None:
            wanted = os.path.normpath(cwd)
            summaries = [s for s in summaries if os.path.normpath(s.cwd) == wanted]
        summaries.sort(key=lambda s: (-s.updated_at.timestamp(), s.session_id))
        start = 0
        if cursor is not None:
            ids = [s.session_id for s in summaries]
            start = ids.index(cursor) + 1 if cursor in ids else len(ids)
        page = summaries[start : start + limit]
        more = start + limit < len(summaries)
        return SessionPage(page, page[-1].session_id if more and page else None)

    def _summary(self, path: Path) -> SessionSummary | None:
        try:
            st = path.stat()
        except OSError:
            return None
        cached = self._cache.get(path)
        if cached is not None and cached[:2] == (st.st_size, st.st_mtime_ns):
            return cached[2]
        summary: SessionSummary | None = None
        try:
            transcript = _read(path)
        except (OSError, SessionError) as exc:
            log.debug("skipping Claude Code transcript %s: %s", path, exc)
        else:
            if transcript.raw:
                summary = SessionSummary(
                    session_id=transcript.session_id,
                    title=transcript.title,
                    cwd=transcript.cwd,
                    created_at=transcript.created_at,
                    updated_at=from_timestamp(st.st_mtime),
                    message_count=len(transcript.raw),
                    model=transcript.model,
                    source="claude-code",
                    read_only=True,
                )
        self._cache[path] = (st.st_size, st.st_mtime_ns, summary)
        return summary

    def load(self, session_id: str) -> LoadedSession:
        """A Claude Code session as our conversation, read-only (import it to resume it)."""
        path = self.find(session_id)
        if path is None:
            raise SessionNotFoundError(f"Claude Code has no session with the id {session_id!r}")
        return load_transcript(path)


def load_transcript(path: Path) -> LoadedSession:
    """Convert one Claude Code transcript file (see the module docstring)."""
    try:
        transcript = _read(path)
    except OSError as exc:
        raise SessionError(f"could not read {path}: {exc.strerror}") from exc
    messages: list[Message] = []
    for index, raw in enumerate(transcript.raw):
        try:
            messages.append(Message.model_validate(raw))
        except ValidationError:
            transcript.warnings.append(f"message {index + 1} could not be read; dropped")
    messages = repair_conversation(messages)
    events, marks = synthesize_events(messages)
    meta = SessionMeta(
        session_id=transcript.session_id,
        cwd=transcript.cwd,
        created_at=transcript.created_at,
        model=transcript.model,
        # Like Claude Code's own resume: an imported conversation starts in default mode, so a
        # transcript (perhaps from elsewhere) cannot bring bypassPermissions along.
        mode="default",
        extra=_extra(transcript),
    )
    return LoadedSession(
        meta=meta,
        messages=messages,
        events=events,
        title=transcript.title,
        model=transcript.model,
        mode="default",
        last_seq=len(events),
        event_marks=marks,
        warnings=transcript.warnings,
        path=path,
        source="claude-code",
        read_only=True,
    )


def _read(path: Path) -> _Transcript:
    records: list[dict[str, Any]] = []
    warnings: list[str] = []
    lines = path.read_bytes().split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            last = number == len(lines)
            warnings.append(
                "skipped a torn last line" if last else f"line {number} is not valid JSON; skipped"
            )
            continue
        if isinstance(record, dict):
            records.append(record)
    conversation = [r for r in records if _is_conversation(r)]
    chosen = _main_branch(records, conversation)
    raw = _merge(chosen)
    first = next((r for r in records if isinstance(r.get("cwd"), str)), {})
    session_id = first.get("sessionId") if isinstance(first.get("sessionId"), str) else None
    if not conversation and not first:
        raise SessionError(f"{path} holds no conversation")
    return _Transcript(
        session_id=session_id if session_id and session_id == path.stem else path.stem,
        cwd=str(first.get("cwd") or ""),
        raw=raw,
        title=_title(records, chosen),
        created_at=_first_time(records) or from_timestamp(path.stat().st_mtime),
        model=_model(chosen),
        mode=_mode(chosen),
        version=str(first.get("version") or ""),
        warnings=warnings,
    )


def _is_conversation(record: dict[str, Any]) -> bool:
    message = record.get("message")
    return (
        record.get("type") in ("user", "assistant")
        and isinstance(message, dict)
        and message.get("role") in ("user", "assistant")
        and not record.get("isSidechain")
        and not record.get("isApiErrorMessage")
    )


def _main_branch(
    records: list[dict[str, Any]], conversation: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if not conversation or not all(isinstance(r.get("uuid"), str) for r in conversation):
        return _dedup(conversation)
    by_uuid = {r["uuid"]: r for r in records if isinstance(r.get("uuid"), str)}
    chain: set[str] = set()
    node: dict[str, Any] | None = conversation[-1]
    while node is not None and node["uuid"] not in chain:
        chain.add(node["uuid"])
        parent = node.get("parentUuid")
        node = by_uuid.get(parent) if isinstance(parent, str) else None
    # Parallel tool calls fork the chain: bring back the sibling blocks of chained assistant
    # messages, then the results of every call now included.
    message_ids = {
        _message_id(r) for r in conversation if r["uuid"] in chain and _message_id(r) is not None
    }
    keep = {r["uuid"] for r in conversation if r["uuid"] in chain or _message_id(r) in message_ids}
    calls = {
        block_id
        for r in conversation
        if r["uuid"] in keep and r["message"]["role"] == "assistant"
        for block_id in _block_ids(r, "tool_use", "id")
    }
    for r in conversation:
        if r["message"]["role"] == "user" and calls.intersection(
            _block_ids(r, "tool_result", "tool_use_id")
        ):
            keep.add(r["uuid"])
    return _dedup([r for r in conversation if r["uuid"] in keep])


def _dedup(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for r in records:
        key = r.get("uuid")
        if isinstance(key, str):
            if key in seen:
                continue
            seen.add(key)
        out.append(r)
    return out


def _message_id(record: dict[str, Any]) -> str | None:
    message = record["message"]
    value = message.get("id") if message.get("role") == "assistant" else None
    return value if isinstance(value, str) else None


def _blocks(record: dict[str, Any]) -> list[dict[str, Any]]:
    content = record["message"].get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if isinstance(content, list):
        return [b for b in content if isinstance(b, dict)]
    return []


def _block_ids(record: dict[str, Any], kind: str, key: str) -> set[str]:
    return {
        b[key] for b in _blocks(record) if b.get("type") == kind and isinstance(b.get(key), str)
    }


def _merge(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    last_assistant: int | None = None
    last_id: str | None = None
    for record in records:
        blocks = _blocks(record)
        if not blocks:
            continue
        role = record["message"]["role"]
        if role == "assistant":
            mid = _message_id(record)
            between = messages[last_assistant + 1 :] if last_assistant is not None else []
            if (
                mid is not None
                and mid == last_id
                and last_assistant is not None
                and all(_only_results(m) for m in between)
            ):
                # A later block of the same response, written after a streamed tool's result.
                messages[last_assistant]["content"].extend(blocks)
                continue
            if messages and messages[-1]["role"] == "assistant":
                messages[-1]["content"].extend(blocks)
            else:
                messages.append({"role": "assistant", "content": blocks})
            last_assistant, last_id = len(messages) - 1, mid
        elif messages and messages[-1]["role"] == "user":
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": "user", "content": blocks})
    return messages


def _only_results(message: dict[str, Any]) -> bool:
    return message["role"] == "user" and all(
        b.get("type") == "tool_result" for b in message["content"]
    )


def _title(records: list[dict[str, Any]], chosen: list[dict[str, Any]]) -> str:
    for kind, key in (("custom-title", "customTitle"), ("summary", "summary")):
        titles = [r[key] for r in records if r.get("type") == kind and isinstance(r.get(key), str)]
        if titles and titles[-1].strip():
            return str(titles[-1]).strip()
    command: str | None = None
    for record in chosen:
        if record["message"]["role"] != "user" or record.get("isMeta"):
            continue
        texts = [b["text"] for b in _blocks(record) if b.get("type") == "text" and "text" in b]
        text = "\n".join(t for t in texts if isinstance(t, str)).strip()
        if not text or text.startswith(_INTERRUPTED):
            continue
        if text.startswith(_LOCAL_MARKUP):
            if command is None and "<command-name>" in text:
                command = derive_title(text)
            continue
        return derive_title(text)
    return command or UNTITLED


def _first_time(records: list[dict[str, Any]]) -> datetime | None:
    for record in records:
        moment = parse_iso(record.get("timestamp"))
        if moment is not None:
            return moment
    return None


def _model(chosen: list[dict[str, Any]]) -> str:
    for record in reversed(chosen):
        model = record["message"].get("model")
        # "<synthetic>" marks Claude Code's own notices, not a model's answer.
        is_model = isinstance(model, str) and not model.startswith("<")
        if record["message"]["role"] == "assistant" and is_model:
            return str(model)
    return ""


def _extra(transcript: _Transcript) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if transcript.version:
        extra["claudeCodeVersion"] = transcript.version
    if transcript.mode != "default":
        extra["claudeCodePermissionMode"] = transcript.mode  # kept for the record only
    return extra


def _mode(chosen: list[dict[str, Any]]) -> str:
    for record in reversed(chosen):
        mode = record.get("permissionMode")
        if isinstance(mode, str) and mode:
            return mode
    return "default"
