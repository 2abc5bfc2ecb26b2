"""HTTP/1.1 on asyncio streams: reading one request and writing one answer.

Only what the API needs: a request line, headers and a ``Content-Length`` body; every answer
closes the connection (``Connection: close``), so there is no pipelining to get wrong.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

MAX_HEAD_BYTES = 16 * 1024
"""Request line and headers together."""
MAX_BODY_BYTES = 8 * 1024 * 1024
"""A body past this is refused unread (the longest prompt is about 4 MB of UTF-8)."""
HEAD_TIMEOUT = 30.0
"""Seconds a client has to send its request line and headers."""

REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class BadRequest(Exception):
    """The bytes are not an HTTP request we serve; ``status`` says how to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Request:
    """One request's head (the body is read later, once the caller is known to be allowed)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    """Lower-case names; a repeated header keeps its last value."""

    def header(self, name: str) -> str | None:
        """A header's value, or ``None``."""
        return self.headers.get(name.lower())


async def read_head(reader: asyncio.StreamReader) -> Request | None:
    """The next request's head; ``None`` when the client closed without sending one."""
    try:
        raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise BadRequest(400, "the request ended before its headers did") from None
    except asyncio.LimitOverrunError:
        raise BadRequest(431, f"request headers exceed {MAX_HEAD_BYTES} bytes") from None
    except TimeoutError:
        raise BadRequest(400, "the request headers did not arrive in time") from None
    try:
        text = raw.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        raise BadRequest(400, "the request head is not text") from None
    line, *header_lines = text[:-4].split("\r\n")
    parts = line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(400, f"not an HTTP/1.x request line: {line[:80]!r}")
    method, target, _version = parts
    headers: dict[str, str] = {}
    for header in header_lines:
        name, sep, value = header.partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(400, f"malformed header line: {header[:80]!r}")
        headers[name.lower()] = value.strip()
    url = urlsplit(target)
    query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    return Request(method.upper(), unquote(url.path) or "/", query, headers)


async def read_json_body(reader: asyncio.StreamReader, request: Request) -> Any:
    """The request's JSON body (``None`` when it has none)."""
    if request.header("transfer-encoding") is not None:
        raise BadRequest(411, "send the body with a Content-Length, not chunked")
    length_text = request.header("content-length")
    if length_text is None:
        return None
    if not length_text.isdigit():
        raise BadRequest(400, f"bad Content-Length {length_text!r}")
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        raise BadRequest(413, f"the body is {length} bytes; at most {MAX_BODY_BYTES} are read")
    if length == 0:
        return None
    content_type = (request.header("content-type") or "application/json").split(";")[0].strip()
    if content_type.lower() != "application/json":
        raise BadRequest(415, f"the body must be application/json, not {content_type}")
    try:
        body = await reader.readexactly(length)
    except asyncio.IncompleteReadError:
        raise BadRequest(400, "the body ended before its Content-Length") from None
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(400, f"the body is not valid JSON: {exc}") from None


def head_bytes(status: int, headers: dict[str, str]) -> bytes:
    """A response's status line and headers."""
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
    lines += [f"{name}: {value}" for name, value in {**headers, "Connection": "close"}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> bytes:
    """A whole JSON answer."""
    data = json.dumps(body, ensure_ascii=False).encode()
    all_headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
        "Cache-Control": "no-store",
        **(headers or {}),
    }
    return head_bytes(status, all_headers) + data


def sse_event(event: str, data: Any) -> bytes:
    """One server-sent event (the JSON is one line, so one ``data:`` field)."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()
