"""Slash commands, skills, ``@`` references, pinned files and path completion.

Nothing here talks to the model or runs a turn: the engine and the RPC layer call these pieces.

- :mod:`._catalog`: the built-in commands as data, :func:`parse_command_line`,
  :func:`list_commands` for ``commands/list``.
- :mod:`._skills`: skills and legacy commands from ``~/.claude`` and ``.claude``; frontmatter;
  :func:`render` of a skill's prompt; :func:`skills_prompt_section` for the system prompt.
- :mod:`._references`: ``@path`` references and pins turned into API content blocks; images a
  client attaches.
- :mod:`._file_search`: :func:`search_files` for ``files/search``.
"""

from claude_server.commands._agents import AgentFile, discover_agents
from claude_server.commands._catalog import (
    BUILTIN_COMMANDS,
    BuiltinCommand,
    CommandEntry,
    CommandInvocation,
    builtin_command,
    list_commands,
    parse_command_line,
    suggest_commands,
)
from claude_server.commands._errors import CommandError
from claude_server.commands._file_search import (
    FileMatch,
    candidate_paths,
    clear_cache,
    fuzzy_score,
    search_files,
)
from claude_server.commands._references import (
    Attachment,
    ExpandedPrompt,
    Pin,
    Pins,
    Reference,
    expand_references,
    find_references,
    image_block,
    image_block_from_base64,
    image_media_type,
    resolve_path,
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
    "Attachment",
    "BuiltinCommand",
    "CommandEntry",
    "CommandError",
    "CommandInvocation",
    "ExpandedPrompt",
    "FileMatch",
    "FrontmatterError",
    "Pin",
    "Pins",
    "Reference",
    "Skill",
    "SkillSet",
    "SkillWarning",
    "builtin_command",
    "candidate_paths",
    "clear_cache",
    "discover_agents",
    "discover_skills",
    "expand_references",
    "find_references",
    "fuzzy_score",
    "image_block",
    "image_block_from_base64",
    "image_media_type",
    "list_commands",
    "load_skill_file",
    "parse_command_line",
    "parse_tool_list",
    "render",
    "resolve_path",
    "search_files",
    "skills_prompt_section",
    "split_arguments",
    "split_frontmatter",
    "suggest_commands",
]
