"""Paths, environment settings and --listen parsing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from claude_server.config import data_dir, default_socket_path, ensure_private_dir, env_settings
from claude_server.errors import ConfigError
from claude_server.rpc import ListenAddress


def test_claude_py_home_moves_everything(tmp_path: Path) -> None:
    env = {"CLAUDE_PY_HOME": str(tmp_path)}
    assert data_dir(env) == tmp_path
    assert default_socket_path(env) == tmp_path / "run" / "daemon.sock"


def test_runtime_dir_is_used_without_home(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "HOME": str(tmp_path)}
    assert default_socket_path(env) == tmp_path / "claude-py" / "daemon.sock"
    fallback = default_socket_path({"HOME": str(tmp_path)})
    assert fallback.parent.name == f"claude-py-{os.getuid()}"


def test_private_dir_is_0700(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b"
    ensure_private_dir(target)
    assert target.stat().st_mode & 0o777 == 0o700
    target.chmod(0o755)
    ensure_private_dir(target)
    assert target.stat().st_mode & 0o777 == 0o700


def test_env_settings() -> None:
    assert env_settings({"MODEL": "m-1"}).model == "m-1"
    assert env_settings({}).model == "claude-sonnet-4-6"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unix:/tmp/x.sock", ListenAddress(kind="unix", path=Path("/tmp/x.sock"))),
        ("tcp:7777", ListenAddress(kind="tcp", host="127.0.0.1", port=7777)),
        ("tcp:0.0.0.0:0", ListenAddress(kind="tcp", host="0.0.0.0", port=0)),
        ("tcp:[::1]:80", ListenAddress(kind="tcp", host="::1", port=80)),
    ],
)
def test_listen_addresses(text: str, expected: ListenAddress) -> None:
    assert ListenAddress.parse(text) == expected


def test_bare_unix_means_the_default_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_PY_HOME", str(tmp_path))
    assert ListenAddress.parse("unix").path == tmp_path / "run" / "daemon.sock"


@pytest.mark.parametrize("text", ["unix:", "tcp:abc", "tcp:70000", "http://x", "stdio"])
def test_bad_listen_addresses(text: str) -> None:
    with pytest.raises(ConfigError):
        ListenAddress.parse(text)
