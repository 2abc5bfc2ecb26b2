"""``claude-py -p`` with Claude Code's headless flags, compared with Claude Code's own output.

The golden files in ``tests/fixtures/claude_code_headless/`` were recorded from Claude Code
2.1.330 running the same 6-turn task against a fake API (see their README). The comparison is of
shapes: the order of line kinds and each kind's field set, never values that must differ (ids,
timestamps, durations). Fields claude-py does not send are listed, with why, in ``OMITTED``, so a
field that goes missing by accident fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_anthropic import FakeAnthropic, Text, ToolUse, Turn
from support.daemon import daemon_env

CLI = [sys.executable, "-m", "claude_cli"]
GOLDEN = Path(__file__).parent.parent / "fixtures" / "claude_code_headless"
TOOLS = "Glob,Grep,Read,Edit,Write,Bash"
PROMPT = 'Change the greeting to say "Hello, " and run a quick Python sanity check.'

OMITTED: dict[str, set[str]] = {
    # Claude Code's own product state: sockets for its IDE bridge, fast mode, output styles,
    # plugins, memory files and analytics flags that have no meaning in claude-py.
    "system/init": {
        "messaging_socket_path",
        "fast_mode_state",
        "fast_mode_disabled_reason",
        "analytics_disabled",
        "product_feedback_disabled",
        "served_by_anthropic",
        "ultrathink_available",
        "ultrathink_typed_raises",
        "view_mode",
        "per_turn_effort_active",
        "memory_paths",
        "plugins",
        "terminal_slash_commands",
        "capabilities",
        "output_style",
    },
    # Fast mode, safety stops and sub-agent statistics are Claude Code features claude-py lacks;
    # the stream timing figures beyond ttft_ms are Claude Code's internal probes.
    "result": {
        "fast_mode_state",
        "fast_mode_disabled_reason",
        "safety_stops",
        "subagent_stats",
        "ttft_stream_ms",
        "time_to_request_ms",
        "first_content_frame_ms",
        "model_usage_since_last_result",
    },
}


def _kind(line: dict[str, Any]) -> str:
    subtype = line.get("subtype")
    return f"{line['type']}/{subtype}" if line["type"] in ("system", "result") else line["type"]


def _golden(name: str) -> list[dict[str, Any]]:
    text = (GOLDEN / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "main.py").write_text("from pkg.calc import greet\nprint(greet('world'))\n")
    (project / "pkg" / "__init__.py").write_text('"""Tiny demo package."""\n')
    (project / "pkg" / "calc.py").write_text('def greet(name):\n    return "hello " + name\n')
    return project


def _task(project: Path) -> list[Turn]:
    calc = str(project / "pkg" / "calc.py")
    return [
        Turn(blocks=[ToolUse(name="Glob", input={"pattern": "**/*.py"})]),
        Turn(
            blocks=[
                Text("Let me look at calc.py."),
                ToolUse(name="Read", input={"file_path": calc}),
            ]
        ),
        Turn(
            blocks=[
                ToolUse(
                    name="Grep",
                    input={"pattern": "hello", "path": str(project), "output_mode": "content"},
                )
            ]
        ),
        Turn(
            blocks=[
                ToolUse(
                    name="Edit",
                    input={
                        "file_path": calc,
                        "old_string": 'return "hello " + name',
                        "new_string": 'return "Hello, " + name',
                    },
                )
            ]
        ),
        Turn(
            blocks=[
                ToolUse(
                    name="Bash",
                    input={"command": "python3 -c 'print(1)'", "description": "Print 1"},
                )
            ]
        ),
        Turn.text("Done: the greeting now says Hello, and the check printed 1."),
    ]


def _run(
    args: list[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=90, input=stdin
    )


def _lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def _assert_same_shape(ours: list[dict[str, Any]], golden: list[dict[str, Any]]) -> None:
    assert [_kind(line) for line in ours] == [_kind(line) for line in golden]
    for mine, theirs in zip(ours, golden, strict=True):
        kind = _kind(mine)
        omitted = OMITTED["result"] if mine["type"] == "result" else OMITTED.get(kind, set())
        expected = set(theirs) - omitted
        missing = expected - set(mine)
        assert not missing, f"{kind} lacks {sorted(missing)}"
        assert mine["session_id"] == ours[0]["session_id"]
        if kind in ("assistant", "user"):
            assert set(mine["message"]) >= set(theirs["message"]) - {
                "container",
                "context_management",
            }


def _task_run(
    home: Path, fake: FakeAnthropic, tmp_path: Path, *flags: str
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    project = _project(tmp_path)
    fake.add_turns(*_task(project))
    args = ["-p", PROMPT, "--dangerously-skip-permissions", "--tools", TOOLS, *flags]
    return project, _run(args, daemon_env(home, fake.base_url), project)


def test_stream_json_has_claude_codes_line_kinds_and_fields(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project, done = _task_run(home, fake, tmp_path, "--output-format", "stream-json", "--verbose")
    assert done.returncode == 0, done.stderr
    ours = _lines(done.stdout)
    _assert_same_shape(ours, _golden("task.stream-json.jsonl"))
    assert ours[0]["cwd"] == str(project)
    assert ours[0]["permissionMode"] == "bypassPermissions"
    assert set(ours[0]["tools"]) == set(TOOLS.split(","))
    result = ours[-1]
    assert result["num_turns"] == 6 and result["is_error"] is False
    assert result["result"] == "Done: the greeting now says Hello, and the check printed 1."
    assert 'return "Hello, " + name' in (project / "pkg" / "calc.py").read_text()
    # Two blocks of one reply are two assistant lines with one message id, as in Claude Code.
    assistant_ids = [line["message"]["id"] for line in ours if line["type"] == "assistant"]
    assert len(assistant_ids) == 7 and assistant_ids[1] == assistant_ids[2]


def test_partial_messages_wrap_the_raw_events_in_claude_codes_order(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    _, done = _task_run(
        home,
        fake,
        tmp_path,
        "--output-format",
        "stream-json",
        "--verbose",
        "--include-partial-messages",
    )
    assert done.returncode == 0, done.stderr
    ours = _lines(done.stdout)
    golden = _golden("task.stream-json-partial.jsonl")

    def outline(lines: list[dict[str, Any]]) -> list[str]:
        # Delta counts depend on chunk sizes; the order of everything else must match.
        out: list[str] = []
        for line in lines:
            kind = _kind(line)
            if kind == "stream_event":
                kind = "event:" + line["event"]["type"]
            if kind == "event:content_block_delta" and out and out[-1] == kind:
                continue
            out.append(kind)
        return out

    assert outline(ours) == outline(golden)
    theirs = next(line for line in golden if line["type"] == "stream_event")
    mine = next(line for line in ours if line["type"] == "stream_event")
    assert set(mine) >= set(theirs)
    assert "begun_message_ids" in ours[-1]


def test_json_is_one_result_object_in_claude_codes_key_order(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    _, done = _task_run(home, fake, tmp_path, "--output-format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("\n") and done.stdout.count("\n") == 1
    ours = json.loads(done.stdout)
    theirs = _golden("task.json")[0]
    assert set(theirs) - OMITTED["result"] - {"ttft_ms"} <= set(ours)
    common = [key for key in theirs if key in ours]
    assert [key for key in ours if key in theirs] == common
    assert ours["subtype"] == "success" and ours["num_turns"] == 6


def test_text_prints_only_the_result(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    _, done = _task_run(home, fake, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Done: the greeting now says Hello, and the check printed 1.\n"


def test_max_turns_is_an_error_result_and_exit_1(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    _, done = _task_run(home, fake, tmp_path, "--output-format", "json", "--max-turns", "2")
    assert done.returncode == 1, done.stderr
    ours = json.loads(done.stdout)
    theirs = _golden("error_max_turns.json")[0]
    assert ours["subtype"] == theirs["subtype"] == "error_max_turns"
    assert ours["is_error"] is True and "result" not in ours
    assert ours["errors"] == theirs["errors"] == ["Reached maximum number of turns (2)"]
    assert ours["terminal_reason"] == "max_turns"
    assert len(fake.requests) == 2


def test_denials_in_default_mode_are_listed_and_exit_0(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    fake.add_turns(*_task(project))
    args = ["-p", PROMPT, "--output-format", "stream-json", "--verbose", "--tools", TOOLS]
    done = _run(args, daemon_env(home, fake.base_url), project)
    assert done.returncode == 0, done.stderr
    ours = _lines(done.stdout)
    golden = _golden("denied.stream-json.jsonl")
    assert [_kind(line) for line in ours] == [_kind(line) for line in golden]
    denied = [line for line in ours if _kind(line) == "system/permission_denied"]
    assert [line["tool_name"] for line in denied] == ["Edit", "Bash"]
    for line in denied:
        assert {"tool_name", "tool_use_id", "message"} <= set(line)
    result = ours[-1]
    assert result["is_error"] is False
    assert [d["tool_name"] for d in result["permission_denials"]] == ["Edit", "Bash"]
    assert set(result["permission_denials"][0]) == {"tool_name", "tool_use_id", "tool_input"}
    assert 'return "hello " + name' in (project / "pkg" / "calc.py").read_text()


def _tool_names(body: dict[str, Any] | None) -> list[str]:
    assert body is not None
    return [tool["name"] for tool in body.get("tools", [])]


def test_tools_disallowed_tools_and_system_prompt_shape_the_request(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("ok"), Turn.text("ok"))
    env = daemon_env(home, fake.base_url)
    args = ["-p", "hi", "--tools", "Read,Grep,Bash", "--disallowedTools", "Bash"]
    done = _run([*args, "--system-prompt", "You are a test oracle."], env, tmp_path)
    assert done.returncode == 0, done.stderr
    body = fake.requests[0].body
    assert sorted(_tool_names(body)) == ["Grep", "Read"]
    assert body is not None
    system = body["system"]
    text = system if isinstance(system, str) else " ".join(block["text"] for block in system)
    assert "You are a test oracle." in text

    done = _run(["-p", "hi", "--append-system-prompt", "Always answer in French."], env, tmp_path)
    assert done.returncode == 0, done.stderr
    body = fake.requests[1].body
    assert body is not None
    system = body["system"]
    text = system if isinstance(system, str) else " ".join(block["text"] for block in system)
    assert "Always answer in French." in text and "Read" in _tool_names(body)


def test_session_id_and_no_persistence(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    fake.add_turns(Turn.text("one"), Turn.text("two"))
    env = daemon_env(home, fake.base_url)
    sid = "3f1c2a5e-8d4b-4c1e-9a7f-0b2d6e8f1a3c"
    done = _run(["-p", "hi", "--output-format", "json", "--session-id", sid], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["session_id"] == sid
    again = _run(["-p", "hi", "--session-id", sid], env, tmp_path)
    assert again.returncode == 1 and sid in again.stderr
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--mcp-config", "x.json"], "--mcp-config: not supported by claude-py yet"),
        (["--output-format", "stream-json"], "requires --verbose"),
        (["--max-turns", "0"], "--max-turns must be at least 1"),
        (["--session-id", "nope"], "--session-id must be a UUID"),
        (["--permission-prompt-tool", "mcp__x__y"], "only 'stdio'"),
    ],
)
def test_bad_or_unsupported_flags_are_one_clear_line(
    home: Path, tmp_path: Path, flags: list[str], message: str
) -> None:
    done = _run(["-p", "hi", *flags], daemon_env(home, "http://127.0.0.1:9"), tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_an_unknown_flag_exits_2(home: Path, tmp_path: Path) -> None:
    done = _run(["-p", "hi", "--no-such-flag"], daemon_env(home, "http://127.0.0.1:9"), tmp_path)
    assert done.returncode == 2
    assert "--no-such-flag" in done.stderr and "Traceback" not in done.stderr


def test_sdk_style_argv_without_p_is_headless(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    """The Agent SDKs pass ``--output-format`` without ``-p``; that is a headless run too."""
    fake.add_turns(Turn.text("from the sdk path"))
    args = ["--output-format", "json", "--print", "hi"]
    done = _run(args, daemon_env(home, fake.base_url), tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == "from the sdk path"
