"""``@`` references, pinned files and client images turned into content blocks."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from claude_server.errors import CommandError
from claude_server.model import CONTENT_ADAPTER
from claude_server.references import (
    Pins,
    expand_references,
    find_references,
    image_block,
    image_block_from_base64,
    image_media_type,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 32
GIF = b"GIF89a" + b"\0" * 32
WEBP = b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 32


@pytest.fixture
def user_home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    (root / "src").mkdir(parents=True)
    (root / "src" / "main.py").write_text(
        "".join(f"line {n}\n" for n in range(1, 31)), encoding="utf-8"
    )
    (root / "src" / "util.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (root / "my notes.md").write_text("remember\n", encoding="utf-8")
    (root / "logo.png").write_bytes(PNG)
    return root


def _texts(blocks: list[dict[str, object]]) -> list[str]:
    return [str(b["text"]) for b in blocks if b["type"] == "text"]


def test_find_references_syntax() -> None:
    text = (
        "see @src/main.py#10-20 and @\"my notes.md\" and @'a b.txt'#5 and @x.py#L3-L4 "
        "and @big.log#100- (@paren.py) mail a@b.com or user@host, @server:resource://x"
    )
    refs = find_references(text)
    summary = [(r.path, r.quoted, r.line_start, r.line_end) for r in refs]
    assert summary == [
        ("src/main.py", False, 10, 20),
        ("my notes.md", True, None, None),
        ("a b.txt", True, 5, 5),
        ("x.py", False, 3, 4),
        ("big.log", False, 100, None),
        ("paren.py)", False, None, None),
    ]
    assert text[refs[0].start : refs[0].end] == "@src/main.py#10-20"


def test_code_is_not_searched() -> None:
    text = (
        "outside @a.py, inline `@b.py` and ``x @c.py y``\n"
        "```python\n"
        "@decorator\n"
        "def f(): ...\n"
        "```\n"
        "after @d.py\n"
        "~~~\n"
        "@e.py\n"
    )
    assert [r.path for r in find_references(text)] == ["a.py,", "d.py"]


def test_file_with_range(cwd: Path, user_home: Path) -> None:
    out = expand_references("Explain @src/main.py#10-12 please", cwd, home=user_home)
    assert out.warnings == ()
    (attachment,) = out.attachments
    assert attachment.kind == "file" and attachment.path == cwd / "src" / "main.py"
    assert (attachment.line_start, attachment.line_end) == (10, 12)
    text = _texts(list(attachment.blocks))[0]
    assert text.startswith('<file path="src/main.py" lines="10-12" of="30">\n')
    assert "    10\tline 10\n    11\tline 11\n    12\tline 12\n</file>" in text
    assert "line 9" not in text and "line 13" not in text
    blocks = out.content_blocks()
    assert blocks[-1] == {"type": "text", "text": "Explain @src/main.py#10-12 please"}
    CONTENT_ADAPTER.validate_python(blocks)


def test_single_line_and_open_range(cwd: Path, user_home: Path) -> None:
    out = expand_references("@src/main.py#7 @src/main.py#29-", cwd, home=user_home)
    first, second = (_texts(list(a.blocks))[0] for a in out.attachments)
    assert "     7\tline 7\n</file>" in first and "line 8" not in first
    assert "29\tline 29\n" in second and "30\tline 30\n" in second


def test_whole_file_and_trailing_punctuation(cwd: Path, user_home: Path) -> None:
    out = expand_references("Compare @src/util.py, then stop.", cwd, home=user_home)
    (attachment,) = out.attachments
    assert attachment.display == "src/util.py"
    assert _texts(list(attachment.blocks)) == [
        '<file path="src/util.py">\n     1\tdef f():\n     2\t    return 1\n</file>'
    ]


def test_range_past_the_end_and_reversed(cwd: Path, user_home: Path) -> None:
    out = expand_references("@src/main.py#40-50 @src/main.py#9-3", cwd, home=user_home)
    assert out.attachments == ()
    assert "past the end (the file has 30 lines)" in out.warnings[0]
    assert "empty" in out.warnings[1]


def test_directory_listing(cwd: Path, user_home: Path) -> None:
    out = expand_references("what is in @src/ and @.", cwd, home=user_home)
    src, here = out.attachments
    assert src.kind == "directory"
    assert _texts(list(src.blocks)) == ['<directory path="src/">\nmain.py\nutil.py\n</directory>']
    assert "my notes.md\nsrc/" in _texts(list(here.blocks))[0]


def test_directory_listing_is_capped(cwd: Path, user_home: Path) -> None:
    many = cwd / "many"
    many.mkdir()
    for n in range(250):
        (many / f"f{n:03}.txt").touch()
    (attachment,) = expand_references("@many", cwd, home=user_home).attachments
    text = _texts(list(attachment.blocks))[0]
    assert attachment.truncated and "f199.txt" in text and "f200.txt" not in text
    assert "[... and 50 more entries]" in text


def test_image_reference(cwd: Path, user_home: Path) -> None:
    out = expand_references("Is @logo.png centred?", cwd, home=user_home)
    (attachment,) = out.attachments
    assert attachment.kind == "image"
    label, image = attachment.blocks
    assert label == {"type": "text", "text": '<attachment path="logo.png"/>'}
    assert image == {
        "type": "image",
        "source": {
            "type": "base64",
            "media_type": "image/png",
            "data": base64.b64encode(PNG).decode(),
        },
    }


def test_pdf_and_binary(cwd: Path, user_home: Path) -> None:
    (cwd / "doc.pdf").write_bytes(b"%PDF-1.7\n%binary\0stuff")
    (cwd / "blob.bin").write_bytes(b"\0\1\2\3")
    out = expand_references("@doc.pdf @blob.bin", cwd, home=user_home)
    (pdf,) = out.attachments
    assert pdf.kind == "document" and pdf.blocks[1]["type"] == "document"
    assert pdf.blocks[1]["source"]["media_type"] == "application/pdf"
    assert out.warnings == ("@blob.bin: binary file, not attached",)


def test_missing_files(cwd: Path, user_home: Path) -> None:
    text = 'ping @alice about @nope.py and @"gone file.md" and @src/main.py#3'
    out = expand_references(text, cwd, home=user_home)
    assert out.text == text
    assert [a.display for a in out.attachments] == ["src/main.py"]
    assert out.warnings == (
        "@nope.py: no such file or directory",
        "@gone file.md: no such file or directory",
    )


def test_spaces_home_and_absolute_paths(cwd: Path, user_home: Path) -> None:
    (user_home / "todo.txt").write_text("milk\n", encoding="utf-8")
    absolute = cwd / "src" / "util.py"
    out = expand_references(f'@"my notes.md" @~/todo.txt @{absolute}', cwd, home=user_home)
    assert [a.path for a in out.attachments] == [
        cwd / "my notes.md",
        user_home / "todo.txt",
        absolute,
    ]
    assert out.attachments[1].display == "~/todo.txt"


def test_emails_and_code_are_left_alone(cwd: Path, user_home: Path) -> None:
    (cwd / "b.com").write_text("x", encoding="utf-8")
    out = expand_references("mail a@b.com, see `@src/main.py`", cwd, home=user_home)
    assert out.attachments == () and out.warnings == ()


def test_same_reference_twice_is_attached_once(cwd: Path, user_home: Path) -> None:
    out = expand_references("@src/util.py and again @src/util.py", cwd, home=user_home)
    assert len(out.attachments) == 1 and len(out.references) == 2


def test_truncation(cwd: Path, user_home: Path) -> None:
    (cwd / "big.txt").write_text("".join(f"row {n}\n" for n in range(1, 2601)), encoding="utf-8")
    (cwd / "wide.txt").write_text("x" * 5000 + "\n", encoding="utf-8")
    big, wide = expand_references("@big.txt @wide.txt", cwd, home=user_home).attachments
    text = _texts(list(big.blocks))[0]
    assert big.truncated
    assert '<file path="big.txt" lines="1-2000" of="2600">' in text
    assert "row 2000\n" in text and "row 2001" not in text
    assert "[truncated: showed lines 1-2000 of 2600;" in text
    assert "[line truncated]" in _texts(list(wide.blocks))[0]


def test_empty_file(cwd: Path, user_home: Path) -> None:
    (cwd / "empty.txt").touch()
    (attachment,) = expand_references("@empty.txt", cwd, home=user_home).attachments
    assert _texts(list(attachment.blocks)) == ['<file path="empty.txt">\n(empty)\n</file>']


# --- pins ---------------------------------------------------------------------------------------


def test_pins(cwd: Path, user_home: Path) -> None:
    pins = Pins(cwd, home=user_home)
    pin = pins.add("src/util.py")
    assert pin.path == cwd / "src" / "util.py" and pin.display == "src/util.py"
    pins.add('"my notes.md"')
    pins.add("./src/util.py")  # the same file: pinned once
    assert [p.display for p in pins.list()] == ["src/util.py", "my notes.md"]
    assert "src/util.py" in pins and len(pins) == 2
    with pytest.raises(CommandError, match="no such file"):
        pins.add("missing.py")
    with pytest.raises(CommandError, match="/add <path>"):
        pins.add("  ")
    out = expand_references("Go on, and @src/main.py#1", cwd, home=user_home, pins=pins)
    assert [a.display for a in out.attachments] == ["src/util.py", "my notes.md", "src/main.py"]
    assert [a.pinned for a in out.attachments] == [True, True, False]
    texts = _texts(out.content_blocks())
    assert texts[0].startswith('<file path="src/util.py">')
    assert texts[-1] == "Go on, and @src/main.py#1"
    # A reference to a pinned file is not attached twice.
    again = expand_references("@src/util.py", cwd, home=user_home, pins=pins)
    assert len(again.attachments) == 2
    pins.remove("src/util.py")
    with pytest.raises(CommandError, match="not pinned"):
        pins.remove("src/util.py")
    restored = Pins(cwd, home=user_home, paths=pins.paths())
    assert [p.display for p in restored.list()] == ["my notes.md"]
    (cwd / "my notes.md").unlink()
    gone = expand_references("hi", cwd, home=user_home, pins=restored)
    assert gone.attachments == () and gone.warnings == ("pinned file my notes.md no longer exists",)
    restored.clear()
    assert restored.list() == []


# --- client images ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_image_blocks(data: bytes, media_type: str) -> None:
    assert image_media_type(data) == media_type
    block = image_block(data)
    assert block["source"]["media_type"] == media_type
    assert image_block_from_base64(base64.b64encode(data).decode()) == block
    assert CONTENT_ADAPTER.validate_python([block])[0].type == "image"


def test_image_rejections() -> None:
    assert image_media_type(b"hello") is None
    with pytest.raises(CommandError, match="not a PNG"):
        image_block(b"hello")
    with pytest.raises(CommandError, match="base64"):
        image_block_from_base64("***")
    with pytest.raises(CommandError, match="MiB"):
        image_block(PNG + b"\0" * (5 * 1024 * 1024))
