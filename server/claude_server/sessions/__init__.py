"""Sessions: the record of what happened in each one, in memory and on disk.

- :class:`EventLog` holds a live session's numbered events and tells its watchers.
- :class:`SessionStore` keeps every session as an append-only JSON Lines file under
  ``<data dir>/sessions/<project>/<id>.jsonl``: :class:`SessionWriter` appends (each line reaches
  the kernel before the call returns), ``load`` reads back a :class:`LoadedSession` (damaged lines
  skipped with warnings), ``list`` pages :class:`SessionSummary` entries newest first, and
  ``fork``, ``delete``, ``export_markdown`` do what they say. The record format is described in
  ``_records``.
- :class:`FileHistory` snapshots files before a turn edits them, so a rewind can restore them.
- :class:`ClaudeCodeTranscripts` lists and loads Claude Code's own transcripts, read-only.
"""

from claude_server.sessions._claude_code import ClaudeCodeTranscripts, load_transcript
from claude_server.sessions._codec import EVENT_KINDS, CodecError, decode_event, encode_event
from claude_server.sessions._export import render_markdown
from claude_server.sessions._files import FileHistory, FileSnapshot
from claude_server.sessions._fs import project_key, valid_session_id
from claude_server.sessions._log import EventLog, Watcher
from claude_server.sessions._records import FORMAT_VERSION
from claude_server.sessions._replay import (
    INTERRUPTED_RESULT,
    repair_conversation,
    synthesize_events,
)
from claude_server.sessions._store import SessionStore, SessionWriter
from claude_server.sessions._title import derive_title
from claude_server.sessions._types import (
    LoadedSession,
    SessionMeta,
    SessionPage,
    SessionSummary,
    Source,
)

__all__ = [
    "EVENT_KINDS",
    "FORMAT_VERSION",
    "INTERRUPTED_RESULT",
    "ClaudeCodeTranscripts",
    "CodecError",
    "EventLog",
    "FileHistory",
    "FileSnapshot",
    "LoadedSession",
    "SessionMeta",
    "SessionPage",
    "SessionStore",
    "SessionSummary",
    "SessionWriter",
    "Source",
    "Watcher",
    "decode_event",
    "derive_title",
    "encode_event",
    "load_transcript",
    "project_key",
    "render_markdown",
    "repair_conversation",
    "synthesize_events",
    "valid_session_id",
]
