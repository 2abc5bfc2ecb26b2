"""Where headless output goes: stdout, one compact JSON object (or the text) per write.

A reader that stops early (``| head -1``) is not an error: once the pipe is closed the rest of
the output is dropped quietly and the run ends as it would have.
"""

from __future__ import annotations

import json
import os
from typing import Any, BinaryIO


class Sink:
    """Writes lines to a binary stream, flushing each so a reader sees it at once."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.closed = False
        """The reader went away; nothing more is written."""

    def json(self, line: dict[str, Any]) -> None:
        """One NDJSON line, compact as Claude Code writes it."""
        self.text(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")

    def text(self, text: str) -> None:
        """Raw text."""
        if self.closed:
            return
        try:
            self._stream.write(text.encode("utf-8", "replace"))
            self._stream.flush()
        except BrokenPipeError:
            self.closed = True
            # Later flushes (at exit too) must not raise again on the dead pipe.
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self._stream.fileno())
            except (OSError, ValueError):
                pass
            finally:
                os.close(devnull)
