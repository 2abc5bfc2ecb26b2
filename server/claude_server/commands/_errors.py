"""The error a slash command or a pin reports to the user (defined in the taxonomy)."""

from __future__ import annotations

from claude_server.errors import CommandError

__all__ = ["CommandError"]
