"""An MCP server from the project's .mcp.json offers tools to the model through the daemon."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import daemon_env, stdio_daemon, trust_folder

DEMO_SERVER = Path(__file__).resolve().parent.parent / "mcp" / "demo_server.py"


async def test_mcp_tools_reach_the_model(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    (project / ".mcp.json").write_text(
        json.dumps(
            {
                "mcpServers": {
                    "demo": {"command": sys.executable, "args": [str(DEMO_SERVER)]},
                    "broken": {"command": "/nonexistent/mcp-server"},
                }
            }
        )
    )
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"permissions": {"allow": ["mcp__demo"]}})
    )
    (project / ".claude" / "settings.local.json").write_text(
        json.dumps({"enabledMcpjsonServers": ["demo", "broken"]})
    )
    trust_folder(home, project)
    fake.add_turns(
        Turn(blocks=[ToolUse(name="mcp__demo__add", input={"a": 2, "b": 40}, id="tu_add")]),
        Turn.text("42"),
    )
    async with stdio_daemon(daemon_env(home, fake.base_url)) as d:
        sid = (await d.client.request("session/new", {"cwd": str(project)}))["sessionId"]
        result = await d.client.request(
            "session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": "add"}]}
        )
        assert result["stopReason"] == "end_turn"
        problem = await d.updates.wait_for("error")
        assert "broken" in problem["update"]["message"]
    first = fake.message_requests[0].body
    assert first is not None
    names = [t["name"] for t in first["tools"]]
    assert "mcp__demo__add" in names and "mcp__demo__echo" in names
    add = next(t for t in first["tools"] if t["name"] == "mcp__demo__add")
    assert set(add["input_schema"]["properties"]) == {"a", "b"}
    second = fake.message_requests[1].body
    assert second is not None
    tool_result = second["messages"][-1]["content"][0]
    assert tool_result["tool_use_id"] == "tu_add"
    assert "42" in json.dumps(tool_result["content"])
    assert not tool_result.get("is_error")
