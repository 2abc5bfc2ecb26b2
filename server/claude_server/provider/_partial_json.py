"""Best-effort parsing of a JSON document that was cut off.

Used only when a tool call's input stops short, typically because the response hit
``max_tokens``. The result keeps every value that was complete and drops the one being written
when the text ended (an unfinished string, number or literal), closing any open arrays and
objects. This matches what the official Python SDK reports for the same input.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

__all__ = ["parse_partial_json"]

_WS: Final = " \t\n\r"
_NUMBER: Final = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS: Final[dict[str, Any]] = {"true": True, "false": False, "null": None}
_scanstring: Final = json.decoder.scanstring  # type: ignore[attr-defined]


class _Truncated(Exception):
    """The text ended inside a value."""


class _Invalid(Exception):
    """The text is not a prefix of any JSON document."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_ws(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WS:
            pos += 1
        self.pos = pos

    def at_end(self) -> bool:
        self.skip_ws()
        return self.pos >= len(self.text)

    def value(self) -> Any:
        if self.at_end():
            raise _Truncated
        char = self.text[self.pos]
        if char == "{":
            return self.obj()
        if char == "[":
            return self.array()
        if char == '"':
            return self.string()
        return self.scalar()

    def string(self) -> str:
        try:
            value, end = _scanstring(self.text, self.pos + 1, True)
        except json.JSONDecodeError as exc:
            # A "\\u" escape cut short is reported as invalid, not unterminated.
            if "Unterminated" in exc.msg or ("\\u" in exc.msg and '"' not in self.text[exc.pos :]):
                raise _Truncated from None
            raise _Invalid from None
        self.pos = end
        return str(value)

    def scalar(self) -> Any:
        text, pos = self.text, self.pos
        for word, literal in _LITERALS.items():
            if text.startswith(word, pos):
                self.pos = pos + len(word)
                return literal
            if word.startswith(text[pos:]):
                raise _Truncated
        match = _NUMBER.match(text, pos)
        if match is None:
            if text[pos] == "-" and pos + 1 == len(text):
                raise _Truncated
            raise _Invalid
        end = match.end()
        if end < len(text) and text[end] in ".eE+-":
            # Something like "1." or "2e" with more text after it cannot be valid JSON.
            if end + 1 == len(text) or text[end + 1 :].strip() == "":
                raise _Truncated
            raise _Invalid
        self.pos = end
        number = match.group()
        if "." in number or "e" in number or "E" in number:
            return float(number)
        return int(number)

    def obj(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        self.pos += 1
        while True:
            if self.at_end():
                return result
            char = self.text[self.pos]
            if char == "}":
                self.pos += 1
                return result
            if char == ",":
                self.pos += 1
                continue
            if char != '"':
                raise _Invalid
            try:
                key = self.string()
            except _Truncated:
                return result
            if self.at_end():
                return result
            if self.text[self.pos] != ":":
                raise _Invalid
            self.pos += 1
            try:
                result[key] = self.value()
            except _Truncated:
                return result

    def array(self) -> list[Any]:
        result: list[Any] = []
        self.pos += 1
        while True:
            if self.at_end():
                return result
            char = self.text[self.pos]
            if char == "]":
                self.pos += 1
                return result
            if char == ",":
                self.pos += 1
                continue
            try:
                result.append(self.value())
            except _Truncated:
                return result


def parse_partial_json(text: str) -> Any:
    """The value of the complete part of ``text``, or ``None`` if nothing usable is there.

    Complete documents parse exactly as :func:`json.loads` would.
    """
    try:
        return json.loads(text)
    except RecursionError:
        return None
    except ValueError:
        pass
    try:
        return _Parser(text).value()
    except (_Truncated, _Invalid, RecursionError):
        return None
