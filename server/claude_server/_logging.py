"""Logging for the daemon: a file in the data dir and stderr, never stdout.

In stdio mode stdout carries the protocol, so nothing else may ever write there. The level comes
from ``CLAUDE_PY_LOG`` (debug, info, warning, error; default info).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_ENV = "CLAUDE_PY_LOG"
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"

# Libraries that log whole messages at INFO; they stay quiet unless we debug.
_CHATTY = ("pygls", "httpx", "httpcore", "websockets", "asyncio")


def level_from_env(env: Mapping[str, str], default: str = "info") -> int:
    """The log level named by ``CLAUDE_PY_LOG`` (unknown names fall back to ``default``)."""
    name = env.get(LOG_ENV, default).strip().upper() or default.upper()
    if name == "WARN":
        name = "WARNING"
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.getLevelName(default.upper())


def setup_logging(log_file: Path | None, env: Mapping[str, str] | None = None) -> None:
    """Send the daemon's logs to ``log_file`` (rotated) and to stderr."""
    env = os.environ if env is None else env
    level = level_from_env(env)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    formatter = logging.Formatter(_FORMAT)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(formatter)
    root.addHandler(stderr)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fh = RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
        fh.setFormatter(formatter)
        root.addHandler(fh)
        os.chmod(log_file, 0o600)
    quiet = logging.DEBUG if level <= logging.DEBUG else logging.WARNING
    for name in _CHATTY:
        logging.getLogger(name).setLevel(quiet)
