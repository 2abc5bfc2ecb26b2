"""Logging for the daemon: a file in the data dir and stderr, never stdout.

In stdio mode stdout carries the protocol, so nothing else may ever write there. The caller
passes the level (``CLAUDE_PY_LOG``, read by :func:`claude_server.config.log_level`).
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"

# Libraries that log whole messages at INFO; they stay quiet unless we debug.
_CHATTY = ("pygls", "httpx", "httpcore", "websockets", "asyncio")


def setup_logging(log_file: Path | None, level_name: str, *, stderr: bool = True) -> None:
    """Send the daemon's logs, from ``level_name`` up, to ``log_file`` (rotated) and, unless
    ``stderr`` is false (``-p``, whose stderr is for one-line notices), to stderr."""
    level = logging.getLevelNamesMapping().get(level_name.upper(), logging.INFO)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    formatter = logging.Formatter(_FORMAT)
    if stderr:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(formatter)
        root.addHandler(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fh = RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
        fh.setFormatter(formatter)
        root.addHandler(fh)
        os.chmod(log_file, 0o600)
    quiet = logging.DEBUG if level <= logging.DEBUG else logging.WARNING
    for name in _CHATTY:
        logging.getLogger(name).setLevel(quiet)
