"""Write and Edit: read-before-change, staleness, exact replacement, line endings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from claude_server.model import DiffDisplay, ToolError
from claude_server.tools import ToolRegistry
from tool_support import ScriptedContext, call, set_mtime, text_of


async def _read(registry: ToolRegistry, ctx: ScriptedContext, path: Path) -> None:
    await call(registry, ctx, "Read", {"file_path": str(path)})


# Write -----------------------------------------------------------------------------------


async def test_write_creates_file_and_parents(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "new" / "deep" / "f.txt"
    result = await call(registry, ctx, "Write", {"file_path": str(path), "content": "a\nb\n"})
    assert path.read_text() == "a\nb\n"
    assert text_of(result) == f"Created {path} (2 lines)."
    assert result.display == [DiffDisplay(path=str(path), old_text="", new_text="a\nb\n")]


async def test_write_refuses_to_overwrite_unread_file(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "keep.txt"
    path.write_text("precious\n")
    with pytest.raises(ToolError, match=r"has not been read in this session\. Read it first"):
        await call(registry, ctx, "Write", {"file_path": str(path), "content": "x"})
    assert path.read_text() == "precious\n"


async def test_write_after_read_overwrites_and_shows_diff(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("old\n")
    await _read(registry, ctx, path)
    result = await call(registry, ctx, "Write", {"file_path": str(path), "content": "new\n"})
    assert path.read_text() == "new\n"
    assert text_of(result).startswith("Updated")
    assert result.display == [DiffDisplay(path=str(path), old_text="old\n", new_text="new\n")]
    # Its own write does not make the file stale: a second write goes through.
    await call(registry, ctx, "Write", {"file_path": str(path), "content": "newer\n"})
    assert path.read_text() == "newer\n"


async def test_write_refuses_when_file_changed_since_read(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("v1\n")
    set_mtime(path, 100)
    await _read(registry, ctx, path)
    os.utime(path)  # touched by someone else: new mtime, same size
    with pytest.raises(ToolError, match="changed on disk since it was last read"):
        await call(registry, ctx, "Write", {"file_path": str(path), "content": "x"})
    await _read(registry, ctx, path)
    await call(registry, ctx, "Write", {"file_path": str(path), "content": "x"})
    assert path.read_text() == "x"


async def test_write_relative_path_and_directory(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    with pytest.raises(ToolError, match="must be an absolute path"):
        await call(registry, ctx, "Write", {"file_path": "f.txt", "content": "x"})
    with pytest.raises(ToolError, match="is a directory"):
        await call(registry, ctx, "Write", {"file_path": str(project), "content": "x"})


# Edit ------------------------------------------------------------------------------------


async def test_edit_replaces_unique_text_and_shows_snippet(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "app.py"
    path.write_text("def a():\n    return 1\n\ndef b():\n    return 2\n")
    await _read(registry, ctx, path)
    result = await call(
        registry,
        ctx,
        "Edit",
        {"file_path": str(path), "old_string": "return 2", "new_string": "return 3"},
    )
    assert path.read_text() == "def a():\n    return 1\n\ndef b():\n    return 3\n"
    text = text_of(result)
    assert text.startswith(f"Edited {path}.")
    assert "     5\t    return 3" in text and "     1\tdef a():" in text
    [display] = result.display
    assert isinstance(display, DiffDisplay)
    assert display.old_text.endswith("return 2\n") and display.new_text.endswith("return 3\n")


async def test_edit_non_unique_says_how_many(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("x = 1\nx = 1\nx = 1\n")
    await _read(registry, ctx, path)
    with pytest.raises(ToolError, match="occurs 3 times") as info:
        await call(
            registry, ctx, "Edit", {"file_path": str(path), "old_string": "x", "new_string": "y"}
        )
    assert "replace_all" in str(info.value)
    result = await call(
        registry,
        ctx,
        "Edit",
        {"file_path": str(path), "old_string": "x", "new_string": "y", "replace_all": True},
    )
    assert path.read_text() == "y = 1\ny = 1\ny = 1\n"
    assert "3 occurrences replaced" in text_of(result)


async def test_edit_absent_old_string(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("hello\n")
    await _read(registry, ctx, path)
    with pytest.raises(ToolError, match="old_string was not found"):
        await call(
            registry,
            ctx,
            "Edit",
            {"file_path": str(path), "old_string": "bye", "new_string": "x"},
        )
    with pytest.raises(ToolError, match="line numbers that Read adds"):
        await call(
            registry,
            ctx,
            "Edit",
            {"file_path": str(path), "old_string": "     1\thello", "new_string": "x"},
        )


async def test_edit_identical_strings(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("a\n")
    with pytest.raises(ToolError, match="identical"):
        await call(
            registry, ctx, "Edit", {"file_path": str(path), "old_string": "a", "new_string": "a"}
        )


async def test_edit_without_read_is_refused(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("a\n")
    with pytest.raises(ToolError, match="Read it first, then edit it"):
        await call(
            registry, ctx, "Edit", {"file_path": str(path), "old_string": "a", "new_string": "b"}
        )
    assert path.read_text() == "a\n"


async def test_edit_refused_when_changed_since_read(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("a\n")
    set_mtime(path, 100)
    await _read(registry, ctx, path)
    path.write_text("a\nb\n")  # the user edited it meanwhile
    with pytest.raises(ToolError, match="changed on disk"):
        await call(
            registry, ctx, "Edit", {"file_path": str(path), "old_string": "a", "new_string": "c"}
        )


async def test_consecutive_edits_need_no_reread(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("one two\n")
    await _read(registry, ctx, path)
    for old, new in (("one", "1"), ("two", "2")):
        await call(
            registry, ctx, "Edit", {"file_path": str(path), "old_string": old, "new_string": new}
        )
    assert path.read_text() == "1 2\n"


async def test_edit_preserves_crlf(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "win.txt"
    path.write_bytes(b"alpha\r\nbeta\r\ngamma\r\n")
    await _read(registry, ctx, path)
    await call(
        registry,
        ctx,
        "Edit",
        {"file_path": str(path), "old_string": "beta\ngamma", "new_string": "BETA\nGAMMA\nDELTA"},
    )
    assert path.read_bytes() == b"alpha\r\nBETA\r\nGAMMA\r\nDELTA\r\n"


async def test_edit_keeps_utf8_and_bom(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "u.txt"
    path.write_bytes("\ufeffnaïve café\n".encode())
    await _read(registry, ctx, path)
    await call(
        registry,
        ctx,
        "Edit",
        {"file_path": str(path), "old_string": "café", "new_string": "crème"},
    )
    assert path.read_bytes() == "\ufeffnaïve crème\n".encode()


async def test_edit_refuses_non_utf8(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "l.txt"
    path.write_bytes(b"caf\xe9\n")
    await _read(registry, ctx, path)
    with pytest.raises(ToolError, match="not UTF-8"):
        await call(
            registry, ctx, "Edit", {"file_path": str(path), "old_string": "caf", "new_string": "x"}
        )


async def test_edit_creates_new_file_with_empty_old_string(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "pkg" / "new.py"
    result = await call(
        registry,
        ctx,
        "Edit",
        {"file_path": str(path), "old_string": "", "new_string": "print('hi')\n"},
    )
    assert path.read_text() == "print('hi')\n"
    assert text_of(result).startswith("Created")
    with pytest.raises(ToolError, match="already exists and is not empty"):
        await call(
            registry,
            ctx,
            "Edit",
            {"file_path": str(path), "old_string": "", "new_string": "x"},
        )


async def test_edit_missing_file_with_old_string(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    with pytest.raises(ToolError, match="File does not exist"):
        await call(
            registry,
            ctx,
            "Edit",
            {"file_path": str(project / "nope.txt"), "old_string": "a", "new_string": "b"},
        )


async def test_edit_relative_path(registry: ToolRegistry, ctx: ScriptedContext) -> None:
    with pytest.raises(ToolError, match="must be an absolute path"):
        await call(
            registry, ctx, "Edit", {"file_path": "x.txt", "old_string": "a", "new_string": "b"}
        )


async def test_read_state_follows_symlinks(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    real = project / "real.txt"
    real.write_text("a\n")
    link = project / "link.txt"
    link.symlink_to(real)
    await _read(registry, ctx, link)
    await call(
        registry, ctx, "Edit", {"file_path": str(real), "old_string": "a", "new_string": "b"}
    )
    assert real.read_text() == "b\n"
