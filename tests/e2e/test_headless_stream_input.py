"""``--input-format stream-json``: the control protocol the Agent SDKs speak, driven line by line
over a real subprocess's stdin and stdout, with the lines the SDK itself writes (as recorded in
``tests/fixtures/claude_code_headless/README.md``)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from fake_anthropic import FakeAnthropic, Text, ToolUse, Turn
from support.daemon import daemon_env

SDK_ARGV = [
    "--output-format",
    "stream-json",
    "--verbose",
    "--system-prompt",
    "",
    "--input-format",
    "stream-json",
]


class Driver:
    """The CLI as the SDK runs it: lines in, lines out, read on a thread."""

    def __init__(self, home: Path, base_url: str, cwd: Path, *extra: str) -> None:
        env = daemon_env(home, base_url)
        env["CLAUDE_CODE_SDK_READS_SESSION_STATE"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "claude_cli", *SDK_ARGV, *extra],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.seen: list[dict[str, Any]] = []

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self.lines.put(json.loads(raw))
        self.lines.put(None)

    def send(self, line: dict[str, Any], crlf: bool = False) -> None:
        assert self.process.stdin is not None
        # The SDK writes Python's json.dumps spacing; the CLI must not care.
        self.process.stdin.write((json.dumps(line) + ("\r\n" if crlf else "\n")).encode())
        self.process.stdin.flush()

    def until(self, predicate: Any) -> dict[str, Any]:
        while True:
            line = self.lines.get(timeout=30)
            assert line is not None, f"stdout ended; seen {self.seen}"
            self.seen.append(line)
            if predicate(line):
                return line

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=30)
        while (line := self.lines.get(timeout=5)) is not None:
            self.seen.append(line)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.stderr = self.process.stderr.read().decode()
        self.process.stdout.close()
        self.process.stderr.close()
        assert "Traceback" not in self.stderr, self.stderr
        return code


def _user(text: str) -> dict[str, Any]:
    return {
        "type": "user",
        "message": {"role": "user", "content": text},
        "parent_tool_use_id": None,
        "session_id": "default",
    }


def _control(request_id: str, **request: Any) -> dict[str, Any]:
    return {"type": "control_request", "request_id": request_id, "request": request}


def _response_to(request_id: str) -> Any:
    return lambda line: (
        line["type"] == "control_response" and line["response"]["request_id"] == request_id
    )


def _is_result(line: dict[str, Any]) -> bool:
    return line["type"] == "result"


def test_initialize_prompts_unknown_subtypes_and_blank_lines(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn.text("first"), Turn.text("second"))
    driver = Driver(home, fake.base_url, tmp_path)
    driver.send(_control("req_1_0a1b2c3d", subtype="initialize", hooks=None))
    init = driver.until(_response_to("req_1_0a1b2c3d"))["response"]
    assert init["subtype"] == "success"
    assert init["response"]["claude_code_version"] == "2.1.330"
    assert init["response"]["current_permission_mode"] == "default"
    assert driver.seen == [driver.seen[0]]  # nothing is written before the answer
    assert driver.process.stdin is not None
    driver.process.stdin.write(b"\n  \r\n")
    driver.send(_control("req_2_0a1b2c3d", subtype="no_such_thing"), crlf=True)
    error = driver.until(_response_to("req_2_0a1b2c3d"))["response"]
    assert error["subtype"] == "error" and "no_such_thing" in error["error"]
    driver.send(_user("one"))
    first = driver.until(_is_result)
    driver.send(_user("two"))
    second = driver.until(_is_result)
    assert (first["result"], first["result_index"]) == ("first", 0)
    assert (second["result"], second["result_index"]) == ("second", 1)
    assert driver.close() == 0
    states = [
        line["state"] for line in driver.seen if line.get("subtype") == "session_state_changed"
    ]
    assert states == ["running", "idle", "running", "idle"]
    kinds = [line.get("subtype") or line["type"] for line in driver.seen]
    assert kinds.count("init") == 2  # system/init once per user message, as Claude Code


def test_can_use_tool_allow_and_deny(home: Path, fake: FakeAnthropic, tmp_path: Path) -> None:
    target = tmp_path / "made.txt"
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Bash", input={"command": f"echo made > {target}"})]),
        Turn(blocks=[ToolUse(name="Bash", input={"command": "rm -rf build"})]),
        Turn.text("done"),
    )
    driver = Driver(home, fake.base_url, tmp_path, "--permission-prompt-tool", "stdio")
    driver.send(_control("req_1_aaaaaaaa", subtype="initialize", hooks=None))
    driver.until(_response_to("req_1_aaaaaaaa"))
    driver.send(_user("make it"))

    def asked(line: dict[str, Any]) -> bool:
        return line["type"] == "control_request" and line["request"]["subtype"] == "can_use_tool"

    first = driver.until(asked)
    assert (
        first["request"]["tool_name"] == "Bash"
        and str(target) in first["request"]["input"]["command"]
    )
    assert driver.seen[-2]["state"] == "requires_action"
    driver.send(
        {
            "type": "control_response",
            "response": {
                "subtype": "success",
                "request_id": first["request_id"],
                "response": {"behavior": "allow", "updatedInput": first["request"]["input"]},
            },
        }
    )
    second = driver.until(asked)
    driver.send(
        {
            "type": "control_response",
            "response": {
                "subtype": "success",
                "request_id": second["request_id"],
                "response": {"behavior": "deny", "message": "not in this test"},
            },
        }
    )
    result = driver.until(_is_result)
    assert driver.close() == 0
    assert target.read_text() == "made\n"
    assert [d["tool_input"]["command"] for d in result["permission_denials"]] == ["rm -rf build"]
    denied_results = [
        block
        for line in driver.seen
        if line["type"] == "user"
        for block in line["message"]["content"]
        if block.get("is_error")
    ]
    assert len(denied_results) == 1 and "not in this test" in str(denied_results[0]["content"])
    # As Claude Code: a denial by the SDK's callback has no system/permission_denied line.
    assert not [line for line in driver.seen if line.get("subtype") == "permission_denied"]


def test_interrupt_ends_the_turn_and_the_session_goes_on(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    fake.add_turns(Turn([Text("word " * 400)], text_chunk=4, delay=0.02), Turn.text("still here"))
    driver = Driver(home, fake.base_url, tmp_path, "--include-partial-messages")
    driver.send(_control("req_1_bbbbbbbb", subtype="initialize", hooks=None))
    driver.until(_response_to("req_1_bbbbbbbb"))
    driver.send(_user("talk"))
    driver.until(
        lambda line: (
            line["type"] == "stream_event" and line["event"]["type"] == "content_block_delta"
        )
    )
    driver.send(_control("req_2_bbbbbbbb", subtype="interrupt"))
    assert driver.until(_response_to("req_2_bbbbbbbb"))["response"]["response"] == {
        "still_queued": []
    }
    stopped = driver.until(_is_result)
    assert stopped["subtype"] == "error_during_execution" and stopped["is_error"] is True
    driver.send(_user("are you there?"))
    again = driver.until(_is_result)
    assert again["result"] == "still here" and again["result_index"] == 1
    assert driver.close() == 0


def test_set_permission_mode_applies_to_the_next_turn(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    target = tmp_path / "notes.txt"
    write = {"file_path": str(target), "content": "hello\n"}
    fake.add_turns(
        Turn(blocks=[ToolUse(name="Write", input=write)]),
        Turn.text("could not"),
        Turn(blocks=[ToolUse(name="Write", input=write)]),
        Turn.text("wrote it"),
    )
    driver = Driver(home, fake.base_url, tmp_path)
    driver.send(_control("req_1_cccccccc", subtype="initialize", hooks=None))
    driver.until(_response_to("req_1_cccccccc"))
    driver.send(_user("write"))
    first = driver.until(_is_result)
    assert [d["tool_name"] for d in first["permission_denials"]] == ["Write"]
    assert not target.exists()
    driver.send(_control("req_2_cccccccc", subtype="set_permission_mode", mode="acceptEdits"))
    switched = driver.until(_response_to("req_2_cccccccc"))["response"]
    assert switched["response"] == {"mode": "acceptEdits"}
    driver.send(_user("write again"))
    second = driver.until(_is_result)
    assert second["permission_denials"] == [] and target.read_text() == "hello\n"
    inits = [line for line in driver.seen if line.get("subtype") == "init"]
    assert [line["permissionMode"] for line in inits] == ["default", "acceptEdits"]
    assert driver.close() == 0


def test_hook_callbacks_are_refused_clearly(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    driver = Driver(home, fake.base_url, tmp_path)
    hooks = {"PreToolUse": [{"matcher": None, "hookCallbackIds": ["hook_0"]}]}
    driver.send(_control("req_1_dddddddd", subtype="initialize", hooks=hooks))
    answer = driver.until(_response_to("req_1_dddddddd"))["response"]
    assert answer["subtype"] == "error" and "not supported" in answer["error"]
    assert driver.close() == 0
