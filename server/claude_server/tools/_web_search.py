"""``WebSearch``: the API's server-side web search, turned into a list of sources and a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from claude_server.errors import ProviderError
from claude_server.model import (
    AssistantMessage,
    PermissionLevel,
    ToolContext,
    ToolError,
    ToolResult,
)
from claude_server.tools._common import BaseTool, ToolInput

MAX_SEARCHES = 5
SEARCH_TOOL_TYPE = "web_search_20250305"

SYSTEM_PROMPT = (
    "You search the web on behalf of a coding assistant. Run the searches the request needs, "
    "then summarise what the results say, citing them."
)


class WebSearchInput(ToolInput):
    """Input of ``WebSearch``."""

    query: str = Field(min_length=2, description="The search query.")
    allowed_domains: list[str] | None = Field(
        default=None, description="Only include results from these domains."
    )
    blocked_domains: list[str] | None = Field(
        default=None, description="Never include results from these domains."
    )


@dataclass(slots=True)
class SearchOutcome:
    """What a web search message holds, sorted out."""

    queries: list[str] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    """``title``, ``url`` and ``page_age`` of each distinct result, in order of appearance."""
    errors: list[str] = field(default_factory=list)
    summary: str = ""
    cited_urls: set[str] = field(default_factory=set)


def read_search_message(message: AssistantMessage) -> SearchOutcome:
    """Sorts the blocks of a response that used the web search server tool."""
    outcome = SearchOutcome()
    seen: set[str] = set()
    text: list[str] = []
    for block in message.content:
        data = block.to_api()
        kind = data.get("type")
        if kind == "server_tool_use" and data.get("name") == "web_search":
            query = (data.get("input") or {}).get("query")
            if isinstance(query, str) and query:
                outcome.queries.append(query)
        elif kind == "web_search_tool_result":
            content = data.get("content")
            if isinstance(content, dict):
                outcome.errors.append(str(content.get("error_code", "unknown_error")))
                continue
            for item in content if isinstance(content, list) else []:
                url = item.get("url") if isinstance(item, dict) else None
                if not isinstance(url, str) or url in seen:
                    continue
                seen.add(url)
                outcome.results.append(
                    {
                        "title": item.get("title") or url,
                        "url": url,
                        "page_age": item.get("page_age"),
                    }
                )
        elif kind == "text":
            text.append(str(data.get("text", "")))
            for citation in data.get("citations") or []:
                if isinstance(citation, dict) and isinstance(citation.get("url"), str):
                    outcome.cited_urls.add(citation["url"])
    outcome.summary = "".join(text).strip()
    return outcome


def format_search(query: str, outcome: SearchOutcome) -> str:
    """The result the model reads: sources first, then the summary, then how to cite."""
    lines = [f'Web search results for "{query}"']
    other = [q for q in outcome.queries if q != query]
    if other:
        lines.append("Searches run: " + ", ".join(f'"{q}"' for q in outcome.queries))
    lines.append("")
    if outcome.results:
        lines.append("Sources:")
        for n, result in enumerate(outcome.results, 1):
            extra = [str(result["page_age"])] if result.get("page_age") else []
            if result["url"] in outcome.cited_urls:
                extra.append("cited below")
            suffix = f" ({', '.join(extra)})" if extra else ""
            lines.append(f"{n}. {result['title']}: {result['url']}{suffix}")
    else:
        lines.append("No results were found.")
    if outcome.errors:
        lines.append(f"(Some searches failed: {', '.join(outcome.errors)}.)")
    if outcome.summary:
        lines += ["", "Summary:", outcome.summary]
    if outcome.results:
        lines += [
            "",
            "When you use these results in your answer, cite the sources you rely on as "
            "Markdown links, e.g. [title](url).",
        ]
    return "\n".join(lines)


class WebSearchTool(BaseTool[WebSearchInput]):
    """Searches the web with the API's server-side search tool."""

    name = "WebSearch"
    aliases: ClassVar[tuple[str, ...]] = ("web_search",)
    input_model: ClassVar[type[BaseModel]] = WebSearchInput
    permission = PermissionLevel.EXECUTE
    description = """\
Searches the web and returns the results (titles and URLs) with a short summary of what they \
say. Use it for anything more recent than your training data or that you are unsure of: \
current library versions, new APIs, error messages, news.

- allowed_domains limits results to some sites; blocked_domains excludes some. Give one or \
the other, not both.
- Write the query as a search engine expects it; include the current year when you look for \
recent information.
- Cite the sources you use in your answer as Markdown links.
"""

    def describe(self, tool_input: WebSearchInput) -> str:
        return f"WebSearch {tool_input.query}"

    async def execute(self, tool_input: WebSearchInput, ctx: ToolContext) -> ToolResult:
        if tool_input.allowed_domains and tool_input.blocked_domains:
            raise ToolError("Give allowed_domains or blocked_domains, not both in the same search.")
        server_tool: dict[str, Any] = {
            "type": SEARCH_TOOL_TYPE,
            "name": "web_search",
            "max_uses": MAX_SEARCHES,
        }
        if tool_input.allowed_domains:
            server_tool["allowed_domains"] = tool_input.allowed_domains
        if tool_input.blocked_domains:
            server_tool["blocked_domains"] = tool_input.blocked_domains
        prompt = (
            f"Search the web for: {tool_input.query}\n\n"
            "Then summarise in a few paragraphs what the results say about it, citing them."
        )
        try:
            message = await ctx.ask_model(
                prompt, system=SYSTEM_PROMPT, server_tools=[server_tool], small=False
            )
        except ProviderError as exc:
            raise ToolError(f"The web search could not run: {exc.message}") from exc
        outcome = read_search_message(message)
        if not outcome.results and outcome.errors:
            raise ToolError(
                f"The web search failed ({', '.join(outcome.errors)}). Try again later or "
                "with a different query."
            )
        return ToolResult(content=format_search(tool_input.query, outcome))
