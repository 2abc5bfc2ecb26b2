"""The HTTP server: a threaded HTTP/1.1 server on 127.0.0.1 that follows a script."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ._script import (
    STATUS_FOR_ERROR_TYPE,
    HttpError,
    RecordedRequest,
    ScriptItem,
    Turn,
    new_id,
    normalize_items,
)
from ._sse import encode_event, error_body, estimate_tokens, message_json, stream_events

__all__ = ["FakeAnthropic"]

_HOST = "127.0.0.1"
MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
_REQUIRED_FIELDS = {MESSAGES_PATH: ("model", "messages", "max_tokens")}
_LAST_CHUNK = b"0\r\n\r\n"


class _Dropped(Exception):
    """The handler cut the connection on purpose (or the fake is stopping)."""


class FakeAnthropic:
    """A fake Anthropic Messages API on ``127.0.0.1``, serving from a background thread.

    Each ``POST /v1/messages`` takes the next script item (a Turn, an HttpError, or a
    callable of the RecordedRequest returning one). Every request is recorded in
    ``requests`` before it is answered. Use as a (sync or async) context manager, or call
    ``start()`` / ``stop()``.
    """

    def __init__(
        self,
        turns: Iterable[ScriptItem] = (),
        *,
        port: int = 0,
    ) -> None:
        self._lock = threading.Condition()
        self._script: deque[ScriptItem] = deque(normalize_items(list(turns)))
        self._scripted = len(self._script)
        self._taken = 0
        self._requests: list[RecordedRequest] = []
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeAnthropic:
        """Bind a port and start serving in a daemon thread. Returns ``self``."""
        if self._server is not None:
            return self
        self._stopping.clear()
        # Loopback only: the fake must never be reachable from elsewhere.
        server = _Server((_HOST, self._port), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},  # stop() waits up to one interval
            name=f"fake-anthropic-{server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut open connections (in-flight streams end abruptly)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_all_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeAnthropic:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- inspection --------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound TCP port (the server must be started)."""
        if self._server is None:
            raise RuntimeError("FakeAnthropic is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, the value for ``ANTHROPIC_BASE_URL``."""
        return f"http://{_HOST}:{self.port}"

    @property
    def connections_opened(self) -> int:
        """How many TCP connections clients opened so far (keep-alive reuse keeps it low)."""
        assert self._server is not None, "the fake is not running"
        return self._server.opened

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """Only the ``POST /v1/messages`` requests."""
        return [r for r in self.requests if r.method == "POST" and r.path == MESSAGES_PATH]

    @property
    def remaining(self) -> int:
        """How many script items have not been consumed yet."""
        with self._lock:
            return len(self._script)

    def add_turns(self, *turns: ScriptItem) -> None:
        """Append items to the script; safe from any thread while serving."""
        items = normalize_items(turns)
        with self._lock:
            self._script.extend(items)
            self._scripted += len(items)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests arrived; raise TimeoutError otherwise."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._requests) >= count, timeout):
                raise TimeoutError(
                    f"expected {count} request(s) within {timeout}s, got {len(self._requests)}"
                )
            return list(self._requests)

    # -- used by the handler -----------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)
            self._lock.notify_all()

    def _next_item(self) -> tuple[ScriptItem | None, int, int]:
        """Pop the next item; also return its 1-based position and the scripted total."""
        with self._lock:
            self._taken += 1
            item = self._script.popleft() if self._script else None
            return item, self._taken, self._scripted

    def _pause(self, seconds: float) -> None:
        # Waiting on the stop event lets stop() interrupt a slow trickle at once.
        if seconds > 0 and self._stopping.wait(seconds):
            raise _Dropped


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    fake: FakeAnthropic

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.opened = 0
        super().__init__(address, handler)

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self.opened += 1
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up is routine for a test server; anything else is worth a trace.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_all_connections(self) -> None:
        with self._connections_lock:
            conns = list(self._connections)
            self._connections.clear()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-anthropic/1.0"
    sys_version = ""
    server: _Server
    _started = False

    def setup(self) -> None:
        super().setup()
        # Without TCP_NODELAY, Nagle plus delayed ACKs stalls small SSE writes by ~40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.request, True)

    def finish(self) -> None:
        self.server.track(self.request, False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet by default: per-request logging to stderr would slow benchmarks down.
        return

    def do_POST(self) -> None:
        self._dispatch()

    do_GET = do_POST
    do_PUT = do_POST
    do_PATCH = do_POST
    do_DELETE = do_POST
    do_OPTIONS = do_POST

    # -- request handling --------------------------------------------------------------

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # Skip any trailers up to the blank line.
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        fake = self.server.fake
        try:
            raw = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        path, _, query = self.path.partition("?")
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            # Repeated headers (e.g. several anthropic-beta lines) join as HTTP allows.
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                body = None
        request = RecordedRequest(self.command, path, query, headers, body, raw)
        fake._record(request)

        self._started = False
        try:
            self._respond(fake, request)
        except _Dropped:
            self._drop()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            # The client went away mid-response; nothing left to tell it.
            self.close_connection = True
        except Exception as exc:
            # A bug here must reach the test as a loud error, not as a hang.
            if self._started:
                self._drop()
            else:
                message = f"fake_anthropic: internal error: {exc!r}"
                self._send_error(HttpError(500, "api_error", message), final=True)

    def _respond(self, fake: FakeAnthropic, request: RecordedRequest) -> None:
        if request.method != "POST" or request.path not in (MESSAGES_PATH, COUNT_TOKENS_PATH):
            self._send_error(
                HttpError(
                    404,
                    "not_found_error",
                    f"fake_anthropic: no route for {request.method} {request.path}",
                ),
                final=True,
            )
            return
        if "x-api-key" not in request.headers and "authorization" not in request.headers:
            self._send_error(
                HttpError(
                    401,
                    "authentication_error",
                    "x-api-key header is required (fake_anthropic saw neither x-api-key "
                    "nor authorization)",
                ),
                final=True,
            )
            return
        problem = _validate(request)
        if problem is not None:
            self._send_error(HttpError(400, "invalid_request_error", problem), final=True)
            return
        if request.path == COUNT_TOKENS_PATH:
            self._send_json(200, {"input_tokens": estimate_tokens(request.body)})
            return

        item, position, scripted = fake._next_item()
        if item is None:
            self._send_error(
                HttpError(
                    500,
                    "api_error",
                    f"fake_anthropic: the script ran out of turns: this is POST /v1/messages "
                    f"number {position}, but only {scripted} turn(s) were scripted "
                    "(add more with add_turns())",
                ),
                final=True,
            )
            return
        if not isinstance(item, Turn | HttpError):
            try:
                produced: object = item(request)
            except Exception as exc:
                self._send_error(
                    HttpError(500, "api_error", f"fake_anthropic: script callable raised {exc!r}"),
                    final=True,
                )
                return
            if not isinstance(produced, Turn | HttpError):
                message = f"fake_anthropic: script callable returned {produced!r}, not a Turn"
                self._send_error(HttpError(500, "api_error", message), final=True)
                return
            item = produced
        if isinstance(item, HttpError):
            self._send_error(item)
            return
        if item.http_error is not None:
            self._send_error(item.http_error, extra_headers=item.headers)
            return

        body = request.body
        assert isinstance(body, dict)  # _validate checked it
        model = item.model if item.model is not None else str(body["model"])
        usage_in = item.usage.input_tokens
        input_tokens = usage_in if usage_in is not None else estimate_tokens(body)
        if request.is_stream:
            self._send_stream(fake, item, model, input_tokens)
        else:
            self._send_message(fake, item, model, input_tokens)

    # -- responses ---------------------------------------------------------------------

    def _start(self, status: int, headers: dict[str, str]) -> str:
        request_id = new_id("req_")
        self._started = True
        self.send_response(status)
        self.send_header("request-id", request_id)
        for name, value in headers.items():
            self.send_header(name, value)
        return request_id

    def _send_json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._start(status, {"content-type": "application/json", **(headers or {})})
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_error(
        self,
        error: HttpError,
        *,
        final: bool = False,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        headers = {"content-type": "application/json", **error.headers, **(extra_headers or {})}
        if final:
            # The fake's own rejections never get better on retry; tell the SDKs so.
            headers["x-should-retry"] = "false"
        request_id = self._start(error.status, headers)
        data = json.dumps(error_body(error.error_type, error.message, request_id)).encode()
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_message(self, fake: FakeAnthropic, turn: Turn, model: str, input_tokens: int) -> None:
        fake._pause(turn.delay)
        if turn.error_event_after is not None:
            # A plain request cannot get a mid-stream error; answer with its HTTP form.
            status = STATUS_FOR_ERROR_TYPE.get(turn.error_event_type, 500)
            self._send_error(
                HttpError(status, turn.error_event_type, turn.error_event_message),
                extra_headers=turn.headers,
            )
            return
        payload = message_json(turn, model=model, input_tokens=input_tokens)
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._start(200, {"content-type": "application/json", **turn.headers})
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        if turn.drop_after is not None:
            self.wfile.write(data[: len(data) // 2])
            raise _Dropped
        self.wfile.write(data)

    def _send_stream(self, fake: FakeAnthropic, turn: Turn, model: str, input_tokens: int) -> None:
        self._start(
            200,
            {
                "content-type": "text/event-stream; charset=utf-8",
                "cache-control": "no-cache",
                "transfer-encoding": "chunked",
                **turn.headers,
            },
        )
        self.end_headers()
        write = self.wfile.write
        drop_after, error_after = turn.drop_after, turn.error_event_after
        events = stream_events(turn, model=model, input_tokens=input_tokens)
        if turn.stall_after == 0:
            self.wfile.flush()
        for sent, (kind, event) in enumerate(events):
            if sent == drop_after:
                raise _Dropped
            if sent == error_after:
                self._send_error_event(turn)
                return
            if sent == turn.stall_after:
                fake._pause(turn.stall_seconds)
                raise _Dropped
            if sent == turn.malformed_after:
                bad = b"event: content_block_delta\ndata: {not json at all\n\n"
                write(b"%x\r\n%b\r\n" % (len(bad), bad))
            if kind == "message_stop" and turn.omit_message_stop:
                break
            if sent:
                fake._pause(turn.delay)
            # One write per event: size line, payload and CRLF go out together.
            write(b"%x\r\n%b\r\n" % (len(event), event))
        # A fault placed past the last event still happens, after the whole stream.
        if drop_after is not None:
            raise _Dropped
        if error_after is not None:
            self._send_error_event(turn)
            return
        write(_LAST_CHUNK)

    def _send_error_event(self, turn: Turn) -> None:
        event = encode_event("error", error_body(turn.error_event_type, turn.error_event_message))
        self.wfile.write(b"%x\r\n%b\r\n" % (len(event), event) + _LAST_CHUNK)

    def _drop(self) -> None:
        # Close without the last chunk so the client sees a truncated body, not an end.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.request.shutdown(socket.SHUT_RDWR)


def _validate(request: RecordedRequest) -> str | None:
    """A short description of what is wrong with the body, in the API's style, or None."""
    body = request.body
    if not request.raw:
        return "request body is empty; expected a JSON object"
    if body is None:
        return "request body is not valid JSON"
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    required = _REQUIRED_FIELDS.get(request.path, ("model", "messages"))
    for name in required:
        if name not in body:
            return f"{name}: Field required"
    if not isinstance(body["model"], str):
        return "model: Input should be a valid string"
    if not isinstance(body["messages"], list):
        return "messages: Input should be a valid list"
    if "max_tokens" in required and (
        not isinstance(body["max_tokens"], int) or isinstance(body["max_tokens"], bool)
    ):
        return "max_tokens: Input should be a valid integer"
    return None
