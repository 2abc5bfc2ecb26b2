"""Slash commands as data: the built-in catalog, skills and custom command files, agent files.

Nothing here talks to the model or runs a turn: ``claude_server.services`` runs the commands.

- :mod:`._catalog`: the built-in commands as data, :func:`parse_command_line`,
  :func:`list_commands` for ``commands/list``.
- :mod:`._skills`: skills and legacy commands from ``~/.claude`` and ``.claude``; frontmatter;
  :func:`render` of a skill's prompt; :func:`skills_prompt_section` for the system prompt.
"""

from claude_server.commands._agents import AgentFile, discover_agents
from claude_server.commands._builtins import BUILTIN_COMMANDS, BuiltinCommand, builtin_command
from claude_server.commands._catalog import (
    CommandEntry,
    CommandInvocation,
    list_commands,
    parse_command_line,
    suggest_commands,
)
from claude_server.commands._skills import (
    FrontmatterError,
    Skill,
    SkillSet,
    SkillWarning,
    discover_skills,
    load_skill_file,
    parse_tool_list,
    render,
    skills_prompt_section,
    split_arguments,
    split_frontmatter,
)

__all__ = [
    "BUILTIN_COMMANDS",
    "AgentFile",
    "BuiltinCommand",
    "CommandEntry",
    "CommandInvocation",
    "FrontmatterError",
    "Skill",
    "SkillSet",
    "SkillWarning",
    "builtin_command",
    "discover_agents",
    "discover_skills",
    "list_commands",
    "load_skill_file",
    "parse_command_line",
    "parse_tool_list",
    "render",
    "skills_prompt_section",
    "split_arguments",
    "split_frontmatter",
    "suggest_commands",
]
