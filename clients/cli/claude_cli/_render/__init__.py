"""Rendering with rich: renderables per update kind, the live region, the scrollback.

Nothing here talks to the daemon or reads keys; it turns a :class:`SessionView` into text.
"""

from claude_cli._render._console import AnsiRenderer, detect_color_system
from claude_cli._render._transcript import Transcript

__all__ = ["AnsiRenderer", "Transcript", "detect_color_system"]
