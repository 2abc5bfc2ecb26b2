"""The apiKeyHelper source, run as a real shell script."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from claude_server.auth import CredentialResolver
from claude_server.errors import AuthError, ConfigError

from ._support import Clock, base_env, no_keyring, oauth_document, write_credentials

COUNTING_HELPER = """#!/bin/sh
echo run >> "$COUNT_FILE"
n=$(wc -l < "$COUNT_FILE" | tr -d ' ')
printf '%s\\n' "sk-ant-helper-$n"
"""


def script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body)
    path.chmod(0o755)
    return path


def runs(count_file: Path) -> int:
    return len(count_file.read_text().splitlines()) if count_file.exists() else 0


def make(
    tmp_path: Path,
    helper: str,
    clock: Clock,
    *,
    timeout: float = 10.0,
    **env: str,
) -> CredentialResolver:
    return CredentialResolver(
        base_env(COUNT_FILE=str(tmp_path / "count"), **env),
        api_key_helper=helper,
        home=tmp_path,
        keyring_backend=no_keyring(),
        clock=clock,
        helper_timeout=timeout,
    )


async def test_helper_key_is_sent_both_ways(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    credential = await make(tmp_path, str(helper), clock).resolve()
    assert credential.source == "apiKeyHelper" and credential.kind == "api_key"
    assert credential.secret == "sk-ant-helper-1"
    assert credential.headers() == {
        "x-api-key": "sk-ant-helper-1",
        "authorization": "Bearer sk-ant-helper-1",
    }
    assert "sk-ant-helper" not in repr(credential)


async def test_helper_key_is_cached_for_the_ttl(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    resolver = make(tmp_path, f"{helper} --flag", clock, CLAUDE_CODE_API_KEY_HELPER_TTL_MS="60000")
    count = tmp_path / "count"
    assert (await resolver.resolve()).secret == "sk-ant-helper-1"
    clock.advance(59)
    assert (await resolver.resolve()).secret == "sk-ant-helper-1"
    assert runs(count) == 1
    status = await resolver.status()
    assert status.source == "apiKeyHelper"
    assert "cached for 1 s more" in status.sources[2].detail
    clock.advance(2)
    assert (await resolver.resolve()).secret == "sk-ant-helper-2"
    assert runs(count) == 2


async def test_default_ttl_is_five_minutes(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    resolver = make(tmp_path, str(helper), clock)
    await resolver.resolve()
    clock.advance(299)
    await resolver.resolve()
    assert runs(tmp_path / "count") == 1
    clock.advance(2)
    await resolver.resolve()
    assert runs(tmp_path / "count") == 2


async def test_invalidate_forces_a_new_run(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    resolver = make(tmp_path, str(helper), clock)
    refused = await resolver.resolve()
    await resolver.invalidate(refused)
    assert (await resolver.resolve()).secret == "sk-ant-helper-2"
    await resolver.invalidate()
    assert (await resolver.resolve()).secret == "sk-ant-helper-3"


async def test_concurrent_resolves_run_the_helper_once(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", "sleep 0.3\n" + COUNTING_HELPER)
    resolver = make(tmp_path, str(helper), clock)
    credentials = await asyncio.gather(*(resolver.resolve() for _ in range(5)))
    assert {c.secret for c in credentials} == {"sk-ant-helper-1"}
    assert runs(tmp_path / "count") == 1


async def test_status_does_not_run_the_helper(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    status = await make(tmp_path, str(helper), clock).status()
    assert status.source == "apiKeyHelper" and status.kind == "api_key"
    assert "runs on next use" in status.sources[2].detail
    assert runs(tmp_path / "count") == 0


async def test_failing_helper_is_named_but_not_quoted(tmp_path: Path, clock: Clock) -> None:
    helper = script(
        tmp_path,
        "failing.sh",
        "echo sk-ant-OUT-SECRET\necho sk-ant-ERR-SECRET >&2\nexit 3\n",
    )
    with pytest.raises(AuthError) as caught:
        await make(tmp_path, f"{helper} sk-ant-ARG-SECRET", clock).resolve()
    message = str(caught.value)
    assert str(helper) in message and "exit status 3" in message
    assert "SECRET" not in message and "SECRET" not in repr(caught.value)


async def test_empty_output_is_an_error(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "empty.sh", "printf '  \\n'\n")
    with pytest.raises(AuthError, match="printed nothing"):
        await make(tmp_path, str(helper), clock).resolve()


async def test_several_lines_are_refused_without_echo(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "chatty.sh", "echo 'your key is:'\necho sk-ant-LINE-SECRET\n")
    with pytest.raises(AuthError, match="only the API key") as caught:
        await make(tmp_path, str(helper), clock).resolve()
    assert "SECRET" not in str(caught.value)


async def test_failing_helper_does_not_fall_through(tmp_path: Path, clock: Clock) -> None:
    # A configured helper that fails is an error, even when a lower source has a login.
    write_credentials(tmp_path, oauth_document(expires_at_ms=int(time.time() * 1000) + 3_600_000))
    helper = script(tmp_path, "failing.sh", "exit 1\n")
    with pytest.raises(AuthError, match="apiKeyHelper"):
        await make(tmp_path, str(helper), clock).resolve()


async def test_hanging_helper_is_killed_at_the_timeout(tmp_path: Path, clock: Clock) -> None:
    pid_file = tmp_path / "child.pid"
    helper = script(tmp_path, "hang.sh", f"sleep 60 &\necho $! > {pid_file}\nwait\n")
    with pytest.raises(AuthError, match=r"did not finish within 0\.5 s"):
        await make(tmp_path, str(helper), clock, timeout=0.5).resolve()
    child = int(pid_file.read_text())
    # The helper's own child was killed too (dead, or a zombie waiting for init to reap it).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        await asyncio.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


async def test_env_key_wins_over_helper(tmp_path: Path, clock: Clock) -> None:
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    resolver = make(tmp_path, str(helper), clock, ANTHROPIC_AUTH_TOKEN="tok")
    assert (await resolver.resolve()).source == "env:ANTHROPIC_AUTH_TOKEN"
    assert runs(tmp_path / "count") == 0


async def test_helper_wins_over_claude_code_login(tmp_path: Path, clock: Clock) -> None:
    write_credentials(tmp_path, oauth_document(expires_at_ms=int(time.time() * 1000) + 3_600_000))
    helper = script(tmp_path, "helper.sh", COUNTING_HELPER)
    assert (await make(tmp_path, str(helper), clock).resolve()).source == "apiKeyHelper"


def test_bad_ttl_is_a_config_error(tmp_path: Path, clock: Clock) -> None:
    with pytest.raises(ConfigError, match="CLAUDE_CODE_API_KEY_HELPER_TTL_MS"):
        make(tmp_path, "true", clock, CLAUDE_CODE_API_KEY_HELPER_TTL_MS="soon")


async def test_helper_gets_the_daemon_environment(tmp_path: Path, clock: Clock) -> None:
    resolver = make(tmp_path, 'printf %s "$MY_KEY"', clock, MY_KEY="sk-ant-from-env")
    assert (await resolver.resolve()).secret == "sk-ant-from-env"
    assert os.environ.get("MY_KEY") is None
