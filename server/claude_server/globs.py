"""Gitignore-style globs as regular expressions: the one translator every package uses.

``*`` and ``?`` stay within one path segment, ``**/`` matches any number of leading segments
(none included), ``**`` elsewhere crosses segments, ``[...]`` is a character class (``[!...]``
and ``[^...]`` negate it; a ``]`` right after the opening bracket or its negation is literal),
``\\x`` is a literal ``x``, and, where asked for, ``{a,b}`` is an alternation (shells and
ripgrep have it; gitignore and permission rules do not).
"""

from __future__ import annotations

import re

__all__ = ["glob_regex", "glob_to_regex"]


def glob_regex(glob: str, *, braces: bool = False) -> str:
    """The regex body for ``glob`` (relative, ``/``-separated, no anchors added)."""
    out: list[str] = []
    i, n = 0, len(glob)
    depth = 0  # inside how many {...}
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            start = i + 1
            if glob.startswith(("!", "^"), start):
                start += 1
            end = glob.find("]", start + 1)  # a "]" first in the class is a member
            if end < 0:
                out.append(re.escape(c))
                i += 1
                continue
            inner = glob[i + 1 : end]
            if inner[:1] in ("!", "^"):
                inner = "^" + inner[1:]
            out.append("[" + inner.replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = end + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
        elif braces and c == "{":
            out.append("(?:")
            depth += 1
            i += 1
        elif braces and c == "}" and depth:
            out.append(")")
            depth -= 1
            i += 1
        elif braces and c == "," and depth:
            out.append("|")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    out.extend(")" * depth)
    return "".join(out)


def glob_to_regex(pattern: str, *, braces: bool = True) -> re.Pattern[str]:
    """A compiled matcher for a glob applied to a ``/``-separated path relative to a root.

    A pattern with no ``/`` inside matches the name at any depth (gitignore); a leading ``/`` or
    ``./`` anchors it at the root.
    """
    if pattern.startswith("./"):
        pattern = "/" + pattern[2:]
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + glob_regex(body, braces=braces) + r"\Z", re.DOTALL)
