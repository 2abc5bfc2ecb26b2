"""Finding, starting and re-finding the daemon on its unix socket."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from claude_cli._connect import DaemonLink, DaemonStartError, Spawner, connect_or_spawn
from claude_cli._paths import history_file, socket_path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "CLAUDE_PY_"))}
    out["CLAUDE_PY_HOME"] = str(home)
    out["ANTHROPIC_API_KEY"] = "sk-test"
    return out


@pytest.fixture
def spawners() -> Iterator[list[Spawner]]:
    made: list[Spawner] = []
    yield made
    for spawner in made:
        process = spawner.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except Exception:
                process.kill()


def _spawner(env: dict[str, str], made: list[Spawner]) -> Spawner:
    spawner = Spawner(env=env)
    made.append(spawner)
    return spawner


def test_paths_follow_the_daemons_rules(home: Path) -> None:
    assert socket_path({"CLAUDE_PY_HOME": str(home)}) == home / "run" / "daemon.sock"
    assert socket_path({"XDG_RUNTIME_DIR": "/run/user/7"}) == Path(
        "/run/user/7/claude-py/daemon.sock"
    )
    assert socket_path({}).name == "daemon.sock" and f"-{os.getuid()}" in str(socket_path({}))
    one = history_file("/a/proj", {"CLAUDE_PY_HOME": str(home)})
    assert one.parent == home / "history" and one.name.startswith("proj-")
    assert one != history_file("/b/proj", {"CLAUDE_PY_HOME": str(home)})


async def test_spawn_once_then_connect(
    home: Path, env: dict[str, str], spawners: list[Spawner]
) -> None:
    path = socket_path(env)
    spawned_notes: list[str] = []
    spawner = _spawner(env, spawners)
    spawner.on_spawn = lambda: spawned_notes.append("spawn")
    _, writer, spawned = await connect_or_spawn(path, spawner)
    writer.close()
    assert spawned and spawned_notes == ["spawn"] and path.exists()
    _, writer, spawned = await connect_or_spawn(path, _spawner(env, spawners))
    writer.close()
    assert not spawned


async def test_two_clients_at_once_start_one_daemon(
    home: Path, env: dict[str, str], spawners: list[Spawner]
) -> None:
    path = socket_path(env)
    results = await asyncio.gather(
        connect_or_spawn(path, _spawner(env, spawners)),
        connect_or_spawn(path, _spawner(env, spawners)),
    )
    for _, writer, _ in results:
        writer.close()
    assert sorted(spawned for _, _, spawned in results) == [False, True]
    assert sum(1 for s in spawners if s.process is not None) == 1


async def test_stale_socket_is_replaced(
    home: Path, env: dict[str, str], spawners: list[Spawner]
) -> None:
    path = socket_path(env)
    path.parent.mkdir(mode=0o700, parents=True)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))  # a socket file nobody listens on: what a crashed daemon leaves
    dead.close()
    _, writer, spawned = await connect_or_spawn(path, _spawner(env, spawners))
    writer.close()
    assert spawned


async def test_no_spawn_when_asked_not_to(home: Path, env: dict[str, str]) -> None:
    with pytest.raises(FileNotFoundError):
        await connect_or_spawn(socket_path(env), Spawner(env=env), spawn=False)


async def test_a_daemon_that_cannot_start_says_why(home: Path, env: dict[str, str]) -> None:
    script = "import sys; print('claude-py-server: --listen: something is wrong', file=sys.stderr); sys.exit(2)"
    spawner = Spawner(command=lambda path: [sys.executable, "-c", script], env=env)
    with pytest.raises(DaemonStartError, match="status 2: --listen: something is wrong"):
        await connect_or_spawn(socket_path(env), spawner, wait_seconds=20)


async def test_link_initializes_and_reconnects_after_a_crash(
    home: Path, env: dict[str, str], spawners: list[Spawner]
) -> None:
    lost: list[str] = []
    spawner = _spawner(env, spawners)

    async def no_requests(method: str, params: object) -> object:
        raise AssertionError(method)

    link = DaemonLink(
        socket_path(env),
        lambda m, p: None,
        no_requests,
        on_lost=lambda: lost.append("lost"),
        spawner=spawner,
    )
    await link.connect()
    assert link.connected and link.spawned
    assert link.features.has("session/new") and not link.features.has("no/such")
    pid = (await link.request("daemon/status"))["pid"]
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if lost:
            break
        await asyncio.sleep(0.05)
    assert lost == ["lost"]
    assert link.client is not None and link.client.closed
    await link.reconnect(delays=(0.0, 0.2, 0.5, 1.0))
    assert link.connected and link.spawned
    assert (await link.request("daemon/status"))["pid"] != pid
    await link.close()
    assert lost == ["lost"]  # a deliberate close is not a loss
