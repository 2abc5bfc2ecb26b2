"""auth/* over the wire: the active source, and never the secret."""

from __future__ import annotations

import json
from pathlib import Path

from support.daemon import daemon_env, stdio_daemon


async def test_status_names_the_source_without_the_secret(home: Path) -> None:
    env = daemon_env(home, api_key="sk-ant-very-secret-value-123")
    async with stdio_daemon(env) as d:
        status = await d.client.request("auth/status")
        assert status["source"] == "env:ANTHROPIC_API_KEY"
        assert status["kind"] == "api_key"
        assert "sk-ant-very-secret-value-123" not in json.dumps(status)
        assert "very-secret" not in json.dumps(status)


async def test_status_without_any_credential(home: Path, tmp_path: Path) -> None:
    env = daemon_env(home, api_key=None)
    env["HOME"] = str(tmp_path)  # no Claude Code login either
    async with stdio_daemon(env) as d:
        status = await d.client.request("auth/status")
        assert status["source"] == "none"
        assert any(s["name"] == "env:ANTHROPIC_API_KEY" for s in status["sources"])
