"""Reading and merging the settings files, lowest to highest precedence.

Sources: user (``~/.claude/settings.json``, moved by ``CLAUDE_CONFIG_DIR``), project
(``.claude/settings.json``), local (``.claude/settings.local.json``), command-line flags, managed
(``/etc/claude-code/managed-settings.json``). Scalars: the higher source wins. Lists (permission
rules, additional directories, hook matcher groups...) are concatenated without duplicates, objects
(``env``, ``hooks``, ``sandbox``...) are merged key by key.

A broken file never stops the others from applying. What is kept of it:

- invalid JSON, or a top level that is not an object: nothing (unless a previous load of the same
  file was valid: then that version stays in force, so saving a half-written file in an editor
  does not drop its deny rules for a moment);
- a field of the wrong type: only that value is dropped (the innermost one pydantic names: one
  item of a list, one key of ``env``, one hook matcher group), the rest of the file applies;
- ``permissions.deny`` or ``permissions.ask`` written as a single string instead of a list: the
  rule is still used (a deny must never be lost to a typo), and the problem is reported.

Every problem is a readable line naming the file and the field.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from claude_server.config._paths import (
    MANAGED_SETTINGS_PATH,
    claude_config_dir,
    local_settings_path,
    project_settings_path,
    user_home,
)
from claude_server.config._settings import HookMatcher, Settings
from claude_server.config._trust import strip_untrusted
from claude_server.model import Behavior

SettingsScope = Literal["user", "project", "local", "flag", "managed"]

SCOPES: tuple[SettingsScope, ...] = ("user", "project", "local", "flag", "managed")
"""Lowest to highest precedence."""

BEHAVIORS: tuple[Behavior, ...] = ("deny", "ask", "allow")
"""Rule lists in the order they are checked."""

_LIST_OF_STRINGS = {
    "permissions.allow",
    "permissions.ask",
    "permissions.deny",
    "permissions.additionalDirectories",
    "availableModels",
    "enabledMcpjsonServers",
    "disabledMcpjsonServers",
    "companyAnnouncements",
}
_MAX_CLEANING_PASSES = 500


@dataclass(frozen=True, slots=True)
class SettingsSource:
    """Where some settings came from."""

    scope: SettingsScope
    path: Path | None
    """The file, or None for settings given inline on the command line."""
    root: Path
    """What a permission rule's leading ``/`` means for this source: the project directory for
    project, local and flag settings, the ``~/.claude`` folder for user settings, the managed
    file's folder for managed settings (as Claude Code documents)."""

    @property
    def label(self) -> str:
        """The file path, or ``command-line settings``."""
        return str(self.path) if self.path is not None else "command-line settings"


@dataclass(frozen=True, slots=True)
class SourcedRule:
    """A permission rule as written, with its list and the file it came from."""

    behavior: Behavior
    rule: str
    source: SettingsSource


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """Something wrong in one settings file (the rest still applies)."""

    source: str
    field: str | None
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.source}: {self.field}: {self.message}"
        return f"{self.source}: {self.message}"


@dataclass(frozen=True)
class LoadedSettings:
    """The merged settings of one project, with where every rule came from."""

    settings: Settings
    """All sources merged."""
    project_dir: Path
    home: Path
    sources: tuple[SettingsSource, ...]
    """Sources that were found and read, lowest precedence first."""
    by_scope: Mapping[SettingsScope, Settings]
    """The valid part of each source that was found."""
    rules: tuple[SourcedRule, ...]
    """Every permission rule in force, highest-precedence source first within each list."""
    additional_directories: tuple[Path, ...]
    """``permissions.additionalDirectories`` of every source, made absolute."""
    problems: tuple[SettingsProblem, ...]
    watched_paths: tuple[Path, ...]
    """Every file whose change means the settings must be read again (existing or not)."""
    valid_raw: Mapping[Path, dict[str, Any]] = field(default_factory=dict)
    """The valid part of each file as JSON, kept to survive a later half-written save."""
    trusted: bool = True
    """Whether the project folder is trusted (its own settings apply in full)."""
    ignored: tuple[str, ...] = ()
    """What an untrusted folder's settings said and was not applied, one line per file."""

    def rules_for(self, behavior: Behavior) -> tuple[SourcedRule, ...]:
        """The rules of one list (``allow``, ``ask`` or ``deny``)."""
        return tuple(r for r in self.rules if r.behavior == behavior)

    def hooks_for(self, event: str) -> list[HookMatcher]:
        """The matcher groups configured for a hook event (none when hooks are disabled)."""
        if self.settings.disable_all_hooks:
            return []
        return list(self.settings.hooks.get(event, []))

    def hooks(self) -> Mapping[str, Sequence[HookMatcher]]:
        """Every event's matcher groups (empty when hooks are disabled)."""
        if self.settings.disable_all_hooks:
            return {}
        return {event: list(groups) for event, groups in self.settings.hooks.items() if groups}


def load_settings(
    cwd: Path,
    *,
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    flag_settings: Mapping[str, Any] | Path | None = None,
    managed_path: Path | None = None,
    previous: LoadedSettings | None = None,
    trusted: bool = True,
) -> LoadedSettings:
    """Read every settings source for the project at ``cwd`` and merge them.

    ``flag_settings`` is what command-line flags say (a mapping shaped like a settings file, or
    the path of a file given with ``--settings``). ``managed_path`` replaces
    ``/etc/claude-code/managed-settings.json`` (tests). ``previous`` is the last load: a file that
    has become invalid JSON since keeps its last valid content. When the folder is not
    ``trusted``, its project and local files lose what could run a program or widen what runs
    unasked (see ``strip_untrusted``); :attr:`LoadedSettings.ignored` says what.
    """
    env = os.environ if env is None else env
    home = home if home is not None else user_home(env)
    project_dir = Path(os.path.abspath(cwd))
    config_dir = claude_config_dir(env, home)
    managed = managed_path if managed_path is not None else MANAGED_SETTINGS_PATH

    candidates: list[SettingsSource] = [
        SettingsSource("user", config_dir / "settings.json", config_dir),
        SettingsSource("project", project_settings_path(project_dir), project_dir),
        SettingsSource("local", local_settings_path(project_dir), project_dir),
    ]
    inline_flags: Mapping[str, Any] | None = None
    if isinstance(flag_settings, Path):
        candidates.append(SettingsSource("flag", flag_settings, project_dir))
    elif flag_settings is not None:
        inline_flags = flag_settings
        candidates.append(SettingsSource("flag", None, project_dir))
    candidates.append(SettingsSource("managed", managed, managed.parent))

    problems: list[SettingsProblem] = []
    found: list[tuple[SettingsSource, dict[str, Any], Settings]] = []
    valid_raw: dict[Path, dict[str, Any]] = {}
    ignored: list[str] = []
    fallback = previous.valid_raw if previous is not None else {}
    for source in candidates:
        if source.path is None:
            raw: dict[str, Any] | None = _as_object(inline_flags, source.label, problems)
        else:
            raw = _read_json_object(source.path, problems, fallback.get(source.path))
        if raw is None:
            continue
        if not trusted and source.scope in ("project", "local"):
            raw, dropped = strip_untrusted(raw)
            if dropped:
                ignored.append(f"{source.label}: {', '.join(dropped)}")
        settings, cleaned = validate_settings(raw, source.label, problems)
        found.append((source, cleaned, settings))
        if source.path is not None:
            valid_raw[source.path] = cleaned

    managed_only_rules = any(
        s.scope == "managed" and st.allow_managed_permission_rules_only for s, _, st in found
    )
    managed_only_hooks = any(
        s.scope == "managed" and st.allow_managed_hooks_only for s, _, st in found
    )
    merged: dict[str, Any] = {}
    for source, cleaned, _ in found:
        contribution = cleaned
        if source.scope != "managed" and (managed_only_rules or managed_only_hooks):
            contribution = copy.deepcopy(cleaned)
            perms = contribution.get("permissions")
            if managed_only_rules and isinstance(perms, dict):
                for key in BEHAVIORS:
                    perms.pop(key, None)
            if managed_only_hooks:
                contribution.pop("hooks", None)
        merged = merge_settings(merged, contribution)
    settings, _ = validate_settings(merged, "merged settings", problems)

    rules: list[SourcedRule] = []
    for behavior in BEHAVIORS:
        for source, _, st in reversed(found):
            if managed_only_rules and source.scope != "managed":
                continue
            for rule in getattr(st.permissions, behavior):
                rules.append(SourcedRule(behavior, rule, source))

    extra_dirs: list[Path] = []
    for _, _, st in found:
        for entry in st.permissions.additional_directories:
            resolved = _absolute_dir(entry, project_dir, home)
            if resolved not in extra_dirs:
                extra_dirs.append(resolved)

    return LoadedSettings(
        settings=settings,
        project_dir=project_dir,
        home=home,
        sources=tuple(s for s, _, _ in found),
        by_scope={s.scope: st for s, _, st in found},
        rules=tuple(rules),
        additional_directories=tuple(extra_dirs),
        problems=tuple(problems),
        watched_paths=tuple(s.path for s in candidates if s.path is not None),
        valid_raw=valid_raw,
        trusted=trusted,
        ignored=tuple(ignored),
    )


def merge_settings(lower: Mapping[str, Any], higher: Mapping[str, Any]) -> dict[str, Any]:
    """Merge two settings objects: objects key by key, lists concatenated, scalars from ``higher``."""
    out: dict[str, Any] = copy.deepcopy(dict(lower))
    for key, value in higher.items():
        below = out.get(key)
        if isinstance(below, dict) and isinstance(value, dict):
            out[key] = merge_settings(below, value)
        elif isinstance(below, list) and isinstance(value, list):
            combined = list(below)
            for item in value:
                if item not in combined:
                    combined.append(copy.deepcopy(item))
            out[key] = combined
        else:
            out[key] = copy.deepcopy(value)
    return out


def validate_settings(
    raw: Mapping[str, Any], label: str, problems: list[SettingsProblem]
) -> tuple[Settings, dict[str, Any]]:
    """Validate one settings object, dropping (and reporting) each invalid value.

    Returns the settings and the JSON that validated (the input less what was dropped).
    """
    data: dict[str, Any] = copy.deepcopy(dict(raw))
    perms = data.get("permissions")
    if isinstance(perms, dict):
        for key in ("deny", "ask"):
            if isinstance(perms.get(key), str):
                perms[key] = [perms[key]]
                problems.append(
                    SettingsProblem(
                        label,
                        f"permissions.{key}",
                        "expected a list of strings; the single rule given is used anyway",
                    )
                )
    for _ in range(_MAX_CLEANING_PASSES):
        try:
            return Settings.model_validate(data), data
        except ValidationError as exc:
            error = exc.errors()[0]
            path, skipped_tag = _data_path(data, error["loc"])
            problems.append(_problem(label, data, path, error, skipped_tag))
            if not path:
                break
            _remove(data, path)
    problems.append(SettingsProblem(label, None, "too many invalid values; the file is ignored"))
    return Settings(), {}


def _read_json_object(
    path: Path, problems: list[SettingsProblem], last_good: dict[str, Any] | None
) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(SettingsProblem(str(path), None, f"cannot be read: {exc}"))
        return last_good
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        if last_good is not None:
            message += "; the last valid version stays in force"
        else:
            message += "; the file is ignored"
        problems.append(SettingsProblem(str(path), None, message))
        return last_good
    return _as_object(data, str(path), problems)


def _as_object(data: Any, label: str, problems: list[SettingsProblem]) -> dict[str, Any] | None:
    if data is None:
        return None
    if isinstance(data, Mapping):
        return dict(data)
    problems.append(
        SettingsProblem(
            label, None, f"expected a JSON object at the top level, got {_kind(data)}; ignored"
        )
    )
    return None


def _data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[tuple[int | str, ...], bool]:
    """The part of a pydantic error location that indexes into ``data``.

    Pydantic adds tags for union members (``str``, ``list[str]``); they are skipped. A location
    naming a missing key ends at its parent, so the parent is what gets dropped.
    """
    path: list[int | str] = []
    current = data
    skipped = False
    for part in loc:
        in_dict = isinstance(current, dict) and isinstance(part, str) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            current = current[part]
            path.append(part)
        else:
            skipped = True
    return tuple(path), skipped


def _remove(data: Any, path: tuple[int | str, ...]) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]


def _render_path(path: tuple[int | str, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _problem(
    label: str,
    data: Any,
    path: tuple[int | str, ...],
    error: Mapping[str, Any],
    skipped_tag: bool,
) -> SettingsProblem:
    value = data
    for part in path:
        value = value[part]
    rendered = _render_path(path)
    parent = _render_path(path[:-1])
    kind = error.get("type", "")
    if path and isinstance(path[-1], int) and parent in _LIST_OF_STRINGS:
        return SettingsProblem(
            label,
            parent,
            f"expected a list of strings; item {path[-1]} ({_short(value)}) is ignored",
        )
    if rendered in _LIST_OF_STRINGS:
        return SettingsProblem(
            label, rendered, f"expected a list of strings, got {_kind(value)}; ignored"
        )
    if kind == "missing":
        missing = error["loc"][-1]
        what = f"missing required field {missing!r}"
        return SettingsProblem(label, rendered or None, f"{what}; this entry is ignored")
    if skipped_tag:
        message = f"has the wrong type ({_kind(value)})"
    else:
        message = _MESSAGES.get(kind, str(error.get("msg", "invalid value")))
        message = message.removeprefix("Value error, ")
        if kind == "literal_error":
            message = f"expected {error.get('ctx', {}).get('expected', 'another value')}"
        elif kind in ("greater_than_equal", "greater_than"):
            message = str(error.get("msg", "out of range")).lower()
        message = f"{message}, got {_short(value)}"
    return SettingsProblem(label, rendered or None, f"{message}; ignored")


_MESSAGES = {
    "list_type": "expected a list",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return type(value).__name__


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _absolute_dir(entry: str, project_dir: Path, home: Path) -> Path:
    if entry == "~" or entry.startswith("~/"):
        path = home / entry[2:] if entry != "~" else home
    else:
        path = Path(entry)
        if not path.is_absolute():
            path = project_dir / path
    return Path(os.path.normpath(path))
