"""AskUserQuestion and plan mode reach the user through session/askUser."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import daemon_env, socket_daemon

QUESTION = {
    "question": "Which database?",
    "header": "DB",
    "options": [
        {"label": "Postgres", "description": "robust"},
        {"label": "SQLite", "description": "simple"},
    ],
    "multiSelect": False,
}


async def test_questions_and_plan_approval(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    asked: list[dict[str, Any]] = []

    async def answer(method: str, params: Any) -> Any:
        assert method == "session/askUser"
        asked.append(params)
        question = params["questions"][0]
        label = question["options"][0]["label"]
        return {"outcome": "answered", "answers": {question["question"]: label}}

    fake.add_turns(
        Turn(blocks=[ToolUse(name="AskUserQuestion", input={"questions": [QUESTION]}, id="tu_q")]),
        Turn(blocks=[ToolUse(name="EnterPlanMode", input={}, id="tu_plan")]),
        Turn(
            blocks=[
                ToolUse(
                    name="Write",
                    input={"file_path": str(project / "x.txt"), "content": "x"},
                    id="tu_w",
                )
            ]
        ),
        Turn(
            blocks=[
                ToolUse(
                    name="ExitPlanMode",
                    input={"plan": "1. Use Postgres\n2. Write x.txt"},
                    id="tu_exit",
                )
            ]
        ),
        Turn.text("ready to implement"),
    )
    async with socket_daemon(
        daemon_env(home, fake.base_url), f"unix:{home / 'run' / 'd.sock'}"
    ) as d:
        client, updates = await d.connect(on_request=answer)
        sid = (await client.request("session/new", {"cwd": str(project)}))["sessionId"]
        result = await asyncio.wait_for(
            client.request(
                "session/prompt",
                {"sessionId": sid, "prompt": [{"type": "text", "text": "set up the db"}]},
            ),
            30,
        )
        assert result["stopReason"] == "end_turn"
        assert asked[0]["questions"][0]["question"] == "Which database?"
        assert asked[0]["toolCallId"] == "tu_q"
        results = [
            r.body["messages"][-1]["content"][0] for r in fake.message_requests[1:] if r.body
        ]
        assert "Postgres" in results[0]["content"]
        write = results[2]
        assert write["is_error"] is True and "plan mode" in write["content"].lower()
        assert not (project / "x.txt").exists()
        assert "Use Postgres" in str(asked[1])  # the plan was shown to the user
        modes = [
            u["update"]["mode"] for u in updates.items if u["update"]["kind"] == "mode_changed"
        ]
        assert modes[0] == "plan"
        assert modes[-1] == "default"  # the first option approves with questions as before
        await client.close()
