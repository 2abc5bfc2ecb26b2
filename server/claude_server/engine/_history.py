"""A session's conversation and where it is kept: the file, the undo snapshots, turn marks.

Everything that changes the conversation goes through here, so memory and the session file
never disagree: appends are recorded by :class:`Conversation`, cuts by rewind and compaction
records, interruptions by closing the open tool calls.
"""

from __future__ import annotations

import logging

from claude_server.compaction import CompactionResult
from claude_server.engine._conversation import Conversation
from claude_server.engine._executor import interrupted_results
from claude_server.engine._record import SessionRecord, turn_starts
from claude_server.engine._turn import TurnState
from claude_server.model import ContentBlock, Message, TextBlock, ToolResultBlock
from claude_server.sessions import derive_title, repair_conversation

log = logging.getLogger(__name__)


class History:
    """The conversation of one session, kept in step with its session file."""

    def __init__(self, record: SessionRecord) -> None:
        self.record = record
        writer, loaded = record.writer, record.loaded
        self.messages = Conversation(
            repair_conversation(loaded.messages) if loaded is not None else (),
            on_append=writer.append_message if writer is not None else None,
        )
        self.title = loaded.title if loaded is not None and loaded.title else ""
        self._turn_starts = turn_starts(loaded) if loaded is not None else []
        """``(message index, turn id)`` of each turn still in the conversation, oldest first."""
        self.turn_id = ""
        """The turn running or last run (file snapshots are filed under it)."""

    def start_turn(self, turn_id: str, text: str) -> None:
        """A turn begins with ``text``; the first one names the session."""
        if not self.title:
            self.title = derive_title(text)
            if self.record.writer is not None:
                self.record.writer.append_title(self.title)
        self._turn_starts.append((len(self.messages), turn_id))
        self.turn_id = turn_id

    def append_user(self, blocks: list[ContentBlock]) -> None:
        """Add the user's message, joining an unanswered one (the API wants roles to alternate;
        a failed turn can leave the last user message without an answer)."""
        if self.messages and self.messages[-1].role == "user":
            self.messages[-1].content.extend(blocks)
            if self.record.writer is not None:
                # Stored as its own record; loading joins it to the message before, as here.
                self.record.writer.append_message(Message(role="user", content=blocks))
        else:
            self.messages.append(Message(role="user", content=blocks))

    def record_interruption(self, state: TurnState) -> None:
        """Keep the conversation valid and true to what the user saw after a cancel or a
        failure: every stored tool call gets a result, and the visible part of an interrupted
        answer is kept as text (unfinished tool calls never ran, so they are not kept)."""
        if state.pending_calls:
            results = interrupted_results(state.pending_calls, state.calls)
            self.messages.append(Message(role="user", content=list(results)))
            state.pending_calls = []
        partial = "".join(state.partial_text)
        if partial and self.messages and self.messages[-1].role == "user":
            self.messages.append(Message(role="assistant", content=[TextBlock(text=partial)]))
        state.partial_text.clear()

    def rewind_point(self, messages: int) -> int:
        """Where dropping at least ``messages`` messages lands: the start of that turn."""
        target = max(0, len(self.messages) - messages)
        starts = [index for index, _ in self._turn_starts if index <= target]
        return max(starts) if starts else _last_prompt_at_or_before(self.messages, target)

    def prompts_after(self, keep: int) -> int:
        """How many user prompts (not tool results) lie beyond the first ``keep`` messages."""
        return sum(1 for m in self.messages[keep:] if _is_prompt(m))

    def rewind_to(self, keep: int, *, restore_files: bool) -> list[str]:
        """Cut to the first ``keep`` messages; returns the files restored (if asked)."""
        dropped_turns = [turn for index, turn in self._turn_starts if index >= keep]
        restored: list[str] = []
        if restore_files and self.record.files is not None and dropped_turns:
            restored = [str(p) for p in self.record.files.restore(dropped_turns)]
        self.messages.truncate(keep)
        self._turn_starts = [(i, t) for i, t in self._turn_starts if i < keep]
        if self.record.writer is not None:
            self.record.writer.append_rewind(keep, restored_files=restored)
        return restored

    def apply_compaction(self, result: CompactionResult) -> None:
        """Put a compaction's conversation in place (a full one is recorded for resumes)."""
        if result.stage == "full" and result.summary_message is not None:
            if self.record.writer is not None:
                self.record.writer.append_compaction(
                    result.summary_message,
                    result.replaces,
                    trigger=result.trigger,
                    details={
                        "tokensBefore": result.tokens_before,
                        "tokensAfter": result.tokens_after,
                        "memory": result.memory.to_dict() if result.memory else None,
                    },
                )
            # Turns before the cut are gone; a rewind can reach back to the compaction only.
            self._turn_starts = []
        self.messages.replace_all(result.messages)

    def snapshot_before_edit(self, path: str) -> None:
        """The undo stack: keep the file as it was before this turn first changed it."""
        if self.record.files is not None and self.turn_id:
            try:
                self.record.files.snapshot(path, self.turn_id)
            except OSError as exc:
                log.warning("could not snapshot %s before an edit: %s", path, exc)

    def close(self) -> None:
        """Close the session file."""
        if self.record.writer is not None:
            self.record.writer.close()


def _last_prompt_at_or_before(messages: list[Message], index: int) -> int:
    # Without turn marks (an imported conversation), cut before the last user message that is a
    # prompt rather than tool results, so no tool call is left without its result.
    for i in range(min(index, len(messages) - 1), -1, -1):
        if _is_prompt(messages[i]):
            return i
    return 0


def _is_prompt(message: Message) -> bool:
    return message.role == "user" and not all(
        isinstance(b, ToolResultBlock) for b in message.content
    )
