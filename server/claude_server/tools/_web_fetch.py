"""``WebFetch``: fetch a page, turn it into Markdown and have the small model answer about it."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urljoin

import httpx
from pydantic import BaseModel, Field

from claude_server.errors import ProviderError
from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolError, ToolResult
from claude_server.tools._common import BaseTool, ToolInput

MAX_URL_LENGTH = 2000
MAX_BODY_BYTES = 10_000_000
MAX_MARKDOWN_CHARS = 100_000
"""What the small model is given of a page; the rest is cut (and it is told so)."""
MAX_REDIRECTS = 10
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
FETCH_DEADLINE_SECONDS = 60.0
CACHE_SECONDS = 15 * 60
CACHE_ENTRIES = 50
USER_AGENT = "claude-py-WebFetch/0.1"
_STATE_KEY = "web_fetch"
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

SYSTEM_PROMPT = (
    "You read one web page on behalf of a coding assistant and answer its question about the "
    "page. Use only what the page says; say so when the page does not answer the question."
)


class WebFetchInput(ToolInput):
    """Input of ``WebFetch``."""

    url: str = Field(description="The URL to fetch (a fully formed http or https URL).")
    prompt: str = Field(description="What to find out from the page: the question to answer.")


@dataclass(frozen=True, slots=True)
class _Page:
    url: str
    status: int
    size: int
    markdown: str
    cut: bool
    fetched_at: float


@dataclass(frozen=True, slots=True)
class _Redirect:
    from_url: str
    to_url: str
    status: int


def _cache(state: dict[str, Any]) -> OrderedDict[str, _Page]:
    current = state.get(_STATE_KEY)
    if not isinstance(current, OrderedDict):
        current = OrderedDict()
        state[_STATE_KEY] = current
    return current


def _cached(state: dict[str, Any], url: str) -> _Page | None:
    cache = _cache(state)
    page = cache.get(url)
    if page is None:
        return None
    if time.monotonic() - page.fetched_at > CACHE_SECONDS:
        del cache[url]
        return None
    cache.move_to_end(url)
    return page


def _remember(state: dict[str, Any], key: str, page: _Page) -> None:
    cache = _cache(state)
    cache[key] = page
    cache.move_to_end(key)
    while len(cache) > CACHE_ENTRIES:
        cache.popitem(last=False)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _prepare_url(raw: str) -> httpx.URL:
    if len(raw) > MAX_URL_LENGTH:
        raise ToolError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        url = httpx.URL(raw.strip())
    except httpx.InvalidURL as exc:
        raise ToolError(f"Invalid URL {raw!r}: {exc}") from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ToolError(f"Invalid URL {raw!r}: give a full http:// or https:// URL.")
    if url.userinfo:
        raise ToolError("URLs with a user name or password are not fetched.")
    if url.scheme == "http" and not _is_loopback(url.host):
        # Plain http leaks the request to every hop; local servers are the exception.
        url = url.copy_with(scheme="https")
    return url


def _site(host: str) -> str:
    return host.removeprefix("www.")


def _redirect_allowed(source: httpx.URL, target: httpx.URL) -> bool:
    """Same host (give or take ``www.``), same port, and no downgrade to plain http."""
    if _site(source.host) != _site(target.host) or source.port != target.port:
        return False
    return not (source.scheme == "https" and target.scheme != "https")


def html_to_markdown(html: str, base_url: str) -> str:
    """Markdown of an HTML page (markdownify), links made absolute, scripts and styles dropped."""
    # Imported here: the HTML libraries cost ~50 ms of daemon start-up for a rarely used tool.
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    for unwanted in soup(["script", "style", "noscript", "template", "svg", "iframe"]):
        unwanted.decompose()
    for tag_name, attr in (("a", "href"), ("img", "src")):
        for element in soup.find_all(tag_name):
            value = element.get(attr)
            if isinstance(value, str) and value:
                element[attr] = urljoin(base_url, value)
    markdown = MarkdownConverter(heading_style="ATX", bullets="-").convert_soup(soup)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


async def _fetch(url: httpx.URL) -> _Page | _Redirect:
    # Proxies from the environment are for the outside world, not for a local server.
    async with httpx.AsyncClient(
        follow_redirects=False,
        timeout=TIMEOUT,
        trust_env=not _is_loopback(url.host),
        headers={"User-Agent": USER_AGENT, "Accept": "text/html, text/*;q=0.9, */*;q=0.5"},
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            async with client.stream("GET", url) as response:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    target = url.join(location)
                    if not _redirect_allowed(url, target):
                        return _Redirect(str(url), str(target), response.status_code)
                    url = target
                    continue
                if response.status_code >= 400:
                    raise ToolError(
                        f"Fetching {url} failed: HTTP {response.status_code} "
                        f"{response.reason_phrase}."
                    )
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) >= MAX_BODY_BYTES:
                        break
                return _to_page(url, response, bytes(body[:MAX_BODY_BYTES]))
    raise ToolError(f"{url} redirected more than {MAX_REDIRECTS} times; giving up.")


def _to_page(url: httpx.URL, response: httpx.Response, body: bytes) -> _Page:
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    text = body.decode(response.encoding or "utf-8", "replace")
    if content_type in ("text/html", "application/xhtml+xml") or (
        not content_type and "<html" in text[:2000].lower()
    ):
        markdown = html_to_markdown(text, str(url))
    elif (
        content_type.startswith(_TEXT_TYPES)
        or content_type.endswith(("+json", "+xml"))
        or (not content_type and "\0" not in text)
    ):
        markdown = text
    else:
        raise ToolError(
            f"{url} returned {content_type or 'binary content'}, which WebFetch cannot read "
            "(it reads HTML and text). Download it with Bash (curl -o) if you need the file."
        )
    cut = len(markdown) > MAX_MARKDOWN_CHARS or len(body) >= MAX_BODY_BYTES
    return _Page(
        url=str(url),
        status=response.status_code,
        size=len(body),
        markdown=markdown[:MAX_MARKDOWN_CHARS],
        cut=cut,
        fetched_at=time.monotonic(),
    )


def _question(page: _Page, prompt: str) -> str:
    cut = "\n(The page was longer; only its beginning is shown.)" if page.cut else ""
    return (
        f"Here is the content of the web page {page.url}, converted to Markdown:\n\n"
        f"<page>\n{page.markdown}\n</page>{cut}\n\n"
        f"Question about the page:\n{prompt}\n\n"
        "Answer concisely from the page alone. Quote the page word for word only for short "
        "passages (code, commands, error messages, API names); paraphrase the rest. Do not "
        "reproduce song lyrics or long copyrighted text."
    )


class WebFetchTool(BaseTool[WebFetchInput]):
    """Fetches a URL and answers a question about its content with the small model."""

    name = "WebFetch"
    aliases: ClassVar[tuple[str, ...]] = ("web_fetch",)
    input_model: ClassVar[type[BaseModel]] = WebFetchInput
    permission = PermissionLevel.EXECUTE
    description = f"""\
Fetches a web page and answers a question about it: the page is downloaded, converted from \
HTML to Markdown, and a fast model reads it and answers your prompt. Use it to read \
documentation, issues, changelogs and other pages you have a URL for.

- url must be a complete URL; http is upgraded to https.
- prompt says what you want from the page ("list the breaking changes in 3.0", "what \
arguments does foo() take?").
- When the URL redirects to another host, you get the new URL instead of the page: call \
WebFetch again with it.
- Pages are cached for {CACHE_SECONDS // 60} minutes, so asking again about the same URL is \
fast.
- The tool only reads; it never submits forms or logs in. For files to download, use Bash.
"""

    def describe(self, tool_input: WebFetchInput) -> str:
        return f"WebFetch {tool_input.url}"

    async def execute(self, tool_input: WebFetchInput, ctx: ToolContext) -> ToolResult:
        url = _prepare_url(tool_input.url)
        key = str(url)
        page = _cached(ctx.state, key)
        if page is None:
            try:
                # httpx's timeouts are per operation; a page trickling in needs a deadline too.
                fetched = await asyncio.wait_for(_fetch(url), FETCH_DEADLINE_SECONDS)
            except TimeoutError:
                raise ToolError(
                    f"Fetching {url} took longer than {FETCH_DEADLINE_SECONDS:g} s; gave up."
                ) from None
            except httpx.TimeoutException as exc:
                raise ToolError(f"Fetching {url} timed out ({type(exc).__name__}).") from exc
            except httpx.HTTPError as exc:
                raise ToolError(f"Could not fetch {url}: {exc or type(exc).__name__}") from exc
            if isinstance(fetched, _Redirect):
                return ToolResult(
                    content=(
                        f"{fetched.from_url} redirects (HTTP {fetched.status}) to a different "
                        f"host: {fetched.to_url}\nTo read it, call WebFetch again with "
                        f"url={fetched.to_url!r} and the same prompt."
                    )
                )
            page = fetched
            _remember(ctx.state, key, page)
        try:
            answer = await ctx.ask_model(
                _question(page, tool_input.prompt), system=SYSTEM_PROMPT, small=True
            )
        except ProviderError as exc:
            raise ToolError(f"The page was fetched but could not be read: {exc.message}") from exc
        text = answer.text().strip() or "(The model gave no answer about this page.)"
        return ToolResult(
            content=text,
            display=[
                TextDisplay(text=f"Fetched {page.url} (HTTP {page.status}, {page.size} bytes)")
            ],
        )
