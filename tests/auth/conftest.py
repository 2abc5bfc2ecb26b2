"""Fixtures for the auth tests: a real Secret Service, a local OAuth token endpoint, helpers.

The Secret Service is a real ``gnome-keyring-daemon`` on a private D-Bus session bus started for
each test (apt packages ``dbus`` and ``gnome-keyring``). The bus uses a minimal configuration
without service directories, so nothing is ever D-Bus-activated behind our back; the test process
reaches it through ``DBUS_SESSION_BUS_ADDRESS`` and ``keyring.backends.SecretService.Keyring``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from support.system import missing

from ._support import Clock, TokenRequest, TokenServer

UNLOCK_PASSWORD = b"claude-py-test-unlock"  # gnome-keyring needs a non-empty one

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture
def clock() -> Clock:
    """A clock that only moves when told to."""
    return Clock()


def _wait_for_secret_service(deadline: float) -> None:
    import secretstorage

    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with secretstorage.dbus_init() as connection:
                if secretstorage.check_service_availability(connection):
                    collection = secretstorage.get_default_collection(connection)
                    if not collection.is_locked():
                        return
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.05)
    raise RuntimeError(f"the Secret Service did not come up: {last!r}")


@pytest.fixture
def secret_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyringBackend]:
    """A real, unlocked Secret Service (gnome-keyring) on a private session bus.

    Yields keyring's SecretService backend talking to it; ``DBUS_SESSION_BUS_ADDRESS`` points at
    the private bus for the duration of the test.
    """
    dbus_daemon = shutil.which("dbus-daemon")
    gnome_keyring = shutil.which("gnome-keyring-daemon")
    if dbus_daemon is None or gnome_keyring is None:
        reason = (
            "a real Secret Service needs dbus-daemon and gnome-keyring-daemon "
            "(apt-get install dbus gnome-keyring)"
        )
        missing(reason)
    from keyring.backends import SecretService

    # A short path: unix socket paths are limited to about 100 bytes.
    root = Path(tempfile.mkdtemp(prefix="ss-", dir="/tmp"))
    home, run = root / "home", root / "run"
    home.mkdir(mode=0o700)
    run.mkdir(mode=0o700)
    config = root / "bus.conf"
    config.write_text(_BUS_CONFIG.format(socket=root / "bus"))
    procs: list[subprocess.Popen[Any]] = []
    try:
        bus = subprocess.Popen(
            [dbus_daemon, f"--config-file={config}", "--nofork", "--nosyslog", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        procs.append(bus)
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        assert address, "dbus-daemon printed no address"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(run),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "DBUS_SESSION_BUS_ADDRESS": address,
        }
        with (root / "gnome-keyring.log").open("wb") as log_file:
            keyring_daemon = subprocess.Popen(
                [gnome_keyring, "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                env=env,
            )
        procs.append(keyring_daemon)
        assert keyring_daemon.stdin is not None
        keyring_daemon.stdin.write(UNLOCK_PASSWORD)
        keyring_daemon.stdin.close()
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        _wait_for_secret_service(time.monotonic() + 15)
        yield SecretService.Keyring()  # type: ignore[no-untyped-call]
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            if proc.stdout is not None:
                proc.stdout.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    """An HTTP token endpoint on 127.0.0.1."""
    state: list[TokenServer] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            server = state[0]
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = raw
            with lock:
                server.requests.append(
                    TokenRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, answer = server.replies.pop(0) if server.replies else (500, {})
            if server.delay:
                time.sleep(server.delay)
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(TokenServer(url=f"http://127.0.0.1:{httpd.server_address[1]}/v1/oauth/token"))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
