"""Glyphs and styles shared by the renderers (one place to keep the look consistent)."""

from __future__ import annotations

BULLET = "●"
RESULT = "⎿"
PENDING = "○"
FAILED = "✗"
WARNING = "⚠"
THINKING = "✻"
SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

DIM = "dim"
USER = "bright_black"
TOOL_NAME = "bold"
OK = "green"
ERROR = "red"
WARN = "yellow"
ADDED = "green"
REMOVED = "red"
ACCENT = "magenta"
RUNNING = "yellow"

EXPAND_HINT = "ctrl+o to expand"


def spinner_frame(now: float) -> str:
    """The spinner glyph for ``now`` (ten frames a second)."""
    return SPINNER_FRAMES[int(now * 10) % len(SPINNER_FRAMES)]
