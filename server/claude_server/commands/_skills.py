"""Skills and legacy custom commands: discovery, frontmatter parsing and prompt rendering.

Where they come from (``~`` is the user's home, the project is the session's project root)::

    ~/.claude/skills/<name>/SKILL.md          user skill
    ~/.claude/commands/<name>.md              user command (legacy)
    ~/.claude/commands/<dir>/<name>.md        namespaced user command  -> "dir:name"
    ~/.claude/commands/<name>/SKILL.md        user command in directory form
    .claude/skills/<name>/SKILL.md            project skill
    .claude/commands/...                      project commands, same shapes

When two share a name, the project wins over the user, and within one place a skill wins over a
command. A name a built-in command already has is shadowed (the built-in runs) and reported.

Namespacing: a command in a subfolder is named ``folder:name`` (``frontend/component.md`` is
``/frontend:component``). Newer Claude Code versions invoke such a command by its bare name and
show the folder as a label; so :meth:`SkillSet.get` also resolves the bare ``component`` when
exactly one command carries it.

Malformed frontmatter never raises: the problem is collected as a :class:`SkillWarning` naming the
file and the file is skipped. Skipping (rather than loading the body without its frontmatter) is
deliberate: a lost ``disable-model-invocation: true`` or ``user-invocable: false`` would expose
a command its author meant to restrict. One repair is made silently first, as Claude Code does:
plain values that YAML cannot read as they stand (``argument-hint: [pr] [priority]``,
``description: Use when: ...``) are read as quoted strings.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from claude_server.commands._builtins import builtin_command

SkillKind = Literal["skill", "command"]
"""``skill``: from a ``skills/`` folder; ``command``: from a legacy ``commands/`` folder."""

Scope = Literal["user", "project"]
"""Where a skill was found: under the user's home or in the project."""

SKILL_FILE = "SKILL.md"
MAX_NAME_LENGTH = 64
LISTING_TEXT_LIMIT = 1536
"""Claude Code truncates a skill's description plus when_to_use at this many characters."""

_MAX_NAMESPACE_DEPTH = 4
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]*"
NAME_PATTERN = re.compile(rf"{_SEGMENT}(?::{_SEGMENT})*")
"""What a command or skill name may look like (``fix-issue``, ``frontend:component``)."""
_SEGMENT_RE = re.compile(_SEGMENT)

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


@dataclass(frozen=True)
class SkillWarning:
    """A skill or command file that could not be used as written."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Skill:
    """One skill or legacy command, ready to list and render."""

    name: str
    """Canonical invocation name, without the slash (``fix-issue``, ``frontend:component``)."""
    description: str
    kind: SkillKind
    scope: Scope
    path: Path
    """The markdown file."""
    body: str
    """The prompt template (the file after its frontmatter, stripped)."""
    argument_hint: str | None = None
    allowed_tools: tuple[str, ...] = ()
    """Permission rules granted while the skill runs; ``${CLAUDE_SKILL_DIR}`` already resolved."""
    when_to_use: str | None = None
    user_invocable: bool = True
    """``False`` leaves it out of ``commands/list``; typed in full it still runs."""
    disable_model_invocation: bool = False
    """``True``: only the user starts it; it is left out of the system prompt."""
    model: str | None = None
    """A model to run with; ``None`` means the session's (``inherit`` in the file)."""
    argument_names: tuple[str, ...] = ()
    """Names from the ``arguments`` field: ``$issue`` is the first argument, and so on."""
    context: str | None = None
    agent: str | None = None
    namespace: str | None = None
    """The folder path of a namespaced command (``frontend``), else ``None``."""
    description_from_body: bool = False
    frontmatter: Mapping[str, Any] = field(default_factory=dict)
    """Every frontmatter field as read (fields we do not model are kept here)."""

    @property
    def base_dir(self) -> Path:
        """The folder ``${CLAUDE_SKILL_DIR}`` stands for."""
        return self.path.parent

    @property
    def model_invocable(self) -> bool:
        """Whether the model may invoke it on its own."""
        return not self.disable_model_invocation

    @property
    def bare_name(self) -> str:
        """The name without its namespace (``component`` for ``frontend:component``)."""
        return self.name.rsplit(":", 1)[-1]

    @property
    def label(self) -> str:
        """Where it comes from, as shown beside it: ``project``, ``user:frontend``."""
        return f"{self.scope}:{self.namespace}" if self.namespace else self.scope


class SkillSet:
    """The skills and commands one project sees, plus the warnings found while loading them."""

    def __init__(self, skills: Iterable[Skill] = (), warnings: Iterable[SkillWarning] = ()) -> None:
        self.skills: tuple[Skill, ...] = tuple(sorted(skills, key=lambda s: s.name))
        self.warnings: tuple[SkillWarning, ...] = tuple(warnings)
        self._by_name = {s.name: s for s in self.skills}
        bare: dict[str, list[Skill]] = {}
        for skill in self.skills:
            if skill.namespace:
                bare.setdefault(skill.bare_name, []).append(skill)
        self._by_bare = {k: v[0] for k, v in bare.items() if len(v) == 1}

    def __iter__(self) -> Iterator[Skill]:
        return iter(self.skills)

    def __len__(self) -> int:
        return len(self.skills)

    def get(self, name: str) -> Skill | None:
        """The skill called ``name``: exact, then a unique bare namespaced name, then any case."""
        found = self._by_name.get(name) or self._by_bare.get(name)
        if found is not None:
            return found
        folded = name.casefold()
        matches = [s for s in self.skills if s.name.casefold() == folded]
        return matches[0] if len(matches) == 1 else None

    def names(self) -> list[str]:
        """Every canonical name, sorted."""
        return [s.name for s in self.skills]


# --- frontmatter -------------------------------------------------------------------------------


class FrontmatterError(ValueError):
    """The frontmatter block of a file cannot be read."""


def split_frontmatter(text: str) -> tuple[dict[str, Any], str]:
    """Split a markdown file into its YAML frontmatter (a dict, empty when absent) and body.

    Raises :class:`FrontmatterError` with a message fit for the user when a frontmatter block is
    opened but not closed, is not valid YAML even after quoting plain values, or is not a mapping.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            block = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return _load_yaml_mapping(block), body
    raise FrontmatterError("frontmatter opened with '---' on line 1 is never closed")


def _load_yaml_mapping(block: str) -> dict[str, Any]:
    if not block.strip():
        return {}
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as first:
        repaired = _quote_plain_values(block)
        try:
            data = yaml.safe_load(repaired) if repaired != block else None
        except yaml.YAMLError:
            data = None
        if data is None:
            raise FrontmatterError(
                f"frontmatter is not valid YAML: {_yaml_problem(first)}"
            ) from None
    if not isinstance(data, dict):
        raise FrontmatterError(
            f"frontmatter must be a mapping of fields, not {type(data).__name__}"
        )
    return {str(k): v for k, v in data.items()}


_TOP_LEVEL_FIELD = re.compile(r"^([A-Za-z_][\w-]*):[ \t]+(\S.*?)\s*$")


def _quote_plain_values(block: str) -> str:
    """Quote top-level values that YAML cannot take as a plain scalar or a list."""
    out: list[str] = []
    for line in block.splitlines(keepends=True):
        match = _TOP_LEVEL_FIELD.match(line)
        if match and not _reads_as_value(match.group(2)):
            newline = "\n" if line.endswith("\n") else ""
            line = f"{match.group(1)}: {json.dumps(match.group(2))}{newline}"
        out.append(line)
    return "".join(out)


def _reads_as_value(raw: str) -> bool:
    if raw[0] in "|>":
        return True  # a block scalar header; its lines follow
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return False
    return not isinstance(value, dict)


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if mark is not None:
        # +2: the mark counts from 0 inside the block, which starts on the file's line 2.
        return f"{problem} (line {mark.line + 2}, column {mark.column + 1})"
    return str(problem)


def parse_tool_list(value: Any) -> tuple[str, ...]:
    """Read ``allowed-tools``/``tools``: a YAML list or a string separated by commas or spaces.

    Separators inside parentheses belong to the rule: ``Bash(git add *) Read`` is two rules,
    ``Bash(gh pr view:*),Read`` too. Raises ``ValueError`` for other types.
    """
    if value is None:
        return ()
    if isinstance(value, list):
        items: list[str] = []
        for item in value:
            if isinstance(item, dict | list) or item is None:
                raise ValueError("each entry must be a tool rule such as 'Bash(git status:*)'")
            items.append(str(item).strip())
        return tuple(i for i in items if i)
    if isinstance(value, str | int | float):
        return tuple(_split_rules(str(value)))
    raise ValueError("must be a string or a list of tool rules")


def _split_rules(text: str) -> list[str]:
    rules: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if depth == 0 and (char == "," or char.isspace()):
            if current:
                rules.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        rules.append("".join(current))
    return rules


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError("must be true or false (yes/no, on/off and 1/0 are accepted too)")


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise ValueError("must be text")
    text = str(value).strip()
    return text or None


def _as_hint(value: Any) -> str | None:
    # `argument-hint: [message]` is a YAML list; show it the way it was typed.
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return _as_text(value)


def _as_names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else _split_rules(str(value))
    names = tuple(str(v).strip() for v in items)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{name!r} is not an argument name (letters, digits, underscores)")
    return names


def first_paragraph(body: str) -> str:
    """The first paragraph of a markdown body, as one line (headings lose their ``#``)."""
    paragraph: list[str] = []
    in_fence = False
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            if paragraph:
                break
            continue
        if in_fence:
            continue
        if not stripped:
            if paragraph:
                break
            continue
        paragraph.append(stripped.lstrip("#").strip() if stripped.startswith("#") else stripped)
    return " ".join(p for p in paragraph if p)


# --- loading -----------------------------------------------------------------------------------


def load_skill_file(
    path: Path,
    *,
    kind: SkillKind,
    scope: Scope,
    default_name: str,
    namespace: str | None = None,
) -> tuple[Skill | None, list[SkillWarning]]:
    """Parse one skill or command file; never raises.

    ``default_name`` is the folder name (skills) or file stem (commands), used when the
    frontmatter has no valid ``name``. A namespaced command's name gets ``namespace:`` in front.
    Returns ``(None, warnings)`` when the file must be skipped.
    """
    warnings: list[SkillWarning] = []

    def warn(message: str) -> tuple[Skill | None, list[SkillWarning]]:
        warnings.append(SkillWarning(path, message))
        return None, warnings

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return warn(f"cannot be read: {exc}")
    try:
        meta, raw_body = split_frontmatter(text)
    except FrontmatterError as exc:
        return warn(f"{exc}; the file is skipped")
    body = raw_body.strip()

    name = default_name
    given_name = meta.get("name")
    if given_name is not None:
        candidate = str(given_name).strip()
        if _SEGMENT_RE.fullmatch(candidate) and len(candidate) <= MAX_NAME_LENGTH:
            name = candidate
        else:
            warnings.append(
                SkillWarning(
                    path,
                    f"name {candidate!r} is not a valid command name (letters, digits, '-' and "
                    f"'_'; at most {MAX_NAME_LENGTH} characters); using {default_name!r}",
                )
            )
    if not _SEGMENT_RE.fullmatch(name):
        return warn(f"{name!r} is not a valid command name; the file is skipped")
    full_name = f"{namespace}:{name}" if namespace else name

    try:
        fields = _read_fields(meta, skill_dir=path.parent)
    except _FieldError as exc:
        return warn(f"field {exc.field!r} {exc.message}; the file is skipped")

    description = fields.pop("description")
    from_body = description is None
    if description is None:
        description = first_paragraph(body) or f"Run the {full_name} {kind}"
    skill = Skill(
        name=full_name,
        description=description,
        kind=kind,
        scope=scope,
        path=path,
        body=body,
        namespace=namespace,
        description_from_body=from_body,
        frontmatter=meta,
        **fields,
    )
    return skill, warnings


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _read_fields(meta: Mapping[str, Any], *, skill_dir: Path) -> dict[str, Any]:
    readers: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "description": ("description", _as_text),
        "argument-hint": ("argument_hint", _as_hint),
        "allowed-tools": ("allowed_tools", parse_tool_list),
        "when_to_use": ("when_to_use", _as_text),
        "when-to-use": ("when_to_use", _as_text),
        "user-invocable": ("user_invocable", _as_bool),
        "disable-model-invocation": ("disable_model_invocation", _as_bool),
        "model": ("model", _as_text),
        "arguments": ("argument_names", _as_names),
        "context": ("context", _as_text),
        "agent": ("agent", _as_text),
    }
    out: dict[str, Any] = {"description": None}
    for key, (attr, read) in readers.items():
        if key not in meta or meta[key] is None:
            continue
        try:
            out[attr] = read(meta[key])
        except ValueError as exc:
            raise _FieldError(key, str(exc)) from None
    if out.get("model") == "inherit":
        out["model"] = None
    if "allowed_tools" in out:
        out["allowed_tools"] = tuple(
            rule.replace("${CLAUDE_SKILL_DIR}", str(skill_dir)) for rule in out["allowed_tools"]
        )
    return out


def discover_skills(project_dir: Path | None, *, home: Path) -> SkillSet:
    """Find every skill and command the user and the project define.

    ``home`` plays ``~``; ``project_dir`` is the project root (``None``: user ones only). Never
    raises: unreadable or malformed files become warnings.
    """
    warnings: list[SkillWarning] = []
    chosen: dict[str, Skill] = {}
    roots: list[tuple[Scope, Path]] = [("user", home / ".claude")]
    if project_dir is not None and not _same_dir(project_dir, home):
        roots.append(("project", project_dir / ".claude"))
    # Lowest precedence first, so that later assignments win.
    for scope, root in roots:
        for kind in ("command", "skill"):
            found = (
                _scan_skills(root / "skills", scope)
                if kind == "skill"
                else _scan_commands(root / "commands", scope)
            )
            seen_here: dict[str, Path] = {}
            for skill, file_warnings in found:
                warnings.extend(file_warnings)
                if skill is None:
                    continue
                if skill.name in seen_here:
                    warnings.append(
                        SkillWarning(
                            skill.path,
                            f"/{skill.name} is already defined by {seen_here[skill.name]}; "
                            "this file is ignored",
                        )
                    )
                    continue
                seen_here[skill.name] = skill.path
                chosen[skill.name] = skill
    for name, skill in list(chosen.items()):
        if builtin_command(name) is not None:
            warnings.append(
                SkillWarning(skill.path, f"/{name} is a built-in command, which takes precedence")
            )
            del chosen[name]
    return SkillSet(chosen.values(), warnings)


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _scan_skills(folder: Path, scope: Scope) -> Iterator[tuple[Skill | None, list[SkillWarning]]]:
    for entry in _sorted_entries(folder):
        skill_file = entry / SKILL_FILE
        if entry.is_dir() and skill_file.is_file():
            yield load_skill_file(skill_file, kind="skill", scope=scope, default_name=entry.name)


def _scan_commands(
    folder: Path, scope: Scope, namespace: tuple[str, ...] = ()
) -> Iterator[tuple[Skill | None, list[SkillWarning]]]:
    ns = ":".join(namespace) or None
    for entry in _sorted_entries(folder):
        if entry.is_dir():
            if (entry / SKILL_FILE).is_file():
                yield load_skill_file(
                    entry / SKILL_FILE,
                    kind="command",
                    scope=scope,
                    default_name=entry.name,
                    namespace=ns,
                )
            elif len(namespace) < _MAX_NAMESPACE_DEPTH:
                if not _SEGMENT_RE.fullmatch(entry.name):
                    continue  # not a name segment: cannot be typed after the slash
                yield from _scan_commands(entry, scope, (*namespace, entry.name))
        elif entry.suffix == ".md" and entry.is_file():
            yield load_skill_file(
                entry, kind="command", scope=scope, default_name=entry.stem, namespace=ns
            )


def _sorted_entries(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []


# --- rendering ---------------------------------------------------------------------------------


def split_arguments(arguments: str) -> list[str]:
    """Split what was typed after a command the way a shell would (quotes group words).

    Unbalanced quotes fall back to splitting on whitespace.
    """
    try:
        return shlex.split(arguments)
    except ValueError:
        return arguments.split()


def _positional_zero_based(skill: Skill) -> bool:
    # Skills follow today's docs: `$0` is the first argument. Legacy command files were written
    # for `$1` being the first, unless they use `$0` themselves.
    if skill.kind == "skill":
        return True
    return re.search(r"\$0(?!\d)", skill.body) is not None


def render(
    skill: Skill,
    arguments: str = "",
    *,
    session_id: str | None = None,
    run_inline: Callable[[str], str] | None = None,
) -> str:
    """The prompt a skill invocation sends: its body with the arguments substituted.

    Placeholders: ``$ARGUMENTS`` (everything typed, as typed), ``$ARGUMENTS[N]`` (0-based),
    ``$N`` (one digit; 0-based for skills, 1-based for legacy commands that do not use ``$0``),
    ``$name`` for names declared in ``arguments``, ``${CLAUDE_SKILL_DIR}`` and
    ``${CLAUDE_SESSION_ID}`` (when ``session_id`` is given). A missing argument becomes empty.
    When the body has none of the argument placeholders and arguments were given, they are
    appended as ``ARGUMENTS: <what was typed>``.

    Inline commands ``!`cmd``` (at a line start or after whitespace) are passed to
    ``run_inline`` and replaced by its output; without it they stay as written. Arguments
    substituted into a command are shell-quoted, so typed text cannot inject shell syntax.
    Substitution is one pass over the original body: inserted text is never re-scanned.
    """
    raw = arguments.strip()
    args = split_arguments(raw)
    zero_based = _positional_zero_based(skill)
    named = {n: i for i, n in enumerate(skill.argument_names)}
    pattern = _placeholder_pattern(skill.argument_names)
    used_arguments = False

    def argument(index: int) -> str:
        return args[index] if 0 <= index < len(args) else ""

    def substitute(match: re.Match[str], *, quote: bool) -> str:
        nonlocal used_arguments
        kind = match.lastgroup
        if kind == "inline":
            if quote or run_inline is None:
                return match.group(0)
            return run_inline(pattern.sub(lambda m: substitute(m, quote=True), match.group("cmd")))
        if kind == "skill_dir":
            return str(skill.base_dir)
        if kind == "session":
            return session_id if session_id is not None else match.group(0)
        used_arguments = True
        if kind == "all":
            return shlex.join(args) if quote else raw
        if kind == "indexed":
            value = argument(int(match.group("idx")))
        elif kind == "positional":
            number = int(match.group("pos"))
            value = argument(number if zero_based else number - 1)
        else:
            value = argument(named[match.group("named")])
        return shlex.quote(value) if quote and value else value

    text = pattern.sub(lambda m: substitute(m, quote=False), skill.body)
    if raw and not used_arguments:
        text = f"{text}\n\nARGUMENTS: {raw}" if text else f"ARGUMENTS: {raw}"
    return text


def _placeholder_pattern(names: Sequence[str]) -> re.Pattern[str]:
    parts = [
        r"(?P<inline>(?:^|(?<=\s))!`(?P<cmd>[^`\n]+)`)",
        r"(?P<skill_dir>\$\{CLAUDE_SKILL_DIR\})",
        r"(?P<session>\$\{CLAUDE_SESSION_ID\})",
        r"(?P<indexed>\$ARGUMENTS\[(?P<idx>\d+)\])",
        r"(?P<all>\$ARGUMENTS(?![A-Za-z0-9_]))",
        r"(?P<positional>\$(?P<pos>\d)(?!\d))",
    ]
    if names:
        # Longest first, so that `$issue_id` is not read as `$issue` + `_id`.
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        parts.append(rf"\$(?P<named>{alternatives})(?![A-Za-z0-9_])")
    return re.compile("|".join(parts), re.MULTILINE)


# --- system prompt -----------------------------------------------------------------------------


def skills_prompt_section(skills: Iterable[Skill], *, tool_name: str = "Skill") -> str:
    """The system-prompt section listing the skills the model may invoke on its own.

    One line per skill: name, description and ``when_to_use`` (together cut at
    :data:`LISTING_TEXT_LIMIT` characters). Empty when there are none.
    """
    lines: list[str] = []
    for skill in sorted(skills, key=lambda s: s.name):
        if not skill.model_invocable:
            continue
        text = " ".join(skill.description.split())
        if skill.when_to_use:
            text = f"{text} When to use: {' '.join(skill.when_to_use.split())}"
        if len(text) > LISTING_TEXT_LIMIT:
            text = text[: LISTING_TEXT_LIMIT - 1].rstrip() + "…"
        hint = f" (arguments: {skill.argument_hint})" if skill.argument_hint else ""
        lines.append(f"- {skill.name}{hint}: {text}")
    if not lines:
        return ""
    header = (
        "# Skills\n"
        "These skills hold instructions for particular tasks. When a request matches one, "
        f"call the {tool_name} tool with its name (and any arguments) to load the instructions "
        "before starting the task.\n"
    )
    return header + "\n".join(lines)
