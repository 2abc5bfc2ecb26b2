"""Hooks with Claude Code's contract, run as real shell commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from claude_server.config import parse_hooks
from claude_server.engine import HookRunner, matcher_fires
from claude_server.model import ErrorEvent, TurnCompletedEvent
from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support import without_cache_control

from engine._helpers import make_session


@pytest.mark.parametrize(
    ("matcher", "value", "fires"),
    [
        ("Bash", "Bash", True),  # a plain name matches exactly
        ("Bash", "PowerShell", False),
        ("Edit|Write", "Write", True),  # a list of names, | or , separated
        ("Edit, Write", "Edit", True),
        ("Edit|Write", "NotebookEdit", False),  # exact names do not match inside others
        ("*", "Anything", True),  # * and empty match everything
        ("", "Anything", True),
        ("^Notebook", "NotebookEdit", True),  # other characters make it a regular expression
        ("mcp__memory__.*", "mcp__memory__save", True),
        ("Edit.*", "NotebookEdit", True),  # regular expressions are unanchored
        ("^Edit$", "NotebookEdit", False),
        ("Bash", None, False),  # events without a value only match the catch-alls
    ],
)
def test_matcher_rules(matcher: str, value: str | None, fires: bool) -> None:
    assert matcher_fires(matcher, value) is fires


def test_parse_reports_problems_and_keeps_the_rest() -> None:
    config, problems = parse_hooks(
        {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [{"type": "command", "command": "true", "timeout": 5}],
                },
                {"matcher": 3, "hooks": []},
                {"hooks": [{"type": "prompt", "prompt": "x"}]},
            ],
            "Nonsense": [],
        }
    )
    # The prompt-hook group is kept (one schema for all hook types) but reported; it never runs.
    assert [g.matcher for g in config["PreToolUse"]] == ["Bash", None]
    assert config["PreToolUse"][0].hooks[0].timeout == 5
    assert any("Nonsense" in p for p in problems)
    assert any("matcher" in p for p in problems)
    assert any("only command hooks" in p for p in problems)


def _runner(tmp_path: Path, hooks: dict[str, object]) -> HookRunner:
    config, problems = parse_hooks(hooks)
    assert problems == []
    return HookRunner(config, tmp_path, "s1")


async def test_stdin_carries_the_event_and_env_has_the_project(tmp_path: Path) -> None:
    out = tmp_path / "stdin.json"
    runner = _runner(
        tmp_path,
        {
            "PreToolUse": [
                {
                    "matcher": "Bash",
                    "hooks": [
                        {
                            "type": "command",
                            "command": f'cat > {out}; echo "$CLAUDE_PROJECT_DIR" >> {out}.dir',
                        }
                    ],
                }
            ]
        },
    )
    outcome = await runner.run(
        "PreToolUse", {"tool_name": "Bash", "tool_input": {"command": "ls"}}, match="Bash"
    )
    assert not outcome.block
    data = json.loads(out.read_text())
    assert data["hook_event_name"] == "PreToolUse"
    assert data["tool_input"] == {"command": "ls"}
    assert data["session_id"] == "s1"
    assert data["cwd"] == str(tmp_path)
    assert Path(f"{out}.dir").read_text().strip() == str(tmp_path)
    # A matcher that does not fire runs nothing.
    out.unlink()
    await runner.run("PreToolUse", {"tool_name": "Read"}, match="Read")
    assert not out.exists()


async def test_exit_codes(tmp_path: Path) -> None:
    def one(command: str) -> dict[str, object]:
        return {"PreToolUse": [{"hooks": [{"type": "command", "command": command}]}]}

    blocked = await _runner(tmp_path, one("echo 'no rm here' >&2; exit 2")).run(
        "PreToolUse", {}, match="Bash"
    )
    assert blocked.block
    assert blocked.reason == "no rm here"
    failed = await _runner(tmp_path, one("echo oops >&2; exit 1")).run(
        "PreToolUse", {}, match="Bash"
    )
    assert not failed.block
    assert "oops" in failed.messages[0]
    decided = await _runner(
        tmp_path,
        one(
            """echo '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "nope", "updatedInput": {"command": "ls -la"}}}'"""
        ),
    ).run("PreToolUse", {}, match="Bash")
    assert decided.permission == "deny"
    assert decided.reason == "nope"
    assert decided.updated_input == {"command": "ls -la"}
    # Exit 2 blocks even when the JSON says allow.
    both = await _runner(
        tmp_path, one("""echo '{"hookSpecificOutput": {"permissionDecision": "allow"}}'; exit 2""")
    ).run("PreToolUse", {}, match="Bash")
    assert both.block


async def test_a_hanging_hook_is_killed_at_its_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    runner = _runner(
        tmp_path,
        {
            "Stop": [
                {
                    "hooks": [
                        {
                            "type": "command",
                            "command": f"echo $$ > {pid_file}; sleep 100",
                            "timeout": 0.5,
                        }
                    ]
                }
            ]
        },
    )
    outcome = await runner.run("Stop", {})
    assert not outcome.block  # a timeout does not block
    assert "timed out" in outcome.messages[0]
    pid = int(pid_file.read_text())
    assert (
        not Path(f"/proc/{pid}").exists()
        or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    )


async def test_pre_tool_use_blocks_and_rewrites(fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(
        Turn(
            blocks=[
                ToolUse(name="Run", input={"seconds": 0, "label": "danger"}, id="tu_1"),
                ToolUse(name="Look", input={"seconds": 0, "label": "orig"}, id="tu_2"),
            ]
        ),
        Turn.text("ok"),
    )
    hooks = {
        "PreToolUse": [
            {
                "matcher": "Run",
                "hooks": [
                    {
                        "type": "command",
                        "command": "echo 'Run is not allowed by policy' >&2; exit 2",
                    }
                ],
            },
            {
                "matcher": "Look",
                "hooks": [
                    {
                        "type": "command",
                        "command": """echo '{"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": {"seconds": 0, "label": "rewritten"}}}'""",
                    }
                ],
            },
        ],
        "PostToolUse": [
            {
                "matcher": "Look",
                "hooks": [
                    {
                        "type": "command",
                        "command": """echo '{"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "lint: clean"}}'""",
                    }
                ],
            }
        ],
    }
    session, _, timeline = make_session(fake.base_url, tmp_path, hooks=hooks)
    await session.prompt("go")
    assert set(timeline.spans) == {"rewritten"}
    body = fake.message_requests[1].body
    assert body is not None
    results = {b["tool_use_id"]: without_cache_control(b) for b in body["messages"][-1]["content"]}
    assert results["tu_1"]["is_error"] is True
    assert "Run is not allowed by policy" in results["tu_1"]["content"]
    assert results["tu_2"]["content"] == "slept rewritten\n\nlint: clean"


async def test_user_prompt_submit_blocks_or_adds_context(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    hooks = {
        "UserPromptSubmit": [
            {
                "hooks": [
                    {
                        "type": "command",
                        "command": """python3 -c "import json,sys; p=json.load(sys.stdin)['prompt']; sys.exit(2) if 'secret' in p else print('Current sprint: 42')" 2>/dev/null || { echo 'prompts must not contain secrets' >&2; exit 2; }""",
                    }
                ]
            }
        ]
    }
    fake.add_turns(Turn.text("answer"))
    session, events, _ = make_session(fake.base_url, tmp_path, hooks=hooks)
    blocked = await session.prompt("here is my secret")
    assert blocked.stop_reason == "blocked"
    assert fake.message_requests == []
    assert any(isinstance(e, ErrorEvent) and "secrets" in e.message for e in events)
    assert session.messages == []
    await session.prompt("plan the sprint")
    body = fake.message_requests[0].body
    assert body is not None
    text = body["messages"][0]["content"][0]["text"]
    assert text == "plan the sprint\n\nCurrent sprint: 42"


async def test_stop_hook_makes_the_model_continue_once(fake: FakeAnthropic, tmp_path: Path) -> None:
    script = """python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d['stop_hook_active'] else 2)" || { echo 'run the tests first' >&2; exit 2; }"""
    hooks = {"Stop": [{"hooks": [{"type": "command", "command": script}]}]}
    fake.add_turns(Turn.text("done?"), Turn.text("tests pass, done"))
    session, events, _ = make_session(fake.base_url, tmp_path, hooks=hooks)
    outcome = await session.prompt("fix it")
    assert outcome.stop_reason == "end_turn"
    assert len(fake.message_requests) == 2
    body = fake.message_requests[1].body
    assert body is not None
    assert body["messages"][-1]["content"][0]["text"] == "Stop hook feedback:\nrun the tests first"
    assert [e.stop_reason for e in events if isinstance(e, TurnCompletedEvent)] == ["end_turn"]
