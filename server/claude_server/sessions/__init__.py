"""Sessions: the record of what happened in each one."""

from claude_server.sessions._log import EventLog, Watcher

__all__ = ["EventLog", "Watcher"]
