"""Hypothesis throws generated frames at a real daemon, over a unix socket and over stdio: good
and broken headers, lengths too short and too long, JSON of every shape, JSON-RPC envelopes with
odd ids, methods and params, raw bytes. The daemon never dies, and the fuzzed connection still
answers a valid request afterwards."""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.daemon import SERVER_CMD, daemon_env, frame

PROBE_ID = 999_999
PROBE = json.dumps({"jsonrpc": "2.0", "id": PROBE_ID, "method": "daemon/status"}).encode()
INIT = json.dumps(
    {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}
).encode()

# Anything a client may call, plus names that are not methods; never exit or shutdown, which end
# a connection on purpose.
METHOD_NAMES = [
    "daemon/status",
    "session/new",
    "session/list",
    "session/prompt",
    "session/attach",
    "session/cancel",
    "$/cancelRequest",
    "initialized",
    "initialize",
    "files/search",
    "workspace/status",
    "workspace/executeCommand",
    "textDocument/hover",
    "",
    "nonsense",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
ids = st.one_of(st.integers(), st.text(max_size=6), st.none(), json_values)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "jsonrpc": st.sampled_from(["2.0", "1.0", 2]),
        "id": ids,
        "method": st.sampled_from(METHOD_NAMES) | json_values,
        "params": json_values | st.fixed_dictionaries({"sessionId": st.text(max_size=40)}),
        "result": json_values,
        "error": json_values,
    },
)
bodies = st.one_of(
    envelopes.map(lambda e: json.dumps(e).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=120),
    st.integers(1, 100).map(lambda n: b"[" * n + b"]" * n),
)


@st.composite
def frames(draw: st.DrawFn) -> bytes:
    body = draw(bodies)
    header = draw(
        st.one_of(
            st.just(b"Content-Length: %d\r\n\r\n" % len(body)),
            st.integers(-5, 40).map(
                lambda d: b"Content-Length: %d\r\n\r\n" % max(0, len(body) + d)
            ),
            st.sampled_from(
                [
                    b"Content-Length: abc\r\n\r\n",
                    b"Content-Length: -4\r\n\r\n",
                    b"Content-Length: " + b"9" * 40 + b"\r\n\r\n",
                    b"Content-Type: application/json\r\n\r\n",
                    b"X-" + b"h" * 9000 + b": 1\r\n\r\n",
                    b"\r\n",
                    b"",
                ]
            ),
        )
    )
    return header + body


class Wire:
    """A byte stream to the daemon with a reader of its frames."""

    def __init__(self, send: Callable[[bytes], None], recv: Callable[[float], bytes]) -> None:
        self._send = send
        self._recv = recv
        self._buf = b""

    def send(self, data: bytes) -> None:
        self._send(data)

    def frames(self, deadline: float) -> Iterator[dict[str, Any]]:
        while time.monotonic() < deadline:
            head, sep, rest = self._buf.partition(b"\r\n\r\n")
            if sep:
                fields = dict(line.split(b":", 1) for line in head.split(b"\r\n"))
                length = int(fields[b"Content-Length"])
                if len(rest) >= length:
                    self._buf = rest[length:]
                    yield json.loads(rest[:length])
                    continue
            chunk = self._recv(max(0.01, deadline - time.monotonic()))
            if not chunk and not self._buf:
                return
            self._buf += chunk

    def answers_probe(self, tries: int = 3, timeout: float = 3.0) -> bool:
        """Whether a valid request gets its reply (a result, or the error it deserves before
        initialize). A frame that announced more bytes than it had may swallow the first
        try, as it would swallow any next message: a client then sends again."""
        for _ in range(tries):
            self.send(frame(PROBE))
            deadline = time.monotonic() + timeout
            if any(f.get("id") == PROBE_ID for f in self.frames(deadline)):
                return True
        return False


def _socket_wire(path: str) -> tuple[Wire, socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)

    def recv(timeout: float) -> bytes:
        sock.settimeout(timeout)
        try:
            return sock.recv(65536)
        except TimeoutError:
            return b""

    return Wire(sock.sendall, recv), sock


def _quiet_daemon(factory: pytest.TempPathFactory, name: str) -> tuple[Path, dict[str, str]]:
    home = factory.mktemp(name)
    home.chmod(0o700)
    return home, {**daemon_env(home), "CLAUDE_PY_LOG": "warning"}


@pytest.fixture(scope="module")
def socket_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    home, env = _quiet_daemon(tmp_path_factory, "fuzz-home")
    path = str(home / "d.sock")
    proc = subprocess.Popen(
        [*SERVER_CMD, "--listen", f"unix:{path}"], env=env, stderr=subprocess.DEVNULL
    )
    for _ in range(300):
        if os.path.exists(path):
            break
        time.sleep(0.02)
    yield proc, path
    proc.terminate()
    proc.wait(10)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(frames(), min_size=1, max_size=4), st.booleans())
def test_socket_frames(
    socket_server: tuple[subprocess.Popen[bytes], str], fuzz: list[bytes], init_first: bool
) -> None:
    proc, path = socket_server
    wire, sock = _socket_wire(path)
    try:
        if init_first:
            wire.send(frame(INIT))
        for data in fuzz:
            wire.send(data)
        assert wire.answers_probe(), fuzz
    finally:
        sock.close()
    assert proc.poll() is None


@pytest.fixture(scope="module")
def stdio_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.Popen[bytes], Wire]]:
    _, env = _quiet_daemon(tmp_path_factory, "fuzz-stdio")
    proc = subprocess.Popen(
        [*SERVER_CMD, "--stdio"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    out = proc.stdout
    selector = selectors.DefaultSelector()
    selector.register(out, selectors.EVENT_READ)
    stdin = proc.stdin

    def send(data: bytes) -> None:
        stdin.write(data)
        stdin.flush()

    def recv(timeout: float) -> bytes:
        if not selector.select(timeout):
            return b""
        return os.read(out.fileno(), 65536)

    wire = Wire(send, recv)
    wire.send(frame(INIT))
    yield proc, wire
    proc.terminate()
    proc.wait(10)
    selector.close()
    stdin.close()
    out.close()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(frames(), min_size=1, max_size=3))
def test_stdio_frames(
    stdio_server: tuple[subprocess.Popen[bytes], Wire], fuzz: list[bytes]
) -> None:
    proc, wire = stdio_server
    for data in fuzz:
        wire.send(data)
    assert wire.answers_probe(), fuzz
    assert proc.poll() is None
