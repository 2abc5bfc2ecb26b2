"""The fixed texts compaction puts into a conversation, so that later passes can recognise them."""

from __future__ import annotations

from typing import Final

__all__ = [
    "CLAUDE_MD_HEADER",
    "LATEST_REQUEST_HEADER",
    "MEMORY_HEADER",
    "SUMMARY_HEADER",
    "is_compaction_text",
]

SUMMARY_HEADER: Final = "[Summary of the earlier conversation]"
MEMORY_HEADER: Final = "## Session memory"
CLAUDE_MD_HEADER: Final = "[Project instructions from CLAUDE.md, re-inserted after compaction]"
LATEST_REQUEST_HEADER: Final = "[The user's latest request, verbatim]"

_ALL: Final = (SUMMARY_HEADER, MEMORY_HEADER, CLAUDE_MD_HEADER, LATEST_REQUEST_HEADER)


def is_compaction_text(text: str) -> bool:
    """Whether a text block was written by compaction rather than by the user."""
    return text.lstrip().startswith(_ALL)
