"""Path patterns of ``Read(...)``/``Edit(...)`` rules, and whether a path is inside the project.

Pattern anchors, as Claude Code documents them:

- ``//path``: absolute (``//etc/hosts`` is ``/etc/hosts``);
- ``~/path``: the home directory;
- ``/path``: the settings source's root (the project for project settings, ``~/.claude`` for
  user settings), *not* the filesystem root;
- ``./path``: the working directory;
- ``path``: the working directory too. A bare name (no ``/`` inside) matches at any depth below it
  (gitignore), as ``**/path`` would. In a deny or ask rule any relative pattern matches at any
  depth (``Edit(src/**)`` also blocks ``vendor/pkg/src/lib.js``), in an allow rule only at the
  working directory.

Globs follow gitignore: ``*`` and ``?`` stay within one path segment, ``**`` crosses segments, and
a pattern that matches a directory covers everything inside it.

A path is checked both as written (``..`` collapsed) and with symlinks resolved: a deny or ask rule
matches when either form does, an allow rule only when both do (a symlink in an allowed folder that
points elsewhere is not allowed by it), and a path is inside the project only when both forms are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from claude_server.globs import glob_regex
from claude_server.model import Behavior


@dataclass(frozen=True, slots=True)
class PathForms:
    """A path as written (normalised) and with symlinks resolved."""

    lexical: str
    real: str
    directory: bool = False
    """A folder a search tool looks through: a rule about the files in it applies to it."""

    @property
    def forms(self) -> tuple[str, ...]:
        """Both forms (one when they agree)."""
        return (self.lexical,) if self.lexical == self.real else (self.lexical, self.real)


def path_forms(raw: str, cwd: Path, home: Path, *, directory: bool = False) -> PathForms:
    """The forms of a path from a tool input: ``~`` expanded, relative to ``cwd``."""
    if raw == "~" or raw.startswith("~/"):
        path = str(home) + raw[1:]
    elif os.path.isabs(raw):
        path = raw
    else:
        path = os.path.join(cwd, raw)
    lexical = os.path.normpath(path)
    if lexical.startswith("//"):
        lexical = "/" + lexical.lstrip("/")
    return PathForms(lexical, os.path.realpath(lexical), directory)


def _dir_forms(path: Path) -> tuple[str, ...]:
    lexical = os.path.normpath(os.path.abspath(path))
    real = os.path.realpath(lexical)
    return (lexical,) if lexical == real else (lexical, real)


def is_within(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or below it (both normalised, absolute)."""
    if directory == "/":
        return path.startswith("/")
    return path == directory or path.startswith(directory + "/")


def in_scope(target: PathForms, roots: Iterable[Path]) -> bool:
    """Whether every form of ``target`` lies in one of ``roots`` (in either of its forms)."""
    root_forms = [f for r in roots for f in _dir_forms(r)]
    return all(any(is_within(form, r) for r in root_forms) for form in target.forms)


@dataclass(frozen=True, slots=True)
class PathPattern:
    """A compiled path pattern of one rule."""

    regexes: tuple[re.Pattern[str], ...]

    def matches(self, target: PathForms, behavior: Behavior) -> bool:
        """Whether the rule covers ``target`` (see the module docstring for the two forms)."""
        # For a folder, a rule about every file in it (dir/**) covers searching it.
        probe = "/\x00" if target.directory else ""
        hits = [
            any(rx.fullmatch(form) or (probe and rx.fullmatch(form + probe)) for rx in self.regexes)
            for form in target.forms
        ]
        return all(hits) if behavior == "allow" else any(hits)


def compile_path_pattern(
    spec: str, *, behavior: Behavior, rule_root: Path, cwd: Path, home: Path
) -> PathPattern:
    """Compile a rule's path pattern against its anchors."""
    spec = spec.strip()
    if spec.startswith("//"):
        anchor, rel = Path("/"), spec[2:]
    elif spec == "~" or spec.startswith("~/"):
        anchor, rel = home, spec[2:]
    elif spec.startswith("/"):
        anchor, rel = rule_root, spec[1:]
    elif spec == "." or spec.startswith("./"):
        anchor, rel = cwd, spec[2:]
    else:
        anchor, rel = cwd, spec
        body = rel.rstrip("/")
        if (behavior != "allow" or "/" not in body) and not rel.startswith("**"):
            rel = "**/" + rel
    while rel.startswith("../") or rel == "..":
        anchor, rel = anchor.parent, rel[3:]
    body_regex = glob_regex(rel.rstrip("/"))
    regexes: list[re.Pattern[str]] = []
    for base in _dir_forms(anchor):
        prefix = re.escape(base.rstrip("/"))
        regex = prefix + ("/" + body_regex if body_regex else "") + r"(?:/.*)?"
        regexes.append(re.compile(regex, re.DOTALL))
    return PathPattern(tuple(regexes))
