"""Custom sub-agent types: ``.claude/agents/*.md`` in the project and ``~/.claude/agents/``.

Each file has frontmatter ``name``, ``description``, optional ``tools`` (a list or a comma
separated string; absent means every tool) and ``model`` (``inherit``, an alias or an id); the
body is the agent's system prompt. A project agent wins over a user agent of the same name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from claude_server.commands._skills import (
    FrontmatterError,
    SkillWarning,
    parse_tool_list,
    split_frontmatter,
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class AgentFile:
    """A custom agent type read from a markdown file."""

    name: str
    description: str
    prompt: str
    tools: tuple[str, ...] | None
    """Tool names it may use; ``None`` means all."""
    model: str | None
    """``None`` (or ``inherit`` in the file) means the session's model."""
    path: Path
    scope: Literal["user", "project"]


def discover_agents(project_dir: Path, *, home: Path) -> tuple[list[AgentFile], list[SkillWarning]]:
    """The custom agents of a project and of the user, project first, and problems found."""
    found: dict[str, AgentFile] = {}
    warnings: list[SkillWarning] = []
    places: list[tuple[Path, Literal["user", "project"]]] = [
        (project_dir / ".claude" / "agents", "project"),
        (home / ".claude" / "agents", "user"),
    ]
    for folder, scope in places:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            agent = _load(path, scope, warnings)
            if agent is not None and agent.name not in found:
                found[agent.name] = agent
    return list(found.values()), warnings


def _load(
    path: Path, scope: Literal["user", "project"], warnings: list[SkillWarning]
) -> AgentFile | None:
    try:
        meta, body = split_frontmatter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        warnings.append(SkillWarning(path, f"cannot read the agent file: {exc}"))
        return None
    except FrontmatterError as exc:
        warnings.append(SkillWarning(path, str(exc)))
        return None
    name = str(meta.get("name") or path.stem).strip()
    if not _NAME.match(name):
        warnings.append(
            SkillWarning(path, f"agent name {name!r}: use lowercase letters, digits, -")
        )
        return None
    description = str(meta.get("description") or "").strip()
    if not description:
        warnings.append(SkillWarning(path, "the agent has no description; it is skipped"))
        return None
    try:
        tools = parse_tool_list(meta.get("tools")) if "tools" in meta else None
    except ValueError as exc:
        warnings.append(SkillWarning(path, f"tools: {exc}"))
        return None
    model = meta.get("model")
    model_name = None if model in (None, "", "inherit") else str(model)
    return AgentFile(name, description, body.strip(), tools or None, model_name, path, scope)
