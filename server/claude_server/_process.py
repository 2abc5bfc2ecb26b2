"""Process hardening: the daemon's memory and environment are not readable by its children.

A Bash command runs as the same user as the daemon, so without this it could read the
daemon's environment (``/proc/$PPID/environ``: the API key) or memory. Marking the process
non-dumpable (Linux ``PR_SET_DUMPABLE``) makes its ``/proc`` files root's and refuses ptrace by
the same user; it also keeps secrets out of core dumps. Elsewhere this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

_PR_SET_DUMPABLE = 4


def forbid_inspection() -> bool:
    """Make this process non-dumpable where the platform allows; whether it was done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        done = bool(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        done = False
    if not done:
        log.warning("could not make the daemon non-dumpable; tools may read its environment")
    return done
