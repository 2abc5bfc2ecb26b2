"""TCP needs the token from the data dir; without it initialize is refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from support.daemon import daemon_env, initialize, socket_daemon


async def test_tcp_requires_the_token(home: Path) -> None:
    async with socket_daemon(daemon_env(home), "tcp:0") as d:
        assert d.address.startswith("tcp:127.0.0.1:")  # loopback unless told otherwise
        token_file = home / "tcp-token"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text().strip()

        anonymous, _ = await d.connect(init=False)
        with pytest.raises(RpcError) as refused:
            await initialize(anonymous)
        assert refused.value.code == -32001
        with pytest.raises(RpcError) as not_init:
            await anonymous.request("daemon/status")
        assert not_init.value.code == -32002

        wrong, _ = await d.connect(init=False)
        with pytest.raises(RpcError):
            await initialize(wrong, token="not-the-token")

        good, _ = await d.connect(init=False)
        await initialize(good, token=token)
        status = await good.request("daemon/status")
        transports = sorted(c["transport"] for c in status["connections"])
        assert transports == ["tcp", "tcp", "tcp"]
        for client in (anonymous, wrong, good):
            await client.close()
    assert not (home / "tcp-token").exists()  # removed when the daemon stops
