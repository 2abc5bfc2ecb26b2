"""Session memory: facts extracted mechanically before anything is discarded."""

from __future__ import annotations

from claude_server.compaction import SessionMemory, extract_memory
from claude_server.model import Message, TextBlock

from .compaction_scripted import Builder, long_conversation


def test_facts_of_the_long_conversation() -> None:
    memory = extract_memory(long_conversation(turns=32))
    assert memory.files_modified[0] == "/repo/src/module_0.py"
    assert memory.files_modified[-1] == "/repo/src/module_31.py"
    assert len(memory.files_modified) == 32
    # Read and then edited: listed as modified only; a failed Read counts as nothing.
    assert memory.files_read == ("/repo/docs/diagram.png", "/repo/src/parser.py")
    assert "/repo/missing.py" not in memory.files_read
    assert memory.searches == ("Grep `range\\(len` in `/repo/src`",)
    assert "pytest -q tests/test_module_5.py" in memory.commands
    assert memory.failed_commands == tuple(
        f"pytest -q tests/test_module_{n}.py" for n in (6, 13, 20, 27)
    )
    assert memory.todos == (
        ("Fix module_3", "completed"),
        ("Write a regression test", "completed"),
        ("Update the changelog", "pending"),
    )
    assert memory.open_tasks == ("Update the changelog",)
    # 33 requests, capped at 30: the first five survive, then the latest ones.
    assert len(memory.requests) == 30
    assert memory.requests[0] == "Request 0: fix the off-by-one bug in module_0.py."
    assert memory.requests[4].startswith("Request 4:")
    assert memory.requests[5].startswith("Request 8:")
    assert (
        memory.requests[-1]
        == "Now refactor the parser in /repo/src/parser.py into smaller functions."
    )
    assert memory.preferences == (
        "Always run the tests with pytest -q before you answer.",
        "Never use print for debugging; prefer the logging module.",
    )
    assert memory.decisions == ('"Which logger?" → structlog',)


def test_render_is_markdown_with_only_the_sections_that_have_facts() -> None:
    text = extract_memory(long_conversation(turns=4)).render()
    assert text.startswith("## Session memory")
    for heading in ("### Files modified", "### Commands run", "### Task list", "### User requests"):
        assert heading in text
    assert "- [ ] Fix module_3 (in progress)" in text
    assert "- [ ] Write a regression test" in text
    assert "### Decisions" not in text
    assert SessionMemory().render() == ""
    assert SessionMemory().is_empty


def test_aliases_failed_commands_and_plans() -> None:
    b = Builder()
    b.user("Please don't touch the vendored code. Use ruff instead of flake8.")
    b.call("file_edit", {"file_path": "/x.py", "old_string": "a", "new_string": "b"}, "ok")
    b.call("bash", {"command": "make lint\nmake test"}, "boom", error=True)
    b.call("bash", {"command": "make lint"}, "ok")
    b.call(
        "ExitPlanMode", {"plan": "Rewrite the cache\n- step 1"}, "The user approved the plan; go."
    )
    b.call("ExitPlanMode", {"plan": "Another plan"}, "The user did not approve the plan.")
    b.assistant("done")
    memory = extract_memory(b.messages)
    assert memory.files_modified == ("/x.py",)
    assert memory.commands == ("make lint",)
    assert memory.failed_commands == ()  # its latest run passed
    assert memory.decisions == ("Approved plan: Rewrite the cache",)
    assert memory.preferences == (
        "Please don't touch the vendored code.",
        "Use ruff instead of flake8.",
    )


def test_text_written_by_compaction_is_not_a_user_request() -> None:
    summary = Message(
        role="user",
        content=[
            TextBlock(text="[Summary of the earlier conversation]\nNever mind this."),
            TextBlock(text="## Session memory\n..."),
            TextBlock(text="Carry on with the parser."),
        ],
    )
    memory = extract_memory([summary])
    assert memory.requests == ("Carry on with the parser.",)
    assert memory.preferences == ()


def test_merge_unites_lists_newest_last_and_newer_todos_win() -> None:
    old = extract_memory(long_conversation(turns=4))
    b = Builder()
    b.user("Also fix module_0 again. Always add a changelog entry.")
    b.call(
        "Edit", {"file_path": "/repo/src/module_0.py", "old_string": "x", "new_string": "y"}, "ok"
    )
    b.call("Bash", {"command": "pytest -q tests/test_module_2.py"}, "1 failed", error=True)
    b.assistant("done")
    new = extract_memory(b.messages)
    merged = old.merge(new)
    assert merged.files_modified[-1] == "/repo/src/module_0.py"
    assert merged.files_modified.count("/repo/src/module_0.py") == 1
    assert merged.commands[-1] == "pytest -q tests/test_module_2.py"
    assert merged.failed_commands == ("pytest -q tests/test_module_2.py",)
    assert merged.todos == old.todos  # the newer part wrote no task list
    assert merged.preferences[-1] == "Always add a changelog entry."
    assert merged.requests[0] == old.requests[0]


def test_json_round_trip() -> None:
    memory = extract_memory(long_conversation(turns=21))
    assert SessionMemory.from_dict(memory.to_dict()) == memory
    assert SessionMemory.from_dict({"files_read": ["/a", 3], "todos": "bad"}) == SessionMemory(
        files_read=("/a",)
    )
