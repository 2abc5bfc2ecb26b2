"""Titles derived from the first prompt."""

from __future__ import annotations

import pytest
from claude_server.sessions import derive_title


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        ("Fix the bug", "Fix the bug"),
        ("  Fix the bug  \nmore details here", "Fix the bug"),
        ("\n\n   \nsecond line wins", "second line wins"),
        ("/review src/app.py", "/review src/app.py"),
        (
            "```\nTraceback (most recent call last):\n```\nwhy does this fail?",
            "why does this fail?",
        ),
        ("```python\nprint('hi')\n```", "print('hi')"),
        ("# Heading prompt\nbody", "Heading prompt"),
        ("tabs\tand   spaces", "tabs and spaces"),
        ("", "Untitled session"),
        ("   \n  ", "Untitled session"),
        ("```\n```", "Untitled session"),
        (
            "<command-message>review</command-message>\n<command-name>/review</command-name>\n"
            "<command-args>pr 12</command-args>",
            "/review pr 12",
        ),
    ],
)
def test_titles(prompt: str, title: str) -> None:
    assert derive_title(prompt) == title


def test_long_prompts_are_cut_on_a_word() -> None:
    prompt = (
        "Please refactor the session storage layer so that listing hundreds of sessions is fast"
    )
    title = derive_title(prompt)
    assert len(title) <= 60
    assert title.endswith("…")
    assert title == "Please refactor the session storage layer so that listing…"


def test_long_words_are_cut_anyway() -> None:
    title = derive_title("x" * 200)
    assert len(title) == 60 and title.endswith("…")
