"""A resolved credential and the headers it puts on a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CredentialKind = Literal["api_key", "bearer"]


@dataclass(frozen=True, slots=True)
class Credential:
    """A secret and where it came from.

    ``repr`` never shows the secret, so a credential can be logged or put in an error by mistake
    without leaking.
    """

    kind: CredentialKind
    secret: str = field(repr=False)
    source: str

    def headers(self) -> dict[str, str]:
        """The HTTP headers that authenticate a Messages API request."""
        if self.kind == "api_key":
            return {"x-api-key": self.secret}
        return {"authorization": f"Bearer {self.secret}"}
