"""One connection to one MCP server, over the ``mcp`` package's client.

This module is the only place that touches the ``mcp`` package at run time (imported lazily:
it costs over a second), and the one boundary where its exceptions become
:class:`McpError` subclasses. The ``mcp`` transports are anyio context managers that must be
entered and left by the same task, so each connection runs them in a task of its own and the
callers only send requests through the session.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from claude_server.auth import without_credentials
from claude_server.errors import (
    McpConnectionError,
    McpError,
    McpServerError,
    McpTimeoutError,
)
from claude_server.mcp._config import RemoteServerConfig, StdioServerConfig

if TYPE_CHECKING:
    from mcp.client.session import ClientSession

DEFAULT_CONNECT_TIMEOUT = 30.0
"""Seconds a server may take to start and answer ``initialize``."""
DEFAULT_CALL_TIMEOUT = 600.0
"""Seconds a tool call may take (MCP tools can be slow: builds, browsers)."""
_LIST_TIMEOUT = 60.0
_CLOSE_TIMEOUT = 10.0
# The mcp transport stops a server in at most ~6 s (stdin close, SIGTERM, SIGKILL).
_STDERR_EOF_WAIT = 0.5
_MAX_PAGES = 1000
_API_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@dataclass(frozen=True, slots=True)
class McpToolInfo:
    """A tool as the server lists it."""

    name: str
    description: str
    input_schema: dict[str, Any]
    read_only_hint: bool | None = None
    title: str | None = None


@dataclass(slots=True)
class McpCallResult:
    """A tool call's outcome: Messages API content blocks and the server's ``isError``."""

    content: list[dict[str, Any]] = field(default_factory=list)
    is_error: bool = False


class _StderrTail(asyncio.Protocol):
    """Reads a server's stderr continuously (a full pipe would block the server) and keeps
    the last lines for error messages."""

    def __init__(self, max_lines: int) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=max_lines)
        self._partial = b""
        self.eof = asyncio.Event()

    def data_received(self, data: bytes) -> None:
        *complete, self._partial = (self._partial + data).split(b"\n")
        self.lines.extend(line.decode("utf-8", "replace").rstrip("\r") for line in complete)
        if len(self._partial) > 8192:  # a huge line without newline: keep its start only
            self.lines.append(self._partial[:8192].decode("utf-8", "replace"))
            self._partial = b""

    def eof_received(self) -> bool | None:
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._flush()
        self.eof.set()

    def _flush(self) -> None:
        if self._partial:
            self.lines.append(self._partial.decode("utf-8", "replace"))
            self._partial = b""


class McpConnection:
    """A live connection to one MCP server: start, initialize, list and call tools, close.

    Failures raise :class:`McpError` subclasses whose message names the server and, for a
    stdio server, ends with the last lines it wrote to stderr.
    """

    def __init__(
        self,
        config: StdioServerConfig | RemoteServerConfig,
        *,
        cwd: Path | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        call_timeout: float = DEFAULT_CALL_TIMEOUT,
        stderr_lines: int = 40,
    ) -> None:
        self.config = config
        self.name = config.name or "mcp"
        self._cwd = cwd
        self._connect_timeout = connect_timeout
        self._call_timeout = call_timeout
        self._stderr = _StderrTail(stderr_lines)
        self._session: ClientSession | None = None
        self._runner: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._closing = asyncio.Event()
        self._failure: BaseException | None = None
        self._stderr_transport: asyncio.BaseTransport | None = None
        self._broken: str | None = None
        self.server_name: str | None = None
        """The name the server gave in ``initialize``."""
        self.instructions: str | None = None
        """The server's instructions from ``initialize``, if any."""

    @property
    def connected(self) -> bool:
        """Initialized, not closed, and no request has seen the connection break."""
        return self._session is not None and self._broken is None and not self._closing.is_set()

    @property
    def broken_reason(self) -> str | None:
        """Why the connection stopped working after it was up, or None."""
        return self._broken

    def stderr_tail(self) -> list[str]:
        """The last lines the server wrote to stderr (stdio servers only)."""
        return list(self._stderr.lines)

    async def connect(self) -> None:
        """Start (or reach) the server and initialize; :class:`McpError` when that fails."""
        if self._runner is not None:
            raise McpConnectionError(f"MCP server {self.name!r}: connect() was already called")
        self._runner = asyncio.create_task(self._run(), name=f"mcp-{self.name}")
        ready = asyncio.create_task(self._ready.wait())
        try:
            done, _ = await asyncio.wait(
                {ready, self._runner},
                timeout=self._connect_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            ready.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ready
        if self._session is not None:
            return
        if not done:
            await self.close()
            raise McpTimeoutError(
                self._message(f"did not finish starting within {self._connect_timeout:g} s")
            )
        # Translate before closing: the message wants the server's last stderr lines.
        error = await self._translate(self._failure or RuntimeError("stopped"), "starting")
        await self.close()
        raise error

    async def list_tools(self) -> list[McpToolInfo]:
        """Every tool the server offers (all pages)."""
        import mcp_types

        session = self._require()
        tools: list[McpToolInfo] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            params = mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None
            result = await self._request(session.list_tools(params=params), _LIST_TIMEOUT, "tools")
            for tool in result.tools:
                hints = tool.annotations
                tools.append(
                    McpToolInfo(
                        name=tool.name,
                        description=tool.description or "",
                        input_schema=dict(tool.input_schema),
                        read_only_hint=hints.read_only_hint if hints is not None else None,
                        title=tool.title or (hints.title if hints is not None else None),
                    )
                )
            cursor = result.next_cursor
            # A server repeating a cursor would page forever.
            if not cursor or cursor in seen:
                break
            seen.add(cursor)
        return tools

    async def call_tool(
        self, name: str, arguments: dict[str, Any], *, call_timeout: float | None = None
    ) -> McpCallResult:
        """Call one tool; a server-reported failure comes back with ``is_error`` set."""
        session = self._require()
        limit = call_timeout if call_timeout is not None else self._call_timeout
        result = await self._request(
            session.call_tool(name, arguments, read_timeout_seconds=limit), limit, f"tool {name}"
        )
        blocks = [_content_block(item) for item in result.content]
        structured = result.structured_content
        if structured is not None and not any(b["type"] == "text" for b in blocks):
            import json

            blocks.append({"type": "text", "text": json.dumps(structured, ensure_ascii=False)})
        return McpCallResult(content=blocks, is_error=bool(result.is_error))

    async def close(self) -> None:
        """Stop the server (stdio: stdin closed, then terminated) and end the connection task."""
        self._closing.set()
        runner = self._runner
        try:
            if runner is not None and not runner.done() and self._session is None:
                # Still starting (the runner is not waiting for _closing): stop it outright;
                # the mcp transport still stops the server process under cancellation.
                runner.cancel()
                with contextlib.suppress(BaseException):
                    await runner
            elif runner is not None and not runner.done():
                try:
                    await asyncio.wait_for(asyncio.shield(runner), _CLOSE_TIMEOUT)
                except (TimeoutError, asyncio.CancelledError):
                    runner.cancel()
                    with contextlib.suppress(BaseException):
                        await runner
        finally:
            if self._stderr_transport is not None:
                self._stderr_transport.close()
                self._stderr_transport = None

    def _require(self) -> ClientSession:
        if self._session is None or self._closing.is_set():
            raise McpConnectionError(self._message("is not connected"))
        if self._broken is not None:
            raise McpConnectionError(self._message(self._broken))
        return self._session

    async def _request(self, call: Any, limit: float, what: str) -> Any:
        try:
            # The mcp session enforces `limit` itself; this outer bound only guards a hang
            # in the library (for example a write to a server that stopped reading).
            return await asyncio.wait_for(call, limit + 5.0)
        except TimeoutError:
            raise McpTimeoutError(
                self._message(f"did not answer ({what}) within {limit:g} s")
            ) from None
        except Exception as exc:  # noqa: BLE001 - the boundary: every mcp exception becomes ours
            error = await self._translate(exc, what)
            if isinstance(error, McpConnectionError):
                self._broken = "lost its connection"
            raise error from None

    async def _run(self) -> None:
        import mcp_types
        from mcp.client.session import ClientSession

        try:
            async with contextlib.AsyncExitStack() as stack:
                read, write = await self._open_transport(stack)
                session = await stack.enter_async_context(
                    ClientSession(
                        read,
                        write,
                        client_info=mcp_types.Implementation(name="claude-py", version="0"),
                    )
                )
                result = await session.initialize()
                self.server_name = result.server_info.name
                self.instructions = result.instructions
                self._session = session
                self._ready.set()
                await self._closing.wait()
        except BaseException as exc:  # reported by connect(), never lost
            self._failure = exc
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            self._session = None

    async def _open_transport(self, stack: contextlib.AsyncExitStack) -> tuple[Any, Any]:
        config = self.config
        if isinstance(config, StdioServerConfig):
            return await self._open_stdio(stack, config)
        if config.type == "sse":
            from mcp.client.sse import sse_client

            streams = await stack.enter_async_context(
                sse_client(config.url, headers=dict(config.headers))
            )
            return streams[0], streams[1]
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        http = await stack.enter_async_context(create_mcp_http_client(headers=dict(config.headers)))
        streams = await stack.enter_async_context(
            streamable_http_client(config.url, http_client=http)
        )
        return streams[0], streams[1]

    async def _open_stdio(
        self, stack: contextlib.AsyncExitStack, config: StdioServerConfig
    ) -> tuple[Any, Any]:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        read_fd, write_fd = os.pipe()
        reader = os.fdopen(read_fd, "rb", buffering=0)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.connect_read_pipe(lambda: self._stderr, reader)
        # Kept open until close(): error messages may still want the server's last lines.
        self._stderr_transport = transport
        errlog = open(write_fd, "w", encoding="utf-8", closefd=True)  # noqa: SIM115, ASYNC230 - wraps a pipe fd, no disk I/O
        params = StdioServerParameters(
            command=config.command,
            args=list(config.args),
            # Servers get our environment (as in Claude Code), not mcp's short safe list: many
            # read their API keys or PATH additions from it. Not the daemon's own credentials,
            # unless the server's definition passes one on purpose.
            env={**without_credentials(os.environ), **config.env},
            cwd=self._cwd,
        )
        try:
            streams = await stack.enter_async_context(stdio_client(params, errlog=errlog))
        finally:
            # The child holds its own copy; ours must go or stderr never reaches EOF.
            errlog.close()
        return streams[0], streams[1]

    async def _translate(self, exc: BaseException, what: str) -> McpError:
        """The one place where the mcp package's (and OS) exceptions become ours."""
        import mcp_types
        from mcp.shared.exceptions import MCPError

        exc = _leaf(exc)
        if isinstance(exc, McpError):
            return exc
        if isinstance(exc, MCPError):
            if exc.code == mcp_types.REQUEST_TIMEOUT:
                return McpTimeoutError(self._message(f"did not answer ({what}) in time"))
            if exc.code == mcp_types.CONNECTION_CLOSED:
                await self._wait_stderr()
                return McpConnectionError(
                    self._message(f"closed the connection ({what}); did the server exit?")
                )
            return McpServerError(self._message(f"refused {what}: {exc.message}"))
        if isinstance(exc, FileNotFoundError) and isinstance(self.config, StdioServerConfig):
            return McpConnectionError(
                self._message(f"cannot start: command {self.config.command!r} not found")
            )
        if isinstance(exc, OSError):
            return McpConnectionError(self._message(f"cannot start or reach the server: {exc}"))
        if isinstance(exc, asyncio.CancelledError):
            return McpConnectionError(self._message(f"was stopped ({what})"))
        await self._wait_stderr()
        detail = str(exc) or type(exc).__name__
        if isinstance(self.config, RemoteServerConfig):
            what = f"{what}, {self.config.url}"
        return McpConnectionError(self._message(f"failed ({what}): {detail}"))

    async def _wait_stderr(self) -> None:
        # A server that just died may still have its last words in the pipe.
        if isinstance(self.config, StdioServerConfig):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stderr.eof.wait(), _STDERR_EOF_WAIT)

    def _message(self, text: str) -> str:
        message = f"MCP server {self.name!r} {text}"
        tail = [line for line in self._stderr.lines if line.strip()][-10:]
        if tail:
            message += "\nLast lines of its stderr:\n" + "\n".join(f"  {line}" for line in tail)
        return message


def _leaf(exc: BaseException) -> BaseException:
    # anyio task groups wrap failures in exception groups; the first real one says what broke.
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def _content_block(item: Any) -> dict[str, Any]:
    """One MCP content item as a Messages API content block (text or image)."""
    kind = getattr(item, "type", None)
    if kind == "text":
        return {"type": "text", "text": str(item.text)}
    if kind == "image":
        return _image_or_note(str(item.mime_type), str(item.data), "image")
    if kind == "audio":
        return {"type": "text", "text": f"[audio content ({item.mime_type}) not shown]"}
    if kind == "resource":
        resource = item.resource
        uri = str(resource.uri)
        text = getattr(resource, "text", None)
        if text is not None:
            return {"type": "text", "text": f"[resource {uri}]\n{text}"}
        mime = str(getattr(resource, "mime_type", None) or "application/octet-stream")
        return _image_or_note(mime, str(resource.blob), f"resource {uri}")
    if kind == "resource_link":
        label = getattr(item, "name", "") or ""
        return {"type": "text", "text": f"[resource link {label}: {item.uri}]"}
    dumped = cast(Any, item).model_dump_json() if hasattr(item, "model_dump_json") else repr(item)
    return {"type": "text", "text": str(dumped)}


def _image_or_note(mime: str, data: str, what: str) -> dict[str, Any]:
    if mime in _API_IMAGE_TYPES:
        return {"type": "image", "source": {"type": "base64", "media_type": mime, "data": data}}
    return {"type": "text", "text": f"[{what} ({mime}, {len(data) * 3 // 4} bytes) not shown]"}
