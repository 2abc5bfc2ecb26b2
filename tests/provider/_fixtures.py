"""The recorded Messages API streams in tests/fixtures/anthropic_sse and how to check them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_server.model import AssistantMessage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "anthropic_sse"


@dataclass(frozen=True)
class StreamFixture:
    """One recorded stream with what accumulating it must give."""

    name: str
    body: bytes
    expected: dict[str, Any]

    @property
    def error_type(self) -> str | None:
        """The API error type the stream ends with, for fixtures that end in an error event."""
        event = self.expected.get("error_event")
        return event["type"] if isinstance(event, dict) else None

    @property
    def events_before_error(self) -> list[str]:
        """Event types that arrive before the error event (error fixtures only)."""
        order = self.expected.get("event_types_in_order", [])
        return [kind for kind in order if kind != "error"]


def load_stream_fixtures() -> list[StreamFixture]:
    """Every ``*.sse`` fixture with its ``*.expected.json``."""
    found = []
    for path in sorted(FIXTURES.glob("*.sse")):
        expected_path = path.with_name(path.name.removesuffix(".sse") + ".expected.json")
        found.append(
            StreamFixture(
                name=path.stem,
                body=path.read_bytes(),
                expected=json.loads(expected_path.read_text(encoding="utf-8")),
            )
        )
    assert found, f"no fixtures under {FIXTURES}"
    return found


STREAM_FIXTURES = load_stream_fixtures()
MESSAGE_FIXTURES = [f for f in STREAM_FIXTURES if f.error_type is None]
ERROR_FIXTURES = [f for f in STREAM_FIXTURES if f.error_type is not None]


def drop_nulls(value: Any) -> Any:
    """``value`` with every null-valued object member removed, recursively."""
    if isinstance(value, dict):
        return {key: drop_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [drop_nulls(item) for item in value]
    return value


def as_api_json(message: AssistantMessage) -> dict[str, Any]:
    """The message as the API would have sent it (only the fields it carried), nulls dropped."""
    return drop_nulls(message.model_dump(mode="json", exclude_unset=True))  # type: ignore[no-any-return]


def assert_matches_expected(message: AssistantMessage, fixture: StreamFixture) -> None:
    """Compare ``message`` with the fixture's expectation, the way its ``comparison`` says.

    The expectation files come in three shapes: a full ``message`` (compared exactly after
    dropping nulls), a ``derived_message`` (same), or ``message_fields`` plus, sometimes,
    the content as the SDK sent it back (only those fields are compared).
    """
    expected = fixture.expected
    got = as_api_json(message)
    full = expected.get("message") or expected.get("derived_message")
    if full is not None:
        assert got == drop_nulls(full)
    else:
        fields = dict(expected["message_fields"])
        usage = fields.pop("usage_after_message_delta", None)
        for key, value in fields.items():
            assert got.get(key) == drop_nulls(value), key
        if usage is not None:
            assert {key: got["usage"].get(key) for key in usage} == usage
        content = expected.get("assistant_content_as_sent_back_by_sdk")
        if content is not None:
            assert [block.to_api() for block in message.content] == drop_nulls(content)
    final_text = expected.get("expected_final_text") or expected.get("also_asserted", {}).get(
        "final_text"
    )
    if final_text is not None:
        assert message.text() == final_text
