"""The session store: files, records, loading, damage, rewinds, compaction, fork, delete."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from claude_server.errors import SessionBusyError, SessionError, SessionNotFoundError
from claude_server.model import (
    AgentTextEvent,
    AssistantMessage,
    DocumentBlock,
    ImageBlock,
    Message,
    ModeChangedEvent,
    ModelChangedEvent,
    OtherBlock,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UserMessageEvent,
)
from claude_server.sessions import SessionStore, SessionWriter, project_key

CWD = "/home/me/project"


def _turn(writer: SessionWriter, seq: int, prompt: str, answer: str, turn: str = "t") -> int:
    """Record one turn the way the engine does: prompt reported, stored, answered."""
    writer.append_event(seq + 1, TurnStartedEvent(turn))
    writer.append_event(seq + 2, UserMessageEvent(prompt))
    writer.append_message(Message.user_text(prompt))
    writer.append_event(seq + 3, AgentTextEvent(answer))
    writer.append_message(Message(role="assistant", content=[TextBlock(text=answer)]))
    writer.append_event(seq + 4, TurnCompletedEvent(turn, "end_turn", Usage()))
    return seq + 4


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


ALL_BLOCKS_USER = Message(
    role="user",
    content=[
        TextBlock(text="look at this ✓"),
        ImageBlock(source={"type": "base64", "media_type": "image/png", "data": "aGk="}),
        DocumentBlock(source={"type": "text", "media_type": "text/plain", "data": "doc"}),
    ],
)
ALL_BLOCKS_ASSISTANT = Message(
    role="assistant",
    content=[
        ThinkingBlock(thinking="hmm", signature="sig=="),
        RedactedThinkingBlock(data="ZW5j"),
        TextBlock(text="cited", citations=[{"type": "char_location", "cited_text": "x"}]),
        ServerToolUseBlock(id="srv1", name="web_search", input={"query": "q"}),
        OtherBlock.model_validate(
            {"type": "web_search_tool_result", "tool_use_id": "srv1", "content": []}
        ),
        ToolUseBlock(id="tu1", name="Bash", input={"command": "ls"}),
        ToolUseBlock(id="tu2", name="Read", input={"file_path": "/x"}),
    ],
)
ALL_BLOCKS_RESULTS = Message(
    role="user",
    content=[
        ToolResultBlock(tool_use_id="tu1", content="a\nb", is_error=False),
        ToolResultBlock(
            tool_use_id="tu2",
            content=[
                {"type": "text", "text": "file"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": "x"},
                },
            ],
            is_error=True,
        ),
    ],
)


def test_round_trip_of_every_message_shape(store: SessionStore) -> None:
    with store.create("s1", CWD, "claude-x") as writer:
        for message in (ALL_BLOCKS_USER, ALL_BLOCKS_ASSISTANT, ALL_BLOCKS_RESULTS):
            writer.append_message(message)
    loaded = store.load("s1")
    assert loaded.warnings == []
    assert [m.to_api() for m in loaded.messages] == [
        m.to_api() for m in (ALL_BLOCKS_USER, ALL_BLOCKS_ASSISTANT, ALL_BLOCKS_RESULTS)
    ]
    assert isinstance(loaded.messages[1].content[4], OtherBlock)


def test_meta_and_record_lines(store: SessionStore) -> None:
    with store.create("s1", CWD, "claude-x", "plan") as writer:
        writer.append_event(1, AgentTextEvent("hi"))
        writer.append_message(
            AssistantMessage(
                content=[TextBlock(text="hi")],
                id="msg_1",
                model="claude-x",
                stop_reason="end_turn",
                usage=Usage(input_tokens=3, output_tokens=1),
            )
        )
        writer.append_title("My title")
    lines = _lines(store.path_of("s1"))
    assert [line["type"] for line in lines] == ["meta", "event", "message", "title"]
    assert all(next(iter(line)) == "type" for line in lines)
    meta = lines[0]
    assert meta["sessionId"] == "s1" and meta["cwd"] == CWD and meta["version"] == 1
    assert meta["model"] == "claude-x" and meta["mode"] == "plan"
    assert meta["createdAt"].endswith("Z")
    assert lines[1] == {
        "type": "event",
        "seq": 1,
        "kind": "agent_message_chunk",
        "data": {"text": "hi"},
    }
    assert lines[2]["messageId"] == "msg_1" and lines[2]["usage"]["input_tokens"] == 3
    raw = store.path_of("s1").read_bytes()
    assert b", " not in raw.split(b"\n")[1]  # compact
    loaded = store.load("s1")
    assert loaded.title == "My title"
    assert loaded.mode == "plan" and loaded.model == "claude-x"
    assert loaded.events == [(1, AgentTextEvent("hi"))]
    assert loaded.last_seq == 1


def test_layout_and_permissions(store: SessionStore) -> None:
    old = os.umask(0o022)
    try:
        store.create("s1", CWD, "m").close()
    finally:
        os.umask(old)
    path = store.path_of("s1")
    assert path.parent == store.root / project_key(CWD)
    assert path.parent.name.startswith("-home-me-project-")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700


def test_project_keys_keep_similar_paths_apart() -> None:
    assert project_key("/a/my.app") != project_key("/a/my-app")
    assert project_key("/a/b/") == project_key("/a/b")
    assert len(project_key("/x" * 500)) < 100


def test_mode_and_model_follow_events(store: SessionStore) -> None:
    with store.create("s1", CWD, "m1", "default") as writer:
        writer.append_event(1, ModeChangedEvent("acceptEdits"))
        writer.append_event(2, ModelChangedEvent("m2"))
    loaded = store.load("s1")
    assert (loaded.mode, loaded.model) == ("acceptEdits", "m2")
    assert (loaded.meta.mode, loaded.meta.model) == ("default", "m1")


def test_title_is_derived_from_the_first_prompt(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        assert store.load("s1").title == "Untitled session"
        _turn(writer, 0, "Fix the failing test in utils.py\nIt fails since yesterday", "ok")
        _turn(writer, 4, "second prompt", "ok")
    assert store.load("s1").title == "Fix the failing test in utils.py"
    assert store.list().sessions[0].title == "Fix the failing test in utils.py"


def test_same_role_messages_are_joined(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        writer.append_message(Message.user_text("one"))
        writer.append_message(Message.user_text("two"))
        writer.append_message(Message(role="assistant", content=[TextBlock(text="a")]))
    loaded = store.load("s1")
    assert [m.role for m in loaded.messages] == ["user", "assistant"]
    assert [b.text for b in loaded.messages[0].content if isinstance(b, TextBlock)] == [
        "one",
        "two",
    ]
    assert store.list().sessions[0].message_count == 2


# -- damage ---------------------------------------------------------------------------------


def test_torn_last_line_is_skipped_with_a_warning(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        seq = _turn(writer, 0, "hello", "hi")
    path = store.path_of("s1")
    whole = b'{"type":"event","seq":5,"kind":"agent_message_chunk","data":{"text":"lost"}}\n'
    with path.open("ab") as handle:
        handle.write(whole[: len(whole) // 2])
    loaded = store.load("s1")
    assert loaded.last_seq == seq
    assert len(loaded.messages) == 2
    assert len(loaded.warnings) == 1 and "torn last line" in loaded.warnings[0]
    # Resuming appends after the torn line without gluing onto it.
    with store.open_writer("s1") as writer:
        assert writer.last_seq == seq
        writer.append_event(seq + 1, AgentTextEvent("after the crash"))
    again = store.load("s1")
    assert again.events[-1] == (seq + 1, AgentTextEvent("after the crash"))
    assert len(again.warnings) == 1 and "not valid JSON" in again.warnings[0]


def test_whole_last_record_without_newline_is_kept(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        writer.append_event(1, AgentTextEvent("a"))
    path = store.path_of("s1")
    with path.open("ab") as handle:
        handle.write(b'{"type":"event","seq":2,"kind":"agent_message_chunk","data":{"text":"b"}}')
    loaded = store.load("s1")
    assert loaded.warnings == [] and loaded.last_seq == 2
    with store.open_writer("s1") as writer:
        writer.append_event(3, AgentTextEvent("c"))
    loaded = store.load("s1")
    assert [s for s, _ in loaded.events] == [1, 2, 3] and loaded.warnings == []


def test_garbage_lines_in_the_middle_are_skipped(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        writer.append_event(1, AgentTextEvent("a"))
    path = store.path_of("s1")
    with path.open("ab") as handle:
        handle.write(b"\x00\xffnot json at all\n")
        handle.write(b'["a list"]\n')
        handle.write(b'{"type":"event","seq":2,"kind":"no_such_kind","data":{}}\n')
        handle.write(b'{"type":"future_record","x":1}\n')
        handle.write(b'{"type":"message","message":{"role":"system","content":[]}}\n')
        handle.write(
            b'{"type":"event","seq":1,"kind":"agent_message_chunk","data":{"text":"dup"}}\n'
        )
        handle.write(b"\n")
    with store.open_writer("s1", last_seq=1) as writer:
        writer.append_event(2, AgentTextEvent("b"))
    loaded = store.load("s1")
    assert [e for _, e in loaded.events] == [AgentTextEvent("a"), AgentTextEvent("b")]
    assert len(loaded.warnings) == 6
    assert loaded.warnings[0] == "line 3 is not valid JSON; skipped"
    assert any("unknown record type 'future_record'" in w for w in loaded.warnings)
    assert any("does not follow" in w for w in loaded.warnings)


def test_unreadable_meta_is_a_clear_error(store: SessionStore) -> None:
    store.create("s1", CWD, "m").close()
    path = store.path_of("s1")
    path.write_bytes(b"garbage\n" + path.read_bytes())
    with pytest.raises(SessionError, match="not a claude-py session"):
        store.load("s1")
    assert store.list().sessions == []  # listing skips it rather than failing


def test_missing_and_invalid_ids(store: SessionStore) -> None:
    with pytest.raises(SessionNotFoundError):
        store.load("nope")
    with pytest.raises(SessionNotFoundError):
        store.load("../etc/passwd")
    with pytest.raises(SessionError):
        store.create("../evil", CWD, "m")
    store.create("s1", CWD, "m").close()
    with pytest.raises(SessionError, match="already exists"):
        store.create("s1", "/elsewhere", "m")


def test_seq_must_grow(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        writer.append_event(1, AgentTextEvent("a"))
        with pytest.raises(SessionError):
            writer.append_event(1, AgentTextEvent("again"))


def test_only_one_writer_per_session(store: SessionStore) -> None:
    with store.create("s1", CWD, "m"), pytest.raises(SessionBusyError):
        store.open_writer("s1")
    store.open_writer("s1").close()


def test_closed_writer_refuses(store: SessionStore) -> None:
    writer = store.create("s1", CWD, "m")
    writer.close()
    writer.close()
    assert writer.closed
    with pytest.raises(SessionError, match="closed"):
        writer.append_title("x")


def test_very_long_lines(store: SessionStore) -> None:
    big = "x" * (8 << 20) + "\n\u2028\u00e9 end"
    with store.create("s1", CWD, "m") as writer:
        writer.append_message(Message(role="user", content=[TextBlock(text=big)]))
        writer.append_event(1, AgentTextEvent("\ud800 lone surrogate"))
    loaded = store.load("s1")
    assert loaded.messages[0].text() == big
    assert loaded.events[0][1] == AgentTextEvent("\ud800 lone surrogate")


def test_fsync_mode_writes_the_same(tmp_path: Path) -> None:
    store = SessionStore(tmp_path, fsync=True)
    with store.create("s1", CWD, "m") as writer:
        writer.append_event(1, AgentTextEvent("a"))
    assert store.load("s1").last_seq == 1


# -- rewind and compaction ------------------------------------------------------------------


def test_rewind_cuts_messages_and_replay(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        seq = _turn(writer, 0, "first", "one", "t1")
        seq = _turn(writer, seq, "second", "two", "t2")
        writer.append_rewind(2, restored_files=[Path("/tmp/a.py")])
        seq = _turn(writer, seq, "third", "three", "t3")
    loaded = store.load("s1")
    assert [m.text() for m in loaded.messages] == ["first", "one", "third", "three"]
    seqs = [s for s, _ in loaded.events]
    assert seqs == [1, 2, 3, 4, 9, 10, 11, 12]  # the rewound turn's events are gone
    assert loaded.last_seq == 12
    assert loaded.event_marks == [2, 3, 6, 7]
    assert store.list().sessions[0].message_count == 4
    rewind = next(line for line in _lines(store.path_of("s1")) if line["type"] == "rewind")
    assert rewind == {"type": "rewind", "messages": 2, "restoredFiles": ["/tmp/a.py"]}


def test_rewind_with_explicit_event_cut_and_to_nothing(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        seq = _turn(writer, 0, "first", "one")
        writer.append_rewind(1, keep_events=3)
    loaded = store.load("s1")
    assert [m.text() for m in loaded.messages] == ["first"]
    assert [s for s, _ in loaded.events] == [1, 2, 3]
    with store.open_writer("s1") as writer:
        writer.append_rewind(0)
        _turn(writer, seq, "fresh", "start")
    loaded = store.load("s1")
    assert [m.text() for m in loaded.messages] == ["fresh", "start"]
    assert [s for s, _ in loaded.events] == [5, 6, 7, 8]


def test_compaction_replaces_the_first_messages(store: SessionStore) -> None:
    summary = Message.user_text("Summary: we fixed the bug.")
    with store.create("s1", CWD, "m") as writer:
        seq = _turn(writer, 0, "p1", "a1")
        seq = _turn(writer, seq, "p2", "a2")
        writer.append_compaction(summary, 4, trigger="auto", details={"preTokens": 12345})
        seq = _turn(writer, seq, "p3", "a3")
    loaded = store.load("s1")
    # The summary is a user message; the next prompt joins it so roles still alternate.
    assert [m.role for m in loaded.messages] == ["user", "assistant"]
    assert loaded.messages[0].text() == "Summary: we fixed the bug.p3"
    assert loaded.compactions == [
        {"type": "compaction", "replaces": 4, "trigger": "auto", "preTokens": 12345}
    ]
    assert len(loaded.events) == 12  # a compaction keeps the replay
    assert store.list().sessions[0].message_count == 2
    assert loaded.title == "p1"


def test_compaction_keeping_recent_messages_then_rewind(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        seq = _turn(writer, 0, "p1", "a1")
        seq = _turn(writer, seq, "p2", "a2")
        # Odd but legal: an assistant summary in place of "p1"; it joins "a1" after it.
        writer.append_compaction(Message(role="assistant", content=[TextBlock(text="S ")]), 1)
        assert store.list().sessions[0].message_count == 3
        writer.append_rewind(2)
        writer.append_message(Message(role="assistant", content=[TextBlock(text="a3")]))
    loaded = store.load("s1")
    assert [m.text() for m in loaded.messages] == ["S a1", "p2", "a3"]
    assert store.list().sessions[0].message_count == 3


def test_invalid_rewind_records_are_skipped(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        _turn(writer, 0, "p", "a")
        with pytest.raises(ValueError, match=">= 0"):
            writer.append_rewind(-1)
    with store.path_of("s1").open("ab") as handle:
        handle.write(b'{"type":"rewind","messages":"two"}\n')
    loaded = store.load("s1")
    assert len(loaded.messages) == 2 and len(loaded.warnings) == 1


# -- fork, delete, export -------------------------------------------------------------------


def test_fork_copies_the_conversation_and_its_replay(store: SessionStore) -> None:
    with store.create("s1", CWD, "m", "plan") as writer:
        seq = _turn(writer, 0, "first", "one")
        _turn(writer, seq, "second", "two")
        writer.append_title("Named")
    whole = store.fork("s1")
    part = store.fork("s1", up_to_messages=2, new_id="part")
    assert part == "part"
    original = store.load("s1")
    copy = store.load(whole)
    assert [m.to_api() for m in copy.messages] == [m.to_api() for m in original.messages]
    assert copy.events == original.events
    assert copy.title == "Named" and copy.mode == "plan"
    assert copy.meta.forked_from == {"sessionId": "s1", "messages": 4}
    cut = store.load("part")
    assert [m.text() for m in cut.messages] == ["first", "one"]
    assert [s for s, _ in cut.events] == [1, 2, 3, 4]
    assert cut.meta.forked_from == {"sessionId": "s1", "messages": 2}
    assert cut.event_marks == original.event_marks[:2]
    # The fork is a session like any other: it can be resumed and rewound.
    with store.open_writer("part") as writer:
        assert writer.last_seq == 4
        _turn(writer, 4, "third", "three")
        writer.append_rewind(2)
    assert [s for s, _ in store.load("part").events] == [1, 2, 3, 4]
    summaries = {s.session_id: s for s in store.list().sessions}
    assert summaries["part"].forked_from == "s1"


def test_fork_of_a_rewound_session_renumbers_events(store: SessionStore) -> None:
    with store.create("s1", CWD, "m") as writer:
        seq = _turn(writer, 0, "a", "b")
        seq = _turn(writer, seq, "c", "d")
        writer.append_rewind(2)
        _turn(writer, seq, "e", "f")
    fork = store.load(store.fork("s1"))
    assert [s for s, _ in fork.events] == list(range(1, 9))
    assert [m.text() for m in fork.messages] == ["a", "b", "e", "f"]


def test_delete(store: SessionStore) -> None:
    store.create("s1", CWD, "m").close()
    history = store.file_history("s1")
    target = store.root.parent / "f.txt"
    target.write_text("x")
    history.snapshot(target, "t1")
    assert history.directory.is_dir()
    store.delete("s1")
    assert not store.exists("s1")
    assert not history.directory.exists()
    assert store.list().sessions == []
    with pytest.raises(SessionNotFoundError):
        store.delete("s1")


def test_export_markdown(store: SessionStore) -> None:
    with store.create("s1", CWD, "claude-x") as writer:
        writer.append_message(Message.user_text("Please list files"))
        writer.append_message(
            Message(
                role="assistant",
                content=[
                    ThinkingBlock(thinking="I should run ls", signature="s"),
                    TextBlock(text="Let me look."),
                    ToolUseBlock(id="tu1", name="Bash", input={"command": "ls -la"}),
                ],
            )
        )
        writer.append_message(
            Message(
                role="user",
                content=[
                    ToolResultBlock(
                        tool_use_id="tu1", content="\n".join(f"file{i}" for i in range(100))
                    )
                ],
            )
        )
        writer.append_message(
            Message(role="assistant", content=[TextBlock(text="Here: ```code``` inline")])
        )
    md = store.export_markdown("s1")
    assert md.startswith("# Please list files\n")
    assert "- Session: `s1`" in md and f"- Project: `{CWD}`" in md
    assert md.count("## User") == 1 and md.count("## Assistant") == 2
    assert "<details><summary>Thinking</summary>" in md
    assert "**Tool: Bash ls -la**" in md
    assert '"command": "ls -la"' in md
    assert "file39" in md and "file40" not in md and "60 more lines" in md
    assert md.index("file0") < md.index("Here:")


def test_file_modes_of_fork_and_index(store: SessionStore) -> None:
    store.create("s1", CWD, "m").close()
    store.fork("s1", new_id="s2")
    store.list()
    assert stat.S_IMODE(store.path_of("s2").stat().st_mode) == 0o600
    assert stat.S_IMODE((store.root / "index.json").stat().st_mode) == 0o600
