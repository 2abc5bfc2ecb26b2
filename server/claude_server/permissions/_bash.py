"""Splitting a Bash command into the simple commands it runs, with a real shell parser.

The parser is tree-sitter's Bash grammar. Every simple command is found wherever it hides: after
``&&``, ``||``, ``;``, ``&``, ``|``, ``|&`` or a newline, in subshells and braces, in ``$(...)``,
backticks and ``<(...)``, in heredoc bodies, in control structures and function bodies, and in the
string given to ``bash -c``/``sh -c``/``eval`` (parsed in turn). Anything the parser cannot account
for becomes a *problem*, and a command with problems is never approved automatically.

For each simple command two views are kept:

- ``allow_text``: what an allow rule must match. Claude Code's documented wrappers (``timeout``,
  ``time``, ``nice``, ``nohup``, ``stdbuf``, ``command``, ``builtin``, ``noglob``, ``exec``, bare
  ``xargs``, ``env`` with only assignments) are stripped, and so are leading assignments of
  known-safe variables (``NODE_ENV=test``); any other assignment stays, so the rule must name it.
- ``deny_texts``: every form a deny or ask rule is tried against: as written, past every wrapper
  and every assignment, the program's base name for a path (``/bin/rm``), and the commands run by
  exec wrappers (``sudo``, ``watch``, ``xargs -n1``, ``find -exec``...).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Literal

import tree_sitter
import tree_sitter_bash

MAX_NESTING = 3
"""How deep ``bash -c "... bash -c '...' ..."`` strings are parsed before giving up (asking)."""

SAFE_ENV_VARS = frozenset(
    {
        "NODE_ENV",
        "RUST_BACKTRACE",
        "RUST_LOG",
        "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE",
        "NO_COLOR",
        "FORCE_COLOR",
        "CI",
        "TZ",
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "TERM",
        "COLUMNS",
        "LINES",
    }
)
"""Variables whose leading assignment an allow rule looks past: none of them changes which
program runs or what it loads (``PATH``, ``LD_PRELOAD``, ``PYTHONPATH``... are not here)."""

EXEC_WRAPPERS = frozenset(
    {
        "sudo",
        "doas",
        "su",
        "runuser",
        "watch",
        "setsid",
        "ionice",
        "flock",
        "chroot",
        "unshare",
        "nsenter",
        "taskset",
        "chrt",
        "prlimit",
        "strace",
        "ltrace",
        "script",
        "parallel",
        "coproc",
        "firejail",
        "systemd-run",
    }
)
"""Programs that run another command given as arguments. A wildcard allow rule never approves
them (``Bash(watch *)`` would approve ``watch rm -rf .``); deny and ask rules see the command
inside."""

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox"})

_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_FIND_WRITES = frozenset({"-delete", "-fprint", "-fprint0", "-fprintf", "-fls"})
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\+?=")
_UNSAFE_LOWERCASE = frozenset(
    {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy", "path", "fpath", "cdpath"}
)
_UNQUOTED_META = re.compile(r"[;&|<>()`\s]")
_NO_FILE_TARGETS = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")

# Node types whose meaning we know; any other one makes the command unparseable (ask).
_KNOWN = frozenset(
    {
        "program",
        "list",
        "pipeline",
        "subshell",
        "compound_statement",
        "negated_command",
        "redirected_statement",
        "if_statement",
        "elif_clause",
        "else_clause",
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "do_group",
        "case_statement",
        "case_item",
        "function_definition",
        "test_command",
        "comment",
        "command",
        "command_name",
        "variable_assignment",
        "variable_assignments",
        "declaration_command",
        "unset_command",
        "file_redirect",
        "heredoc_redirect",
        "herestring_redirect",
        "heredoc_start",
        "heredoc_body",
        "heredoc_content",
        "heredoc_end",
        "file_descriptor",
        "word",
        "number",
        "string",
        "string_content",
        "raw_string",
        "ansi_c_string",
        "translated_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "brace_expression",
        "variable_name",
        "special_variable_name",
        "subscript",
        "array",
        "binary_expression",
        "unary_expression",
        "ternary_expression",
        "postfix_expression",
        "parenthesized_expression",
        "test_operator",
        "regex",
        "extglob_pattern",
    }
)


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One simple command of a (possibly compound) command line."""

    text: str
    """As written, without its redirections."""
    name: str | None
    """The program run after wrappers (``npm`` for ``timeout 30 npm test``); None if computed."""
    allow_text: str | None
    """What an allow rule must match; None when no command rule can approve it."""
    deny_texts: tuple[str, ...]
    """Every form deny and ask rules are tried against."""
    exact_only: bool = False
    """Only a rule without wildcards may approve it (exec wrappers, ``find -exec``...)."""
    transparent: bool = False
    """``bash -c STRING`` or ``eval``: the commands of the string are listed on their own and
    are what must be allowed; this one only meets deny and ask rules."""
    args: tuple[str, ...] = ()
    """The literal arguments after the program (computed ones left out)."""


@dataclass(frozen=True, slots=True)
class Redirect:
    """A redirection to or from a file."""

    operator: str
    target: str | None
    """The file, or None when it is computed at run time."""
    text: str
    writes: bool
    reads: bool


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command line split into what it runs, the files it redirects, and what was not understood."""

    source: str
    commands: tuple[SimpleCommand, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    problems: tuple[str, ...] = ()


def parse_bash(command: str) -> ParsedCommand:
    """Split ``command`` into simple commands and redirections (see the module docstring)."""
    walker = _Walker(command, 0)
    walker.run()
    return ParsedCommand(
        command,
        tuple(walker.commands),
        tuple(walker.redirects),
        tuple(dict.fromkeys(walker.problems)),
    )


@functools.cache
def _language() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_bash.language())


@dataclass(slots=True)
class _Word:
    text: str
    value: str | None


@dataclass
class _Walker:
    source: str
    depth: int
    commands: list[SimpleCommand] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _bytes: bytes = b""

    def run(self) -> None:
        if "\x00" in self.source:
            self.problems.append("the command contains a NUL character")
            return
        if re.search(r"[\x01-\x08\x0b-\x1f\x7f]", self.source):
            # The grammar and bash disagree on what separates words here (\r, \v, \f...).
            self.problems.append("the command contains control characters")
        if not self.source.strip():
            self.problems.append("the command is empty")
            return
        self._bytes = self.source.encode("utf-8", errors="surrogatepass")
        tree = tree_sitter.Parser(_language()).parse(self._bytes)
        self._visit(tree.root_node)

    # -- tree walking -------------------------------------------------------------------------

    def _text(self, node: tree_sitter.Node) -> str:
        return self._bytes[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def _visit(self, node: tree_sitter.Node) -> None:
        kind = node.type
        if node.is_error or node.is_missing:
            self.problems.append(f"the shell parser could not understand {_clip(self._text(node))}")
        elif kind not in _KNOWN:
            self.problems.append(f"unsupported shell syntax ({kind})")
        if kind == "command":
            self._command(node)
            return
        if kind == "variable_assignment":
            self._assignment_statement(node, node)
            return
        if kind == "declaration_command":
            self._declaration(node)
            return
        if kind == "file_redirect":
            self._redirect(node)
        elif kind == "command_substitution" and self._text(node).startswith("`"):
            inner = self._text(node)[1:-1]
            if "\\" in inner:
                # Inside backticks the shell removes one level of \` \$ \\ and parses again
                # (that is how backticks nest); the grammar reads them as text, so do it here.
                self._nested(re.sub(r"\\([$`\\])", r"\1", inner))
                return
        elif kind == "word" and _UNQUOTED_META.search(
            re.sub(r"\\.", "", self._text(node), flags=re.S)
        ):
            # A word holding what the shell would treat as an operator or a blank means the
            # grammar and bash disagree about this command: do not trust the split.
            self.problems.append(f"the parser read an operator as text: {_clip(self._text(node))}")
        for child in node.children:
            if child.is_named or child.is_error or child.is_missing:
                self._visit(child)

    def _nested(self, script: str) -> None:
        """Parse a script found inside this one and take over what it runs."""
        if not script.strip():
            return
        if self.depth >= MAX_NESTING:
            self.problems.append("shell commands nested too deeply")
            return
        inner = _Walker(script, self.depth + 1)
        inner.run()
        self.commands.extend(inner.commands)
        self.redirects.extend(inner.redirects)
        self.problems.extend(inner.problems)

    def _assignment_statement(self, node: tree_sitter.Node, whole: tree_sitter.Node) -> None:
        """``NAME=value`` on its own: harmless unless it changes how later programs are found."""
        name = _assigned_name(self._text(node))
        for child in node.named_children:
            if child.type != "variable_name":
                self._visit(child)
        if name is None or not _harmless_variable(name):
            text = self._text(whole)
            self.commands.append(SimpleCommand(text, None, text, (text,), exact_only=True))

    def _declaration(self, node: tree_sitter.Node) -> None:
        """``export``/``declare``/``local``/``readonly``/``typeset``."""
        risky = False
        for child in node.named_children:
            if child.type == "variable_assignment":
                name = _assigned_name(self._text(child))
                risky = risky or name is None or not _harmless_variable(name)
                for part in child.named_children:
                    if part.type != "variable_name":
                        self._visit(part)
            elif child.type == "variable_name":
                risky = risky or not _harmless_variable(self._text(child))
            else:
                self._visit(child)
        if risky:
            text = self._text(node)
            self.commands.append(SimpleCommand(text, None, text, (text,), exact_only=True))

    def _redirect(self, node: tree_sitter.Node) -> None:
        operator = ""
        target_node: tree_sitter.Node | None = None
        for child in node.children:
            if not child.is_named:
                operator = operator or self._text(child)
            elif child.type != "file_descriptor":
                target_node = child
        if target_node is None:
            return
        target = _literal(self, target_node)
        if operator in (">&", "<&") and target is not None and (target.isdigit() or target == "-"):
            return  # 2>&1: duplicates a descriptor, names no file
        writes = operator in (">", ">>", "&>", "&>>", ">|", "<>", ">&")
        reads = operator in ("<", "<>", "<&")
        self.redirects.append(Redirect(operator, target, self._text(node), writes, reads))

    def _command(self, node: tree_sitter.Node) -> None:
        assignments: list[tree_sitter.Node] = []
        words: list[_Word] = []
        for child in node.named_children:
            if child.type == "variable_assignment":
                assignments.append(child)
                for part in child.named_children:
                    if part.type != "variable_name":
                        self._visit(part)
                continue
            self._visit(child)
            if child.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                continue
            target = child.named_children[0] if child.type == "command_name" else child
            if child.type == "command_name" and not child.named_children:
                target = child
            value = _literal(self, target)
            if child.type == "command_name" and value is not None and _has_glob(target, self):
                value = None
            words.append(_Word(self._text(target), value))
        if not words:
            # Only assignments (``A=1 B=2``): treat as assignment statements.
            for a in assignments:
                self._assignment_statement(a, a)
            return
        self._analyse(node, assignments, words)

    # -- one simple command ---------------------------------------------------------------------

    def _analyse(
        self, node: tree_sitter.Node, assignments: list[tree_sitter.Node], words: list[_Word]
    ) -> None:
        values = [w.value for w in words]
        names = [_assigned_name(self._text(a)) for a in assignments]
        stages = [0]
        i = 0
        while i < len(words):
            nxt, env_names = _skip_wrapper(values, i)
            if nxt is None or nxt >= len(words):
                break
            names.extend(env_names)
            i = nxt
            stages.append(i)
        core = words[i:]
        program = values[i]
        base = os.path.basename(program) if program else None
        # Words re-joined with single spaces: layout (line continuations, runs of blanks) must
        # not decide whether a rule matches.
        prefix = [self._text(a) for a in assignments]
        text = " ".join([*prefix, *(w.text for w in words)])
        unsafe_assignment = any(n is None or n not in SAFE_ENV_VARS for n in names)
        allow_text: str | None = text if unsafe_assignment else " ".join(w.text for w in core)
        exact_only = False
        if program is None:
            allow_text = None
            self.problems.append(f"the program to run is computed at run time: {_clip(text)}")
        else:
            # Programs that run other programs (or delete files) given as arguments.
            runs_others = base in EXEC_WRAPPERS or (base == "env" and len(core) > 1)
            find_acts = base == "find" and any(v in _FIND_EXEC | _FIND_WRITES for v in values[i:])
            exact_only = runs_others or find_acts

        deny: list[str] = [text]
        for s in stages:
            deny.append(" ".join(w.text for w in words[s:]))
            deny.append(_join(words[s:]))
        if base in EXEC_WRAPPERS or base in ("xargs", "env", "nice", "timeout", "stdbuf", "time"):
            # Option syntax varies; try the command starting at every plain word.
            for k in range(i + 1, len(words)):
                v = values[k]
                if v and not v.startswith(("-", "+")):
                    deny.append(_join(words[k:]))
        if base == "find":
            deny.extend(_find_exec_commands(core))
        deny.extend([_basename_form(t) for t in deny])

        unknowable = _unverifiable(base, values[i:], node.type, self._text(node))
        if unknowable is not None:
            self.problems.append(f"{unknowable}: {_clip(text)}")

        transparent = False
        if base in SHELLS or base in ("eval", "trap"):
            if base in SHELLS:
                script = _shell_script(values[i:])
            elif base == "eval":
                script = _eval_script(values[i:])
            else:
                script = _trap_script(values[i:])
            if script is False:
                pass  # a shell running a file or stdin: an ordinary command
            elif script is None:
                self.problems.append(f"the script given to {base} is computed at run time")
                transparent = True
            else:
                self._nested(script)
                transparent = True

        self.commands.append(
            SimpleCommand(
                text=text,
                name=program,
                allow_text=allow_text,
                deny_texts=tuple(dict.fromkeys(t for t in deny if t)),
                exact_only=exact_only,
                transparent=transparent,
                args=tuple(v for v in values[i + 1 :] if v is not None),
            )
        )


# -- helpers --------------------------------------------------------------------------------------


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _assigned_name(text: str) -> str | None:
    m = _ASSIGNMENT.match(text)
    return m.group(1) if m else None


def _harmless_variable(name: str) -> bool:
    if name in SAFE_ENV_VARS:
        return True
    return any(c.islower() for c in name) and name.lower() not in _UNSAFE_LOWERCASE


def _unescape_word(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("\\\n", ""), flags=re.DOTALL)


def _literal(walker: _Walker, node: tree_sitter.Node) -> str | None:
    """The value of a word after quote removal, or None if it depends on run-time state."""
    kind = node.type
    text = walker._text(node)
    if kind == "word":
        return _unescape_word(text)
    if kind == "number":
        return text
    if kind == "raw_string":
        return text[1:-1]
    if kind == "string":
        parts = node.named_children
        if any(p.type != "string_content" for p in parts):
            return None
        inner = "".join(walker._text(p) for p in parts)
        return re.sub(r'\\([$`"\\])', r"\1", inner.replace("\\\n", ""))
    if kind == "concatenation":
        pieces = [_literal(walker, c) for c in node.named_children]
        if any(p is None for p in pieces) or len(node.named_children) != len(node.children):
            return None
        return "".join(p for p in pieces if p is not None)
    return None


def _has_glob(node: tree_sitter.Node, walker: _Walker) -> bool:
    """Whether a command name has unquoted glob or brace characters (its value is not literal)."""
    if node.type == "word":
        return re.search(r"(?<!\\)[*?\[{]", walker._text(node)) is not None
    if node.type == "concatenation":
        return any(_has_glob(c, walker) for c in node.named_children)
    return False


def _join(words: list[_Word]) -> str:
    return " ".join(w.value if w.value is not None else w.text for w in words)


def _basename_form(text: str) -> str:
    head, sep, rest = text.partition(" ")
    if "/" not in head:
        return text
    return os.path.basename(head) + sep + rest


def _skip_wrapper(values: list[str | None], i: int) -> tuple[int | None, list[str | None]]:
    """If ``values[i]`` is a wrapper Claude Code looks through, the index of the wrapped command.

    Returns (None, []) when it is not a wrapper, or when its options are not understood.
    """
    name = values[i]
    n = len(values)
    j = i + 1

    def opt(k: int) -> str:
        v = values[k] if k < n else None
        return v if v is not None else ""

    if name in ("nohup", "builtin", "noglob"):
        return j, []
    if name == "time":
        while opt(j) == "-p":
            j += 1
        return j, []
    if name == "command":
        return (
            (j + 1, []) if opt(j) == "-p" else ((None, []) if opt(j).startswith("-") else (j, []))
        )
    if name == "exec":
        while opt(j) in ("-c", "-l", "-cl", "-lc") or opt(j) == "-a":
            j += 2 if opt(j) == "-a" else 1
        return j, []
    if name == "xargs":
        return (None, []) if opt(j).startswith("-") or j >= n else (j, [])
    if name == "nice":
        while opt(j).startswith("-"):
            if opt(j) in ("-n", "--adjustment"):
                j += 2
            elif re.fullmatch(r"-n-?\d+|--adjustment=-?\d+|-\d+", opt(j)):
                j += 1
            else:
                return None, []
        return j, []
    if name == "stdbuf":
        while opt(j).startswith("-"):
            if opt(j) in ("-i", "-o", "-e"):
                j += 2
            elif re.fullmatch(r"-[ioe].+|--(input|output|error)=.+", opt(j)):
                j += 1
            else:
                return None, []
        return j, []
    if name == "timeout":
        while opt(j).startswith("-"):
            if opt(j) in ("-s", "-k", "--signal", "--kill-after"):
                j += 2
            elif re.fullmatch(
                r"-[sk].+|--(signal|kill-after)=.+|--foreground|--preserve-status|-v|--verbose",
                opt(j),
            ):
                j += 1
            else:
                return None, []
        if not re.fullmatch(r"\d+(\.\d+)?[smhd]?", opt(j)):
            return None, []
        return j + 1, []
    if name == "env":
        assigned: list[str | None] = []
        while j < n and values[j] is not None and _ASSIGNMENT.match(opt(j)):
            assigned.append(_assigned_name(opt(j)))
            j += 1
        if j < n and (values[j] is None or opt(j).startswith("-")):
            return None, []
        return j, assigned
    return None, []


def _shell_script(values: list[str | None]) -> str | Literal[False] | None:
    """The string of ``bash -c STRING``: None if computed, False for a shell without ``-c``."""
    if values and values[0] == "busybox":
        values = values[1:]
        if not values or values[0] not in SHELLS:
            return False
    has_c = False
    k = 1
    while k < len(values):
        v = values[k]
        if v is None:
            return None if has_c else False
        if v in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            k += 2
            continue
        if v.startswith("--"):
            k += 1
            continue
        if v.startswith(("-", "+")) and len(v) > 1:
            has_c = has_c or (v.startswith("-") and "c" in v[1:])
            k += 1
            continue
        return v if has_c else False
    return False


_STDIN_SCRIPTS = ("-", "/dev/stdin")
_SCRIPT_RUNNERS = SHELLS | {"eval", "source", ".", "env"}


def _shell_reads_stdin(values: list[str | None]) -> bool:
    """Whether ``sh ARGS`` takes its program from standard input (no ``-c``, no script file)."""
    k = 1
    while k < len(values):
        v = values[k]
        if v is None:
            return True  # a computed script name: treat as unseen
        if v in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            k += 2
            continue
        if v == "-s" or (v.startswith("-") and not v.startswith("--") and "s" in v[1:]):
            return True
        if v in _STDIN_SCRIPTS or v.startswith(("/dev/fd/", "/proc/self/fd/")):
            return True
        if v.startswith("-") and not v.startswith("--") and "c" in v[1:]:
            return False
        if v.startswith(("-", "+")) and len(v) > 1:
            k += 1
            continue
        return False  # a script file: an ordinary command that rules name
    return True


def _unverifiable(base: str | None, values: list[str | None], kind: str, text: str) -> str | None:
    """Why what this simple command runs cannot be known before it runs, or None."""
    if base is None:
        return None
    args = values[1:]
    if base == "busybox":
        return "busybox runs its applets under its own name"
    if base in SHELLS and _shell_reads_stdin(values):
        return f"{base} reads its program from standard input"
    if base in ("source", ".") and (
        not args or args[0] is None or args[0].startswith(("/dev/", "/proc/"))
    ):
        return f"{base} runs a script that cannot be seen"
    if base == "env" and any(
        v is not None and (v.startswith(("-S", "--split-string")) or v in ("-S",)) for v in args
    ):
        return "env --split-string runs a command line built at run time"
    if base == "alias" or (base in ("shopt", "set") and "expand_aliases" in text):
        return "aliases change what later commands run"
    if base == "find":
        started = [args[k + 1] for k, v in enumerate(args[:-1]) if v in _FIND_EXEC]
    elif base == "xargs":
        started = [v for v in args if v is None or not v.startswith("-")][:1]
    else:
        started = []
    if any(v is None or os.path.basename(v) in _SCRIPT_RUNNERS for v in started):
        return f"{base} starts a shell on arguments only known at run time"
    return None


def _eval_script(values: list[str | None]) -> str | Literal[False] | None:
    args = values[1:]
    if any(v is None for v in args):
        return None
    return " ".join(v for v in args if v is not None) or False


def _trap_script(values: list[str | None]) -> str | Literal[False] | None:
    """The command ``trap 'CMD' SIGNAL...`` will run later (checked now like any other)."""
    args = values[1:]
    if args and args[0] == "--":
        args = args[1:]
    if len(args) < 2 or args[0] == "-" or (args[0] or "").startswith("-"):
        return False
    return args[0]


def _find_exec_commands(words: list[_Word]) -> list[str]:
    out: list[str] = []
    k = 0
    while k < len(words):
        if words[k].value in _FIND_EXEC:
            end = k + 1
            while end < len(words) and words[end].value not in (";", "+"):
                end += 1
            if end > k + 1:
                out.append(_join(words[k + 1 : end]))
            k = end
        k += 1
    return out


def redirect_is_harmless(target: str) -> bool:
    """Whether a redirection target is a device that is not a file (``/dev/null``, ``/dev/fd/1``)."""
    return target in _NO_FILE_TARGETS or re.fullmatch(r"/dev/fd/\d+", target) is not None
