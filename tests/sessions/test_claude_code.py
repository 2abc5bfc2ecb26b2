"""Claude Code's transcripts, listed and loaded read-only (real sanitized fixtures)."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from claude_server.errors import SessionNotFoundError
from claude_server.model import Message, ToolResultBlock, ToolUseBlock, UserMessageEvent
from claude_server.sessions import ClaudeCodeTranscripts, SessionStore, render_markdown

from .conftest import FIXTURES

SHORT_ID = "55604662-cf2a-4331-851a-ec234028f8ca"
HEAVY_ID = "d6e0bada-1959-4eec-a9d2-0bfade768d8f"
SPOTTER = "/home/marco/projects/spotter"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A ~/.claude holding both fixtures the way Claude Code stores them."""
    root = tmp_path / "dot-claude"
    project = root / "projects" / "-home-marco-projects-spotter"
    project.mkdir(parents=True)
    shutil.copy(FIXTURES / "spotter_short.jsonl", project / f"{SHORT_ID}.jsonl")
    shutil.copy(FIXTURES / "spotter_tool_heavy.jsonl", project / f"{HEAVY_ID}.jsonl")
    os.utime(project / f"{SHORT_ID}.jsonl", (1_000_000, 1_000_000))
    # Noise Claude Code also leaves around: a sub-agent file, a non-transcript, a folder.
    (project / "agent-1234.jsonl").write_text('{"type":"user"}\n')
    (project / "notes.txt").write_text("x")
    (project / HEAVY_ID).mkdir()
    return root


def _check_api_shape(messages: list[Message]) -> None:
    roles = [m.role for m in messages]
    assert roles[0] == "user"
    assert all(a != b for a, b in itertools.pairwise(roles)), roles
    for index, message in enumerate(messages):
        calls = [b.id for b in message.content if isinstance(b, ToolUseBlock)]
        if not calls:
            continue
        following = messages[index + 1]
        results = [b for b in following.content if isinstance(b, ToolResultBlock)]
        assert [r.tool_use_id for r in results] == calls
        # Results come first in their message, as the API requires.
        assert following.content[: len(calls)] == results


def test_list_both_fixtures(config_dir: Path) -> None:
    transcripts = ClaudeCodeTranscripts(config_dir)
    page = transcripts.list()
    assert [s.session_id for s in page.sessions] == [HEAVY_ID, SHORT_ID]
    heavy, short = page.sessions
    assert short.title == "mix phx.server doesnt seem to start"
    assert heavy.title == "start phoenix in background"
    assert (short.message_count, heavy.message_count) == (3, 9)
    assert short.cwd == SPOTTER and short.model == "claude-opus-4-6"
    assert short.source == "claude-code" and short.read_only
    assert short.created_at.isoformat().startswith("2026-02-10T21:11:52")
    assert [s.session_id for s in transcripts.list(SPOTTER).sessions] == [HEAVY_ID, SHORT_ID]
    assert transcripts.list("/elsewhere").sessions == []
    first = transcripts.list(limit=1)
    assert first.next_cursor == HEAVY_ID
    rest = transcripts.list(limit=1, cursor=first.next_cursor)
    assert [s.session_id for s in rest.sessions] == [SHORT_ID] and rest.next_cursor is None


def test_load_short(config_dir: Path) -> None:
    loaded = ClaudeCodeTranscripts(config_dir).load(SHORT_ID)
    assert loaded.read_only and loaded.source == "claude-code"
    assert loaded.warnings == []
    # The transcript ran in bypassPermissions; resumed here it starts in default mode.
    assert loaded.mode == "default" and loaded.meta.mode == "default"
    assert loaded.meta.extra == {
        "claudeCodeVersion": "2.1.38",
        "claudeCodePermissionMode": "bypassPermissions",
    }
    assert [m.role for m in loaded.messages] == ["user", "assistant", "user"]
    # Five records of one API message (msg_01MKH...) became one message, blank text dropped.
    assert [b.type for b in loaded.messages[1].content] == [
        "thinking",
        "text",
        "tool_use",
        "tool_use",
    ]
    _check_api_shape(loaded.messages)
    assert loaded.messages[2].text() == "[Request interrupted by user for tool use]"
    assert loaded.events[1][1] == UserMessageEvent("mix phx.server doesnt seem to start")
    assert loaded.last_seq == len(loaded.events)
    assert len(loaded.event_marks) == len(loaded.messages)


def test_load_tool_heavy(config_dir: Path) -> None:
    loaded = ClaudeCodeTranscripts(config_dir).load(HEAVY_ID)
    assert len(loaded.messages) == 9
    _check_api_shape(loaded.messages)
    tool_uses = [b for m in loaded.messages for b in m.content if isinstance(b, ToolUseBlock)]
    results = [b for m in loaded.messages for b in m.content if isinstance(b, ToolResultBlock)]
    assert len(tool_uses) == 6
    assert {b.id for b in tool_uses} == {r.tool_use_id for r in results}
    # A streamed tool's result landed between two blocks of msg_019BN3...: they are one again.
    assert [b.type for b in loaded.messages[7].content] == ["tool_use", "tool_use"]
    names = [b.name for b in tool_uses]
    assert "WebSearch" in names and names[0] == "Bash"
    md = render_markdown(loaded)
    assert md.startswith("# start phoenix in background\n")
    assert "Source: a Claude Code transcript" in md


def test_import_then_resume_as_our_session(config_dir: Path, store: SessionStore) -> None:
    loaded = ClaudeCodeTranscripts(config_dir).load(HEAVY_ID)
    new_id = store.import_session(loaded)
    ours = store.load(new_id)
    assert [m.to_api() for m in ours.messages] == [m.to_api() for m in loaded.messages]
    assert ours.events == loaded.events
    assert ours.meta.forked_from == {"sessionId": HEAVY_ID, "messages": 9, "source": "claude-code"}
    assert ours.title == "start phoenix in background"
    assert ours.cwd == SPOTTER and not ours.read_only
    with store.open_writer(new_id) as writer:
        assert writer.last_seq == loaded.last_seq


def test_from_env_and_missing(config_dir: Path, tmp_path: Path) -> None:
    via_env = ClaudeCodeTranscripts.from_env({"CLAUDE_CONFIG_DIR": str(config_dir)})
    assert via_env.projects_dir == config_dir / "projects"
    via_home = ClaudeCodeTranscripts.from_env({"HOME": str(tmp_path)})
    assert via_home.projects_dir == tmp_path / ".claude" / "projects"
    assert via_home.list().sessions == []
    with pytest.raises(SessionNotFoundError):
        via_env.load("no-such-session")
    with pytest.raises(SessionNotFoundError):
        via_env.load("../../etc")


def _record(uuid: str, parent: str | None, role: str, content: Any, **extra: Any) -> str:
    message: dict[str, Any] = {"role": role, "content": content}
    if role == "assistant":
        message["id"] = extra.pop("mid", f"msg_{uuid}")
        message["model"] = "claude-test"
    record = {
        "parentUuid": parent,
        "isSidechain": False,
        "cwd": "/w",
        "sessionId": "branchy",
        "type": role,
        "message": message,
        "uuid": uuid,
        "timestamp": "2026-01-01T00:00:00.000Z",
        **extra,
    }
    return json.dumps(record)


def test_rewound_branch_and_sidechains_are_left_out(tmp_path: Path) -> None:
    project = tmp_path / "projects" / "-w"
    project.mkdir(parents=True)
    lines = [
        json.dumps({"type": "summary", "summary": "Branchy work", "leafUuid": "a3"}),
        _record("u1", None, "user", "first question"),
        _record("a1", "u1", "assistant", [{"type": "text", "text": "first answer"}]),
        _record("u2", "a1", "user", "abandoned question"),
        _record("a2", "u2", "assistant", [{"type": "text", "text": "abandoned answer"}]),
        _record("s1", "a1", "user", "sub-agent work", isSidechain=True),
        _record("u3", "a1", "user", "edited question"),
        _record(
            "e1", "u3", "assistant", [{"type": "text", "text": "API Error"}], isApiErrorMessage=True
        ),
        _record("a3", "u3", "assistant", [{"type": "text", "text": "final answer"}]),
        '{"type":"user","message":',  # torn by a crash
    ]
    (project / "branchy.jsonl").write_text("\n".join(lines))
    transcripts = ClaudeCodeTranscripts(tmp_path)
    loaded = transcripts.load("branchy")
    assert [m.text() for m in loaded.messages] == [
        "first question",
        "first answer",
        "edited question",
        "final answer",
    ]
    assert loaded.title == "Branchy work"
    assert loaded.warnings == ["skipped a torn last line"]
    assert transcripts.list().sessions[0].message_count == 4


def test_unanswered_tool_call_is_closed(tmp_path: Path) -> None:
    project = tmp_path / "projects" / "-w"
    project.mkdir(parents=True)
    lines = [
        _record("u1", None, "user", "run it"),
        _record(
            "a1", "u1", "assistant", [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}]
        ),
    ]
    (project / "dangling.jsonl").write_text("\n".join(lines) + "\n")
    loaded = ClaudeCodeTranscripts(tmp_path).load("dangling")
    _check_api_shape(loaded.messages)
    assert len(loaded.messages) == 3
