"""The base of every wire model: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A JSON object of the protocol.

    Unknown members are ignored so that a newer peer can add fields without breaking an older one.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=False,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON object sent on the wire (camelCase keys, no null members)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Empty(WireModel):
    """A request or result with no members (``{}``; ``null`` params are accepted too)."""
