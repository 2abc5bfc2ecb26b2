"""Sub-agents: the ``Task`` tool runs a nested agent loop with its own context and tools.

The sub-agent starts from a fresh conversation holding only the task's prompt, may use the tools
its type allows (never ``Task`` itself, so agents cannot nest without bound), and returns its
final text as the tool result. Its tool calls reach clients tagged with the parent call's id;
its own prose stays inside it (the parent model summarises for the user).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from claude_server.engine._executor import ExecEnv, ToolSet
from claude_server.engine._skill_tool import SkillTool
from claude_server.engine._turn import TurnConfig, TurnState, run_turn
from claude_server.model import (
    Message,
    PermissionLevel,
    PermissionResolvedEvent,
    PlanEvent,
    Provider,
    SessionEvent,
    Tool,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolContext,
    ToolError,
    ToolResult,
    Usage,
)

GENERAL = "general-purpose"
EXPLORE = "explore"


@dataclass(frozen=True, slots=True)
class AgentDefinition:
    """A kind of sub-agent: what it is for, its tools and its instructions."""

    name: str
    description: str
    system_prompt: str
    tools: tuple[str, ...] | None = None
    """Tool names it may use; ``None`` means every tool but Task."""
    read_only: bool = False
    """Only read-only tools, whatever ``tools`` says."""
    model: str | None = None
    source: str = "built-in"


BUILTIN_AGENTS: tuple[AgentDefinition, ...] = (
    AgentDefinition(
        name=GENERAL,
        description="A capable agent for multi-step tasks: research, code changes, checks.",
        system_prompt=(
            "You are a sub-agent of claude-py, given one task by the main agent. Work on it with "
            "your tools until it is done, then reply with a concise report of what you found or "
            "changed (paths, key facts, open problems). The report is all the main agent sees."
        ),
    ),
    AgentDefinition(
        name=EXPLORE,
        description="A read-only agent that searches and reads the code base to answer a question.",
        system_prompt=(
            "You are a read-only exploration sub-agent of claude-py. Search and read files to "
            "answer the question you were given; you cannot change anything. Reply with a concise "
            "answer that cites the relevant paths and lines."
        ),
        read_only=True,
    ),
)


class TaskInput(BaseModel):
    """Input of the Task tool (Claude Code's field names)."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(description="A short (3-5 word) label for the task.")
    prompt: str = Field(description="The full task for the sub-agent, with all needed context.")
    subagent_type: str = Field(
        default=GENERAL, description="Which kind of sub-agent to run (see the tool description)."
    )


@dataclass(slots=True)
class SubagentHost:
    """What the Task tool borrows from its session."""

    provider: Callable[[], Awaitable[Provider]]
    tools: ToolSet
    env_for: Callable[[str, ToolSet], ExecEnv]
    """Builds the executor environment for a sub-agent (parent call id, its tool set)."""
    model: Callable[[], str]
    max_tokens: int
    max_turns: int
    add_usage: Callable[[Usage, float | None], tuple[Usage, float | None]]
    agents: Callable[[], dict[str, AgentDefinition]]
    on_stop: Callable[[bool], Awaitable[str | None]] | None = None
    """The SubagentStop hooks."""
    on_start: Callable[[str, str], Awaitable[list[str]]] | None = None
    """The SubagentStart hooks (agent id, agent type): context for the sub-agent's prompt."""
    environment: Callable[[], str] = field(default=lambda: "")
    """The environment section of the system prompt (cwd, platform, date)."""


class TaskTool:
    """Runs a sub-agent for a self-contained task and returns its report."""

    name: ClassVar[str] = "Task"
    aliases: ClassVar[tuple[str, ...]] = ("Agent", "agent", "task")
    input_model: ClassVar[type[BaseModel]] = TaskInput
    permission: ClassVar[PermissionLevel] = PermissionLevel.READ_ONLY

    def __init__(self, host: SubagentHost) -> None:
        self.host = host

    @property
    def description(self) -> str:
        """The tool's description, listing the agent types available now."""
        kinds = "\n".join(f"- {a.name}: {a.description}" for a in self.host.agents().values())
        return (
            "Start a sub-agent that works on a task on its own, with a fresh context, and "
            "returns a report. Use it for broad searches or self-contained pieces of work whose "
            "details need not stay in this conversation. Several Task calls in one response run "
            "in parallel. The prompt must say everything the sub-agent needs: it cannot see this "
            "conversation.\nAgent types:\n" + kinds
        )

    def is_read_only(self, tool_input: BaseModel) -> bool:
        """Task calls run in parallel; each of the sub-agent's own calls is checked."""
        return True

    def summary(self, tool_input: BaseModel) -> str:
        """``Task (explore): find the config loader``."""
        assert isinstance(tool_input, TaskInput)
        return f"Task ({tool_input.subagent_type}): {tool_input.description}"

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """None itself; the sub-agent's own calls report theirs."""
        return []

    async def run(self, tool_input: BaseModel, ctx: ToolContext) -> ToolResult:
        """Run the sub-agent to the end and return its final text."""
        assert isinstance(tool_input, TaskInput)
        agents = self.host.agents()
        definition = agents.get(tool_input.subagent_type)
        if definition is None:
            raise ToolError(
                f"Unknown subagent_type {tool_input.subagent_type!r}; "
                f"available: {', '.join(agents)}."
            )
        tools = _RestrictedTools(self.host.tools, definition)
        parent_id = getattr(ctx, "tool_call_id", None)
        env = self.host.env_for(parent_id or "", tools)
        inner_emit = env.emit
        env.emit = _forwarding(inner_emit, ctx)
        messages = [Message.user_text(tool_input.prompt)]
        system = definition.system_prompt + "\n\n" + self.host.environment()
        if self.host.on_start is not None:
            agent_id = f"agent-{parent_id or uuid.uuid4().hex[:12]}"
            context = await self.host.on_start(agent_id, definition.name)
            system += "".join(f"\n\n{line}" for line in context)
        config = TurnConfig(
            model=definition.model or self.host.model(),
            max_tokens=self.host.max_tokens,
            system=system,
            max_turns=self.host.max_turns,
        )
        outcome = await run_turn(
            messages,
            await self.host.provider(),
            config,
            env.emit,
            TurnState(),
            self.host.add_usage,
            env,
            on_stop=self.host.on_stop,
            observer=env.observer,
        )
        report = next((m.text() for m in reversed(messages) if m.role == "assistant"), "")
        if not report.strip():
            report = f"(the sub-agent ended with {outcome.stop_reason} and no report)"
        return ToolResult(content=report)


def _forwarding(
    emit: Callable[[SessionEvent], object], ctx: ToolContext
) -> Callable[[SessionEvent], object]:
    # Tool activity is shown to clients (tagged with the parent call); the sub-agent's prose
    # and per-response usage are internal to it.
    def forward(event: SessionEvent) -> object:
        if isinstance(
            event, (ToolCallEvent, ToolCallUpdateEvent, PermissionResolvedEvent, PlanEvent)
        ):
            if isinstance(event, ToolCallEvent):
                ctx.progress(event.title)
            return emit(event)
        return None

    return forward


class _RestrictedTools:
    """The part of a tool set a sub-agent type may use."""

    def __init__(self, base: ToolSet, definition: AgentDefinition) -> None:
        self._base = base
        self._definition = definition

    def _allowed(self, tool: Tool | None) -> bool:
        if tool is None or tool.name == TaskTool.name:
            return False
        if self._definition.read_only and tool.permission != PermissionLevel.READ_ONLY:
            return False
        names = self._definition.tools
        return names is None or tool.name in names or any(a in names for a in tool.aliases)

    def get(self, name: str) -> Tool | None:
        tool = self._base.get(name)
        return tool if self._allowed(tool) else None

    def all(self) -> list[Tool]:
        return [t for t in self._base.all() if self._allowed(t)]

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        return self._base.validate(name, raw_input)

    def definitions(self) -> list[dict[str, Any]]:
        return [d for d in self._base.definitions() if self._allowed(self._base.get(d["name"]))]


class WithTask:
    """A tool set plus the session's own tools (Task, Skill), which the sub-agents lack."""

    def __init__(self, base: ToolSet, *own: TaskTool | SkillTool) -> None:
        self._base = base
        self._own = {key: tool for tool in own for key in (tool.name, *tool.aliases)}
        self._order = list(own)

    def get(self, name: str) -> Tool | None:
        own = self._own.get(name)
        return own if own is not None else self._base.get(name)  # type: ignore[return-value]

    def all(self) -> list[Tool]:
        return [*self._base.all(), *self._order]  # type: ignore[list-item]

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        own = self._own.get(name)
        if own is None:
            return self._base.validate(name, raw_input)
        try:
            return own.input_model.model_validate(raw_input)
        except ValueError as exc:
            raise ToolError(f"Invalid input for {own.name}: {exc}") from None

    def definitions(self) -> list[dict[str, Any]]:
        own = [
            {
                "name": tool.name,
                "description": tool.description,
                "input_schema": tool.input_model.model_json_schema(),
            }
            for tool in self._order
        ]
        return [*self._base.definitions(), *own]


def builtin_agents() -> dict[str, AgentDefinition]:
    """The built-in agent types by name."""
    return {a.name: a for a in BUILTIN_AGENTS}
