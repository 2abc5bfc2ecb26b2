"""TCP needs the token from the data dir; without it initialize is refused."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest
from claude_cli._rpc import RpcError
from support.daemon import daemon_env, frame, initialize, read_raw_frame, socket_daemon


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
        typed, _ = await d.connect(init=False)
        with pytest.raises(RpcError) as not_text:
            await initialize(typed, token=12345)  # type: ignore[arg-type]
        # A token that is not a string is bad params, not an internal error.
        assert not_text.value.code == -32602 and "token" in not_text.value.message
        await typed.close()

        good, _ = await d.connect(init=False)
        await initialize(good, token=token)
        status = await good.request("daemon/status")
        transports = sorted(c["transport"] for c in status["connections"])
        assert transports == ["tcp", "tcp", "tcp"]
        for client in (anonymous, wrong, good):
            await client.close()
    assert not (home / "tcp-token").exists()  # removed when the daemon stops


async def test_before_the_token_a_tcp_client_may_send_only_small_frames(home: Path) -> None:
    async with socket_daemon(daemon_env(home), "tcp:0") as d:
        token = (home / "tcp-token").read_text().strip()
        big = {"cwd": "/", "query": "x" * 200_000}
        reader, writer = await d.open_raw()
        request = {"jsonrpc": "2.0", "id": 1, "method": "files/search", "params": big}
        writer.write(frame(json.dumps(request).encode()))
        await writer.drain()
        # Refused unread: a parse error for the frame (its id was never read).
        reply = json.loads(await asyncio.wait_for(read_raw_frame(reader), 10))
        assert reply["id"] is None and reply["error"]["code"] == -32700
        assert "exceeds the 65536 limit" in reply["error"]["message"]
        writer.close()

        good, _ = await d.connect(init=False)
        await initialize(good, token=token)
        with pytest.raises(RpcError) as after:
            await good.request("files/search", big)
        # Read and answered once authenticated (this query is over the search cap).
        assert "at most 1024 are searched" in after.value.message
        await good.close()


async def test_two_tcp_daemons_on_one_data_dir_share_the_token(home: Path) -> None:
    token_file = home / "tcp-token"
    async with socket_daemon(daemon_env(home), "tcp:0") as first:
        token = token_file.read_text().strip()
        async with socket_daemon(daemon_env(home), "tcp:0") as second:
            assert token_file.read_text().strip() == token  # reused, not overwritten
            for daemon in (first, second):
                client, _ = await daemon.connect(token=token)
                assert (await client.request("daemon/status"))["pid"] == daemon.process.pid
                await client.close()
        # The second one stopped: the first still holds the file and still takes the token.
        assert token_file.read_text().strip() == token
        client, _ = await first.connect(token=token)
        await client.request("daemon/status")
        await client.close()
    assert not token_file.exists()  # the last one out removed it
