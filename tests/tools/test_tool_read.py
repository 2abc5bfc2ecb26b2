"""Read: numbered windows of text files, images and PDFs, and clear errors."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from claude_server.model import TextDisplay, ToolError
from claude_server.tools import ToolRegistry
from tool_support import ScriptedContext, call, text_of, tiny_png


async def test_reads_numbered_lines(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "app.py"
    path.write_text("import os\n\ndef main():\n    pass\n")
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    assert text == "     1\timport os\n     2\t\n     3\tdef main():\n     4\t    pass"


async def test_crlf_is_not_shown_and_last_line_without_newline(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "win.txt"
    path.write_bytes(b"one\r\ntwo\r\nthree")
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    assert text == "     1\tone\n     2\ttwo\n     3\tthree"


async def test_offset_and_limit_window_says_how_to_continue(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "long.txt"
    path.write_text("".join(f"line {n}\n" for n in range(1, 101)))
    result = await call(registry, ctx, "Read", {"file_path": str(path), "offset": 10, "limit": 5})
    text = text_of(result)
    lines = text.split("\n\n")[0].splitlines()
    assert lines == [f"{n:>6}\tline {n}" for n in range(10, 15)]
    assert "Showing lines 10-14 of 100" in text
    assert "offset=15" in text
    assert result.display == [TextDisplay(text="Read 5 lines (10-14 of 100)")]


async def test_default_limit_is_2000_lines(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "big.txt"
    path.write_text("x\n" * 2500)
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    assert "  2000\tx" in text and "  2001\tx" not in text
    assert "Showing lines 1-2000 of 2500" in text and "offset=2001" in text


async def test_last_window_has_no_continue_hint(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "f.txt"
    path.write_text("a\nb\nc\n")
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path), "offset": 2}))
    assert text.startswith("     2\tb\n     3\tc")
    assert "Showing lines 2-3 of 3.)" in text and "offset=" not in text


async def test_offset_past_end(registry: ToolRegistry, ctx: ScriptedContext, project: Path) -> None:
    path = project / "f.txt"
    path.write_text("a\nb\n")
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path), "offset": 9}))
    assert "has 2 lines; offset 9 is past its end" in text


async def test_long_lines_are_cut(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "min.js"
    path.write_text("short\n" + "y" * 50_000 + "\nafter\n")
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    lines = text.splitlines()
    assert lines[0] == "     1\tshort"
    assert lines[1].startswith("     2\t" + "y" * 2000 + " … [line cut at 2000 characters]")
    assert "y" * 2001 not in text
    assert lines[2] == "     3\tafter"
    assert "1 line(s) longer than 2000 characters were cut" in text


async def test_output_is_bounded(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "wide.txt"
    path.write_text(("z" * 1500 + "\n") * 500)
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    assert len(text) < 110_000
    assert "Stopped at line" in text and "the file has 500 lines" in text


async def test_empty_file(registry: ToolRegistry, ctx: ScriptedContext, project: Path) -> None:
    path = project / "empty.txt"
    path.touch()
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    assert "exists but is empty" in text


async def test_relative_path_is_refused_with_the_absolute_one(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    with pytest.raises(ToolError, match="must be an absolute path") as info:
        await call(registry, ctx, "Read", {"file_path": "src/app.py"})
    assert str(project / "src" / "app.py") in str(info.value)


async def test_missing_file_suggests_similar_names(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    (project / "config.yaml").write_text("a: 1\n")
    with pytest.raises(ToolError, match="File does not exist") as info:
        await call(registry, ctx, "Read", {"file_path": str(project / "config.yml")})
    assert "Did you mean" in str(info.value) and "config.yaml" in str(info.value)
    with pytest.raises(ToolError, match="File does not exist"):
        await call(registry, ctx, "Read", {"file_path": str(project / "nothing" / "x")})


async def test_directory_is_refused(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    with pytest.raises(ToolError, match="is a directory"):
        await call(registry, ctx, "Read", {"file_path": str(project)})


async def test_binary_file_is_refused(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "data.bin"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    with pytest.raises(ToolError, match="binary file"):
        await call(registry, ctx, "Read", {"file_path": str(path)})


async def test_png_is_returned_as_an_image_block(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    data = tiny_png()
    path = project / "pixel.dat"  # the type comes from the bytes, not the name
    path.write_bytes(data)
    result = await call(registry, ctx, "Read", {"file_path": str(path)})
    assert isinstance(result.content, list)
    [block] = result.content
    assert block["type"] == "image"
    assert block["source"]["type"] == "base64"
    assert block["source"]["media_type"] == "image/png"
    assert base64.b64decode(block["source"]["data"]) == data


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    ],
)
async def test_other_image_types(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path, head: bytes, media_type: str
) -> None:
    path = project / "img"
    path.write_bytes(head + b"\0" * 32)
    result = await call(registry, ctx, "Read", {"file_path": str(path)})
    assert isinstance(result.content, list)
    assert result.content[0]["source"]["media_type"] == media_type


async def test_pdf_is_returned_as_a_document_block(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "doc.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    result = await call(registry, ctx, "Read", {"file_path": str(path)})
    assert isinstance(result.content, list)
    assert result.content[0]["type"] == "document"
    assert result.content[0]["source"]["media_type"] == "application/pdf"


async def test_latin1_text_is_still_readable(
    registry: ToolRegistry, ctx: ScriptedContext, project: Path
) -> None:
    path = project / "old.txt"
    path.write_bytes("caf\xe9\n".encode("latin-1"))
    text = text_of(await call(registry, ctx, "Read", {"file_path": str(path)}))
    assert text == "     1\tcaf\ufffd"


async def test_fifo_is_refused(registry: ToolRegistry, ctx: ScriptedContext, project: Path) -> None:
    path = project / "pipe"
    os.mkfifo(path)
    with pytest.raises(ToolError, match="not a regular file"):
        await call(registry, ctx, "Read", {"file_path": str(path)})
