"""Where the HTTP API listens: ``HOST:PORT`` or ``PORT`` (loopback unless a host is given)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from claude_server.errors import ConfigError

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_unspecified(host: str) -> bool:
    """Whether ``host`` is a wildcard address (every interface)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class HttpAddress:
    """A host and port to bind (port 0: any free port)."""

    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> HttpAddress:
        """``HOST:PORT``, ``[V6]:PORT`` or ``PORT``; :class:`ConfigError` otherwise."""
        host, sep, port_text = text.rpartition(":")
        if not sep:
            host, port_text = "127.0.0.1", text
        host = host.strip("[]") or "127.0.0.1"
        if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
            raise ConfigError(f"--http wants HOST:PORT or PORT, got {text!r}")
        return cls(host, int(port_text))
