"""The Skill tool: the model loads a skill's instructions, as Claude Code's Skill tool does.

The system prompt lists the skills the model may invoke (``skills_prompt_section``); a call
returns the skill's body with its arguments substituted, and the skill's ``allowed-tools`` hold
for the rest of the turn, as when the user types ``/skill``. Skills marked
``disable-model-invocation`` are not loaded this way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from claude_server.commands import SkillSet, render
from claude_server.model import PermissionLevel, TextDisplay, ToolContext, ToolResult


class SkillInput(BaseModel):
    """Input of the Skill tool (Claude Code's field names)."""

    model_config = ConfigDict(extra="forbid")

    skill: str = Field(description='The skill\'s name as listed under "# Skills", e.g. "review".')
    args: str | None = Field(
        default=None, description="Arguments for the skill, as a user would type them after it."
    )


@dataclass(frozen=True, slots=True)
class SkillHost:
    """What the Skill tool needs from its session."""

    skills: Callable[[], SkillSet]
    session_id: str
    grant: Callable[[list[str]], None]
    """Allow these rules until the running turn ends."""


class SkillTool:
    """Loads a skill's instructions into the conversation."""

    name: ClassVar[str] = "Skill"
    aliases: ClassVar[tuple[str, ...]] = ("skill",)
    input_model: ClassVar[type[BaseModel]] = SkillInput
    permission: ClassVar[PermissionLevel] = PermissionLevel.READ_ONLY
    description: ClassVar[str] = (
        "Load the instructions of one of the skills listed in the system prompt, then follow "
        "them. Call it before starting a task a skill covers; pass what the user asked for as "
        "args when the skill takes arguments."
    )

    def __init__(self, host: SkillHost) -> None:
        self.host = host

    def is_read_only(self, tool_input: BaseModel) -> bool:
        """Loading instructions changes nothing."""
        return True

    def summary(self, tool_input: BaseModel) -> str:
        """``Skill: review``."""
        assert isinstance(tool_input, SkillInput)
        return f"Skill: {tool_input.skill}"

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """None."""
        return []

    async def run(self, tool_input: BaseModel, ctx: ToolContext) -> ToolResult:
        """The skill's rendered body, or an error naming the skills there are."""
        assert isinstance(tool_input, SkillInput)
        skills = self.host.skills()
        wanted = tool_input.skill.strip().removeprefix("/")
        skill = skills.get(wanted)
        if skill is None or not skill.model_invocable:
            names = ", ".join(s.name for s in skills if s.model_invocable) or "none"
            why = "is not a skill" if skill is None else "may only be run by the user (/name)"
            return ToolResult(f"{wanted!r} {why}. Skills you can load: {names}.", is_error=True)
        text = render(skill, tool_input.args or "", session_id=self.host.session_id)
        self.host.grant(list(skill.allowed_tools))
        return ToolResult(
            f'<command-name>{skill.name}</command-name>\nThe "{skill.name}" skill is loaded. '
            f"Follow its instructions:\n\n{text}",
            display=[TextDisplay(f"Loaded skill {skill.name}")],
        )
