"""Bash, BashOutput and KillShell with real processes: cwd, env, timeouts, cancellation."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from claude_server.model import TerminalDisplay, ToolError, ToolResult
from claude_server.tools import ToolRegistry, close_tool_state
from tool_support import ScriptedContext, call, text_of, wait_for_file, wait_group_gone


async def bash(registry: ToolRegistry, ctx: ScriptedContext, command: str, **kw: object) -> str:
    return text_of(await call(registry, ctx, "Bash", {"command": command, **kw}))


async def test_runs_command_and_captures_output(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    result = await call(registry, ctx, "Bash", {"command": "echo hello"})
    assert result.content == "hello"
    assert result.is_error is False
    assert result.display == [TerminalDisplay(output="hello", exit_code=0)]


async def test_stdout_and_stderr_are_interleaved(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    text = await bash(registry, ctx, "echo out1; echo err1 >&2; echo out2")
    assert text == "out1\nerr1\nout2"


async def test_nonzero_exit_code_is_reported(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    result = await call(registry, ctx, "Bash", {"command": "echo oops >&2; exit 3"})
    assert result.content == "oops\n\nExit code 3"
    assert result.is_error is True
    assert result.display == [TerminalDisplay(output="oops", exit_code=3)]


async def test_no_output(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    assert await bash(registry, ctx, "true") == "(Command completed with no output)"


async def test_syntax_error_is_an_ordinary_failure(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    result = await call(registry, ctx, "Bash", {"command": 'echo "unclosed'})
    assert result.is_error and "Exit code 2" in text_of(result)
    # The session is still usable afterwards.
    assert await bash(registry, ctx, "echo fine") == "fine"


async def test_starts_in_project_and_cd_persists(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    (project / "sub" / "deeper").mkdir(parents=True)
    assert await bash(registry, ctx, "pwd") == str(project)
    assert await bash(registry, ctx, "cd sub") == "(Command completed with no output)"
    assert await bash(registry, ctx, "pwd") == str(project / "sub")
    # A cd followed by a failing command still moves the shell, as in a terminal.
    await call(registry, ctx, "Bash", {"command": "cd deeper && false"})
    assert await bash(registry, ctx, "pwd") == str(project / "sub" / "deeper")
    await bash(registry, ctx, "cd /; exit 4")
    assert await bash(registry, ctx, "pwd") == "/"


async def test_vanished_cwd_resets_to_project(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    (project / "tmp").mkdir()
    await bash(registry, ctx, "cd tmp")
    await bash(registry, ctx, f"rmdir {project / 'tmp'}")
    text = await bash(registry, ctx, "pwd")
    assert text.startswith(str(project)) and "no longer exists" in text


async def test_environment_does_not_leak_between_calls(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    assert await bash(registry, ctx, "export LEAKY=1; echo ${LEAKY}") == "1"
    assert await bash(registry, ctx, 'echo "[${LEAKY:-}]"') == "[]"


async def test_daemon_credentials_are_not_passed_on(
    registry: ToolRegistry, ctx: ScriptedContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret")
    monkeypatch.setenv("SOME_USER_VAR", "kept")
    text = await bash(registry, ctx, 'echo "[${ANTHROPIC_API_KEY:-}] $SOME_USER_VAR"')
    assert text == "[] kept"


async def test_stdin_is_empty(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    assert await bash(registry, ctx, "cat; echo done") == "done"


async def test_timeout_kills_the_whole_process_group(
    registry: ToolRegistry, ctx: ScriptedContext, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pgid"
    result = await call(
        registry,
        ctx,
        "Bash",
        {"command": f"echo $$ > {pid_file}; echo started; sleep 100 & sleep 100", "timeout": 500},
    )
    text = text_of(result)
    assert result.is_error
    assert text.startswith("started")
    assert "timed out after 0.5 s" in text and "process group" in text
    pgid = int(pid_file.read_text())
    assert await wait_group_gone(pgid) == []


async def test_cancellation_kills_the_whole_process_group(
    registry: ToolRegistry, ctx: ScriptedContext, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pgid"
    tool = registry.get("Bash")
    assert tool is not None
    parsed = registry.validate("Bash", {"command": f"echo $$ > {pid_file}; sleep 100 & sleep 100"})
    task = asyncio.create_task(tool.run(parsed, ctx))
    pgid = int(await wait_for_file(pid_file))
    assert os.getpgid(pgid) == pgid  # it leads its own group
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await wait_group_gone(pgid) == []


async def test_term_ignoring_process_is_killed(
    registry: ToolRegistry, ctx: ScriptedContext, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pgid"
    result = await call(
        registry,
        ctx,
        "Bash",
        {"command": f"trap '' TERM; echo $$ > {pid_file}; sleep 100", "timeout": 300},
    )
    assert "timed out" in text_of(result)
    assert await wait_group_gone(int(pid_file.read_text())) == []


async def test_long_output_keeps_head_and_tail(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    result = await call(registry, ctx, "Bash", {"command": "echo FIRST; seq 1 200000; echo LAST"})
    text = text_of(result)
    assert text.startswith("FIRST\n1\n2\n")
    assert text.endswith("199999\n200000\nLAST")
    assert "bytes of output omitted" in text
    assert len(text) < 31_000
    assert result.is_error is False


async def test_ansi_colours_are_stripped_for_the_model(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    result = await call(registry, ctx, "Bash", {"command": r"printf '\033[31mred\033[0m\n'"})
    assert result.content == "red"
    assert result.display == [TerminalDisplay(output="\x1b[31mred\x1b[0m", exit_code=0)]


async def test_progress_lines_are_streamed(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    await bash(registry, ctx, "for i in 1 2 3; do echo line$i; sleep 0.3; done")
    streamed = "\n".join(ctx.progress_lines)
    assert "line1" in streamed and "line3" in streamed
    assert len(ctx.progress_lines) >= 2


async def test_orphaned_background_children_do_not_block(
    registry: ToolRegistry, ctx: ScriptedContext, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pgid"
    text = await bash(registry, ctx, f"echo $$ > {pid_file}; sleep 30 & echo back")
    assert text.startswith("back") and "still running" in text
    pgid = int(pid_file.read_text())
    os.killpg(pgid, 0)  # the orphan still runs: the call returned without waiting for it
    os.killpg(pgid, 9)


# Background shells --------------------------------------------------------------------------


async def _read_until(
    registry: ToolRegistry, ctx: ScriptedContext, shell_id: str, wanted: str
) -> list[ToolResult]:
    results = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        result = await call(registry, ctx, "BashOutput", {"bash_id": shell_id})
        results.append(result)
        if wanted in text_of(result):
            return results
        await asyncio.sleep(0.05)
    raise AssertionError(f"{wanted!r} never appeared: {[r.content for r in results]}")


async def test_background_shell_output_and_kill(
    registry: ToolRegistry, ctx: ScriptedContext, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pgid"
    text = await bash(
        registry,
        ctx,
        # printf keeps the words out of the command text, which BashOutput repeats.
        f"echo $$ > {pid_file}; printf 'o%se\\n' n; sleep 0.3; printf 'tw%s\\n' o; sleep 100",
        run_in_background=True,
    )
    assert "bash_1" in text
    results = await _read_until(registry, ctx, "bash_1", "two")
    combined = "".join(text_of(r) for r in results)
    assert combined.count("one") == 1  # each read returns only new output
    assert "Shell bash_1: running" in text_of(results[-1])

    killed = await call(registry, ctx, "KillShell", {"shell_id": "bash_1"})
    assert "Killed shell bash_1" in text_of(killed)
    assert await wait_group_gone(int(pid_file.read_text())) == []
    after = text_of(await call(registry, ctx, "BashOutput", {"bash_id": "bash_1"}))
    assert "killed" in after
    with pytest.raises(ToolError, match="not running"):
        await call(registry, ctx, "KillShell", {"shell_id": "bash_1"})


async def test_background_shell_completes_with_exit_code(
    registry: ToolRegistry, ctx: ScriptedContext
) -> None:
    await bash(registry, ctx, "printf 'a%s\\nb%s\\na%s\\n' 1 2 3; exit 5", run_in_background=True)
    deadline = time.monotonic() + 10
    seen = ""
    while True:
        result = await call(registry, ctx, "BashOutput", {"bash_id": "bash_1", "filter": "^a"})
        text = text_of(result)
        seen += text
        if "failed" in text or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert "Shell bash_1: failed (exit code 5)" in text
    # Lines filtered out are discarded; what matched arrives exactly once over all reads.
    assert "b2" not in seen
    assert seen.count("a1") == 1 and seen.count("a3") == 1


async def test_background_shell_does_not_move_the_session(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    await bash(registry, ctx, "cd /; echo moved", run_in_background=True)
    await _read_until(registry, ctx, "bash_1", "completed")
    assert await bash(registry, ctx, "pwd") == str(project)


async def test_bad_filter_and_unknown_shell(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    with pytest.raises(ToolError, match="No background shell with id 'bash_9'"):
        await call(registry, ctx, "BashOutput", {"bash_id": "bash_9"})
    with pytest.raises(ToolError, match="No background shell"):
        await call(registry, ctx, "KillShell", {"shell_id": "bash_9"})
    await bash(registry, ctx, "sleep 5", run_in_background=True)
    with pytest.raises(ToolError, match="Invalid filter"):
        await call(registry, ctx, "BashOutput", {"bash_id": "bash_1", "filter": "("})


async def test_close_tool_state_kills_background_shells(
    registry: ToolRegistry, project: Path, tmp_path: Path
) -> None:
    ctx = ScriptedContext(cwd=project)
    pid_file = tmp_path / "pgid"
    await bash(registry, ctx, f"echo $$ > {pid_file}; sleep 100", run_in_background=True)
    pgid = int(await wait_for_file(pid_file))
    await close_tool_state(ctx.state)
    assert await wait_group_gone(pgid) == []
    await close_tool_state(ctx.state)  # closing twice is harmless
