"""After every reliability test: no file it produced (data dir, logs, sessions, projects) holds
the test credential. The daemons under test all run with it (``daemon_env``'s key, or the
canary of ``test_secrets``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CREDENTIALS = ("sk-ant-test", "sk-ant-api03-reliability-canary")


@pytest.fixture(autouse=True)
def no_credential_in_files(tmp_path: Path) -> Iterator[None]:
    yield
    found = []
    scanned = 0
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            scanned += 1
            data = path.read_bytes()
            found += [f"{path}: {c}" for c in CREDENTIALS if c.encode() in data]
    assert not found, found
