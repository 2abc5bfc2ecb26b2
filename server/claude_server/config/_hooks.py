"""The hooks of settings in the form the engine runs them: one typed schema (``HookMatcher`` of
:mod:`._settings`) for reading files and for running hooks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from claude_server.config._settings import HOOK_EVENTS, HookMatcher

HooksConfig = Mapping[str, Sequence[HookMatcher]]
"""Event name -> its matcher groups."""

_GROUP = TypeAdapter(HookMatcher)


def parse_hooks(raw: Any) -> tuple[dict[str, list[HookMatcher]], list[str]]:
    """Read a ``hooks`` object; returns the usable groups and readable problems (skipped parts).

    Groups that fail validation are dropped; hook types claude-py does not run (only
    ``command`` hooks run) are kept in the schema but reported.
    """
    config: dict[str, list[HookMatcher]] = {}
    problems: list[str] = []
    if raw is None:
        return config, problems
    if not isinstance(raw, dict):
        return config, ["hooks: expected an object of event names"]
    for event, groups in raw.items():
        if event not in HOOK_EVENTS:
            problems.append(f"hooks.{event}: unknown hook event (ignored)")
            continue
        if not isinstance(groups, list):
            problems.append(f"hooks.{event}: expected a list")
            continue
        for i, group in enumerate(groups):
            where = f"hooks.{event}[{i}]"
            try:
                matcher = _GROUP.validate_python(group)
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                loc = ".".join(str(p) for p in first["loc"])
                problems.append(f"{where}{'.' + loc if loc else ''}: {first['msg']}")
                continue
            problems.extend(
                f"{where}.hooks[{j}]: only command hooks are supported (a {h.type} hook never runs)"
                for j, h in enumerate(matcher.hooks)
                if h.type != "command"
            )
            config.setdefault(event, []).append(matcher)
    return config, problems
