"""A resolved credential and the headers it puts on a request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

CredentialKind = Literal["api_key", "bearer", "oauth"]
"""How the secret is sent: ``x-api-key`` (api_key) or ``Authorization: Bearer`` (bearer, oauth).

``oauth`` is a bearer token from Claude Code's login; it also needs the OAuth beta header, which
travels in :attr:`Credential.extra_headers`.
"""


@dataclass(frozen=True, slots=True)
class Credential:
    """A secret and where it came from.

    ``repr`` never shows the secret nor the extra headers (they may carry it too), so a
    credential can be logged or put in an error by mistake without leaking.
    """

    kind: CredentialKind
    secret: str = field(repr=False)
    source: str
    extra_headers: Mapping[str, str] = field(default_factory=dict, repr=False, hash=False)
    """Headers sent besides the authentication header (e.g. ``anthropic-beta`` for OAuth)."""
    expires_at: float | None = None
    """When the secret stops working (epoch seconds), if known."""

    def headers(self) -> dict[str, str]:
        """The HTTP headers that authenticate a Messages API request."""
        if self.kind == "api_key":
            headers = {"x-api-key": self.secret}
        else:
            headers = {"authorization": f"Bearer {self.secret}"}
        headers.update({name.lower(): value for name, value in self.extra_headers.items()})
        return headers
