"""A session's title, derived from its first prompt."""

from __future__ import annotations

import re

TITLE_MAX = 60
UNTITLED = "Untitled session"

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_SPACE = re.compile(r"\s+")
# Claude Code records slash commands as markup; a title shows them as typed.
_CC_COMMAND = re.compile(r"<command-name>\s*(.*?)\s*</command-name>", re.S)
_CC_ARGS = re.compile(r"<command-args>\s*(.*?)\s*</command-args>", re.S)


def derive_title(first_prompt: str, *, limit: int = TITLE_MAX) -> str:
    """A one-line title (at most ``limit`` characters) for a session started with this prompt.

    The first line of prose wins; a prompt that opens with a code block is named by the first
    line after it (the question usually follows the pasted code), or by the code's first line
    when there is nothing else. Slash commands stay as typed (``/review src/app.py``).
    """
    text = _from_command_markup(first_prompt) or first_prompt
    line = _first_prose_line(text) or _first_code_line(text)
    if not line:
        return UNTITLED
    line = _SPACE.sub(" ", _HEADING.sub("", line)).strip()
    return _shorten(line, limit) if line else UNTITLED


def _from_command_markup(text: str) -> str | None:
    name = _CC_COMMAND.search(text)
    if name is None:
        return None
    args = _CC_ARGS.search(text)
    command = name.group(1) if name.group(1).startswith("/") else f"/{name.group(1)}"
    return f"{command} {args.group(1)}".strip() if args else command


def _first_prose_line(text: str) -> str | None:
    in_code = False
    for raw in text.splitlines():
        if _FENCE.match(raw):
            in_code = not in_code
            continue
        if not in_code and raw.strip():
            return raw
    return None


def _first_code_line(text: str) -> str | None:
    for raw in text.splitlines():
        if raw.strip() and not _FENCE.match(raw):
            return raw
    return None


def _shorten(line: str, limit: int) -> str:
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    # End on a word boundary when one is near; otherwise cut mid-word (long paths, URLs).
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"
