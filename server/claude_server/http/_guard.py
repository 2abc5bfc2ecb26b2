"""Who may call the API: the token always (loopback included), and a Host and Origin that show
the request is not a web page's (DNS rebinding, cross-site requests)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from claude_server.http._address import LOOPBACK_NAMES, is_loopback, is_unspecified
from claude_server.http._messages import Request


class Refused(Exception):
    """The request may not be served: ``status`` (401 or 403) and why."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _host_name(value: str) -> str:
    """The name part of a ``Host`` header (``[::1]:80`` -> ``::1``)."""
    if value.startswith("["):
        return value[1:].partition("]")[0].lower()
    return value.rpartition(":")[0].lower() if value.count(":") == 1 else value.lower()


@dataclass(frozen=True, slots=True)
class Guard:
    """The checks every request passes before anything else is read."""

    token: str
    bound_host: str
    cors_origins: frozenset[str] = frozenset()
    """Origins whose pages may call the API (none unless configured)."""
    extra_hosts: frozenset[str] = frozenset()
    """More names requests may address (a wildcard-bound server reached by its host name)."""

    def allowed_hosts(self) -> frozenset[str]:
        """Host names a request may address: the loopback names, and the bound host when it is
        not a wildcard (a name a rebinding page can fake is never in this set)."""
        names = set(LOOPBACK_NAMES) | {h.lower() for h in self.extra_hosts}
        if not is_loopback(self.bound_host) and not is_unspecified(self.bound_host):
            names.add(self.bound_host.lower())
        return frozenset(names)

    def check_origin(self, request: Request) -> str | None:
        """The request's allowed ``Origin`` (``None`` when it sent none); :class:`Refused` for a
        page of another site."""
        origin = request.header("origin")
        if origin is None:
            return None
        if origin in self.cors_origins:
            return origin
        raise Refused(403, "forbidden_origin", f"requests from {origin} are not allowed")

    def check(self, request: Request) -> None:
        """:class:`Refused` unless Host, Origin and token are right."""
        host = request.header("host")
        if host is None or _host_name(host) not in self.allowed_hosts():
            shown = "no Host header" if host is None else f"Host {host!r}"
            raise Refused(403, "forbidden_host", f"{shown} is not this server")
        self.check_origin(request)
        scheme, _, offered = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            offered.strip().encode(), self.token.encode()
        ):
            raise Refused(
                401,
                "unauthorized",
                "send 'Authorization: Bearer TOKEN' with the token from the data dir's tcp-token",
            )


def cors_headers(origin: str | None) -> dict[str, str]:
    """The CORS answer headers for an allowed origin (nothing without one)."""
    if origin is None:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Vary": "Origin",
    }
