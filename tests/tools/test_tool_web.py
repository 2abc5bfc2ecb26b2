"""WebFetch against a local HTTP server, and WebSearch over a realistic server-tool message."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from claude_server.model import AssistantMessage, TextDisplay, ToolError
from claude_server.tools import ToolRegistry
from claude_server.tools._web_fetch import _prepare_url
from tool_support import ScriptedContext, call, text_of, text_reply

PAGE = b"""<!doctype html>
<html><head><title>Widget docs</title><style>body { color: red; }</style>
<script>console.log("tracking")</script></head>
<body><h1>Welcome</h1>
<p>Widgets are <b>fast</b>. See <a href="/docs/api">the API</a>.</p>
<ul><li>one</li><li>two</li></ul>
<pre><code>widget.run()</code></pre>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    hits: Counter[str]
    port: int

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        if self.path == "/page":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif self.path == "/plain":
            self._send(200, "text/plain", b"just text\n")
        elif self.path == "/moved":
            self._redirect("/page")
        elif self.path == "/elsewhere":
            self._redirect(f"http://localhost:{self.port}/page")
        elif self.path == "/blob":
            self._send(200, "application/octet-stream", b"\x00\x01\x02")
        else:
            self._send(404, "text/plain", b"nope")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, Counter[str]]]:
    """A local web server; yields its base URL and the hit count per path."""
    hits: Counter[str] = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    handler = type("Handler", (_Handler,), {"hits": hits, "port": port})
    server.RequestHandlerClass = handler
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", hits
    server.shutdown()
    server.server_close()


async def test_fetch_converts_html_and_asks_the_small_model(
    registry: ToolRegistry, ctx: ScriptedContext, site: tuple[str, Counter[str]]
) -> None:
    base, hits = site
    ctx.model_replies.append(text_reply("Widgets are fast."))
    result = await call(
        registry, ctx, "WebFetch", {"url": f"{base}/page", "prompt": "How fast are widgets?"}
    )
    assert result.content == "Widgets are fast."
    assert result.is_error is False
    assert isinstance(result.display[0], TextDisplay)
    [request] = ctx.model_requests
    assert request["small"] is True and request["server_tools"] is None
    prompt = request["prompt"]
    assert "# Welcome" in prompt
    assert "**fast**" in prompt
    assert f"[the API]({base}/docs/api)" in prompt  # links made absolute
    assert "- one" in prompt and "widget.run()" in prompt
    assert "tracking" not in prompt and "color: red" not in prompt
    assert "How fast are widgets?" in prompt
    assert hits["/page"] == 1


async def test_fetch_is_cached_per_session(
    registry: ToolRegistry, ctx: ScriptedContext, site: tuple[str, Counter[str]]
) -> None:
    base, hits = site
    ctx.model_replies += [text_reply("first"), text_reply("second")]
    for _ in range(2):
        await call(registry, ctx, "WebFetch", {"url": f"{base}/page", "prompt": "q"})
    assert hits["/page"] == 1
    assert len(ctx.model_requests) == 2
    other = ScriptedContext(cwd=ctx.cwd, model_replies=[text_reply("third")])
    await call(registry, other, "WebFetch", {"url": f"{base}/page", "prompt": "q"})
    assert hits["/page"] == 2


async def test_fetch_plain_text(
    registry: ToolRegistry, ctx: ScriptedContext, site: tuple[str, Counter[str]]
) -> None:
    base, _ = site
    ctx.model_replies.append(text_reply("ok"))
    await call(registry, ctx, "WebFetch", {"url": f"{base}/plain", "prompt": "q"})
    assert "just text" in ctx.model_requests[0]["prompt"]


async def test_same_host_redirect_is_followed(
    registry: ToolRegistry, ctx: ScriptedContext, site: tuple[str, Counter[str]]
) -> None:
    base, hits = site
    ctx.model_replies.append(text_reply("ok"))
    await call(registry, ctx, "WebFetch", {"url": f"{base}/moved", "prompt": "q"})
    assert hits["/moved"] == 1 and hits["/page"] == 1
    assert "# Welcome" in ctx.model_requests[0]["prompt"]


async def test_cross_host_redirect_is_reported_not_followed(
    registry: ToolRegistry, ctx: ScriptedContext, site: tuple[str, Counter[str]]
) -> None:
    base, hits = site
    result = await call(registry, ctx, "WebFetch", {"url": f"{base}/elsewhere", "prompt": "q"})
    text = text_of(result)
    port = base.rsplit(":", 1)[1]
    assert "redirects (HTTP 302) to a different host" in text
    assert f"http://localhost:{port}/page" in text
    assert result.is_error is False
    assert hits["/page"] == 0
    assert ctx.model_requests == []


async def test_http_errors_and_unsupported_content(
    registry: ToolRegistry, ctx: ScriptedContext, site: tuple[str, Counter[str]]
) -> None:
    base, _ = site
    with pytest.raises(ToolError, match="HTTP 404"):
        await call(registry, ctx, "WebFetch", {"url": f"{base}/missing", "prompt": "q"})
    with pytest.raises(ToolError, match="application/octet-stream"):
        await call(registry, ctx, "WebFetch", {"url": f"{base}/blob", "prompt": "q"})


async def test_unreachable_server(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ToolError, match="Could not fetch"):
        await call(registry, ctx, "WebFetch", {"url": f"http://127.0.0.1:{port}/", "prompt": "q"})


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "not a url", "https://user:pw@example.com/"]
)
async def test_invalid_urls(registry: ToolRegistry, ctx: ScriptedContext, url: str) -> None:
    with pytest.raises(ToolError):
        await call(registry, ctx, "WebFetch", {"url": url, "prompt": "q"})


def test_http_is_upgraded_except_for_local_hosts() -> None:
    assert str(_prepare_url("http://example.com/a?b=1")) == "https://example.com/a?b=1"
    assert str(_prepare_url("http://127.0.0.1:8000/x")) == "http://127.0.0.1:8000/x"
    assert str(_prepare_url("http://localhost/x")) == "http://localhost/x"
    assert str(_prepare_url("https://example.com/")) == "https://example.com/"


# WebSearch -------------------------------------------------------------------------------

FIXTURE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "anthropic_sse"
    / "vercel_anthropic-web-search-tool.expected.json"
)


def _recorded_search_message() -> AssistantMessage:
    return AssistantMessage.model_validate(json.loads(FIXTURE.read_text())["message"])


async def test_web_search_turns_the_message_into_sources_and_summary(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    message = _recorded_search_message()
    ctx.model_replies.append(message)
    result = await call(
        registry,
        ctx,
        "WebSearch",
        {"query": "tech news today", "allowed_domains": ["apple.com", "cnbc.com"]},
    )
    text = text_of(result)
    [request] = ctx.model_requests
    assert request["small"] is False
    assert request["server_tools"] == [
        {
            "type": "web_search_20250305",
            "name": "web_search",
            "max_uses": 5,
            "allowed_domains": ["apple.com", "cnbc.com"],
        }
    ]
    assert "tech news today" in request["prompt"]

    assert text.startswith('Web search results for "tech news today"')
    assert 'Searches run: "tech news today September 26 2025"' in text
    apple = "https://www.apple.com/newsroom/2025/09/the-all-new-apple-ginza-opens-this-friday-september-26-in-tokyo/"
    assert (
        f"The all-new Apple Ginza opens this Friday, September 26, in Tokyo - Apple: {apple}"
        in text
    )
    assert "Technology News: https://www.cnbc.com/technology/ (December 21, 2015)" in text
    assert f"{apple} (" in text and "cited below" in text
    assert "Summary:\nBased on my search results" in text
    assert "Apple Ginza opens to customers Friday" in text
    assert "Markdown links" in text
    assert "encrypted" not in text
    urls = [line for line in text.splitlines() if line[:1].isdigit() and ". " in line]
    assert len(urls) == len({u.rsplit(": ", 1)[-1] for u in urls})  # no duplicates


async def test_web_search_blocked_domains(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    ctx.model_replies.append(text_reply("Nothing much."))
    text = text_of(
        await call(registry, ctx, "WebSearch", {"query": "abc", "blocked_domains": ["x.com"]})
    )
    assert ctx.model_requests[0]["server_tools"][0]["blocked_domains"] == ["x.com"]
    assert "No results were found." in text and "Nothing much." in text


async def test_web_search_errors(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    with pytest.raises(ToolError, match="not both"):
        await call(
            registry,
            ctx,
            "WebSearch",
            {"query": "abc", "allowed_domains": ["a.com"], "blocked_domains": ["b.com"]},
        )
    failed = AssistantMessage.model_validate(
        {
            "content": [
                {
                    "type": "server_tool_use",
                    "id": "srvtoolu_1",
                    "name": "web_search",
                    "input": {"query": "abc"},
                },
                {
                    "type": "web_search_tool_result",
                    "tool_use_id": "srvtoolu_1",
                    "content": {
                        "type": "web_search_tool_result_error",
                        "error_code": "too_many_requests",
                    },
                },
            ]
        }
    )
    ctx.model_replies.append(failed)
    with pytest.raises(ToolError, match="too_many_requests"):
        await call(registry, ctx, "WebSearch", {"query": "abc"})
    with pytest.raises(ToolError, match="query"):
        await call(registry, ctx, "WebSearch", {"query": "a"})
