"""Engine test scaffolding: a live session against the fake API, with small test tools.

The tools here are real Tool implementations written for the tests (they sleep, record and
echo), and the bridge answers as a user would; the model is the fake API over real HTTP.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from claude_server.auth import Credential
from claude_server.commands import SkillSet
from claude_server.config import HooksConfig, parse_hooks
from claude_server.engine import (
    AgentDefinition,
    EngineDeps,
    EngineLimits,
    LiveSession,
    PermissionAnswer,
    PermissionChoice,
    PermissionRequest,
    SessionManager,
    ToolSet,
    builtin_agents,
)
from claude_server.model import (
    PermissionChecker,
    PermissionDecision,
    PermissionLevel,
    PermissionMode,
    SessionEvent,
    Tool,
    ToolContext,
    ToolError,
    ToolResult,
)
from claude_server.provider import AnthropicProvider
from pydantic import BaseModel, ConfigDict, ValidationError


class SleepInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seconds: float
    label: str = ""


@dataclass
class Timeline:
    """When each test tool call started and ended."""

    spans: dict[str, tuple[float, float]] = field(default_factory=dict)


class SleepTool:
    """Sleeps, then echoes its label; read-only or writing depending on its name."""

    aliases: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = "Sleep a while and echo a label."
    input_model: ClassVar[type[BaseModel]] = SleepInput

    def __init__(self, name: str, permission: PermissionLevel, timeline: Timeline) -> None:
        self.name = name
        self.permission = permission
        self.timeline = timeline

    def is_read_only(self, tool_input: BaseModel) -> bool:
        return self.permission == PermissionLevel.READ_ONLY

    def summary(self, tool_input: BaseModel) -> str:
        assert isinstance(tool_input, SleepInput)
        return f"{self.name} {tool_input.label}"

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        return []

    async def run(self, tool_input: BaseModel, ctx: ToolContext) -> ToolResult:
        assert isinstance(tool_input, SleepInput)
        start = time.monotonic()
        ctx.progress(f"sleeping {tool_input.seconds}")
        await asyncio.sleep(tool_input.seconds)
        self.timeline.spans[tool_input.label] = (start, time.monotonic())
        if tool_input.label == "boom":
            raise ToolError("the label was boom")
        return ToolResult(content=f"slept {tool_input.label}")


class TestTools:
    """A ToolSet of SleepTools: ``Look`` (read-only), ``Poke`` (edit), ``Run`` (execute)."""

    def __init__(self, timeline: Timeline) -> None:
        self._tools: dict[str, Tool] = {
            "Look": SleepTool("Look", PermissionLevel.READ_ONLY, timeline),  # type: ignore[dict-item]
            "Poke": SleepTool("Poke", PermissionLevel.EDIT, timeline),  # type: ignore[dict-item]
            "Run": SleepTool("Run", PermissionLevel.EXECUTE, timeline),  # type: ignore[dict-item]
        }

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def all(self) -> list[Tool]:
        return list(self._tools.values())

    def validate(self, name: str, raw_input: dict[str, Any]) -> BaseModel:
        tool = self._tools[name]
        try:
            return tool.input_model.model_validate(raw_input)
        except ValidationError as exc:
            raise ToolError(f"Invalid input for {name}: {exc.errors()[0]['msg']}") from None

    def definitions(self) -> list[dict[str, Any]]:
        return [
            {
                "name": n,
                "description": t.description,
                "input_schema": t.input_model.model_json_schema(),
            }
            for n, t in self._tools.items()
        ]


@dataclass
class RuleTable:
    """A checker deciding by tool name: the test says which tools are allowed, asked or denied."""

    decisions: dict[str, Literal["allow", "ask", "deny"]]

    def check(self, tool_name: str, tool_input: dict[str, Any]) -> PermissionDecision:
        behavior = self.decisions.get(tool_name, "allow")
        return PermissionDecision(behavior, f"{tool_name} is set to {behavior} by the test")


@dataclass
class ScriptedUser:
    """Answers permission questions with the given choices, in order."""

    choices: list[PermissionChoice]
    asked: list[PermissionRequest] = field(default_factory=list)
    delay: float = 0.0

    def can_ask(self, session_id: str, what: Literal["permission", "question"]) -> bool:
        return what == "permission"

    async def request_permission(
        self, session_id: str, request: PermissionRequest
    ) -> PermissionAnswer:
        self.asked.append(request)
        await asyncio.sleep(self.delay)
        return PermissionAnswer(choice=self.choices.pop(0), message="not now")

    async def ask_user(
        self,
        session_id: str,
        request_id: str,
        tool_call_id: str | None,
        questions: list[dict[str, Any]],
    ) -> dict[str, Any] | None:
        return None


@dataclass
class TestProject:
    """The engine's Project port with the test tools and a rule table; no files are read."""

    directory: Path
    toolset: ToolSet
    rules: RuleTable
    hook_config: HooksConfig
    saved: list[tuple[Path, str]] | None = None

    def tools(self) -> ToolSet | None:
        return self.toolset

    def checker(
        self,
        mode: PermissionMode,
        session_rules: Sequence[str],
        tools: Iterable[Tool],
        extra_dirs: Sequence[Path] = (),
        session_deny: Sequence[str] = (),
    ) -> PermissionChecker:
        return self.rules

    def suggest_rules(self, tool_name: str, tool_input: dict[str, Any]) -> list[str]:
        return [f"{tool_name}(*)"]

    def save_rule(self, rule: str) -> None:
        if self.saved is not None:
            self.saved.append((self.directory, rule))

    def memory(self) -> str | None:
        return None

    def agents(self) -> dict[str, AgentDefinition]:
        return builtin_agents()

    def skills(self) -> SkillSet:
        return SkillSet()

    def model(self) -> str | None:
        return None

    def hooks(self) -> HooksConfig:
        return self.hook_config

    async def prepare_turn(self, tool_state: dict[str, Any]) -> list[str]:
        return []


@dataclass
class OneProject:
    """A ProjectSource that knows one project."""

    only: TestProject

    def project(self, directory: Path) -> TestProject:
        assert directory == self.only.directory, directory
        return self.only


OPEN_PROVIDERS: list[AnthropicProvider] = []
"""Providers made by :func:`make_session`; ``tests/engine/conftest.py`` closes them after each
test (their keep-alive connection to the fake must not outlive it)."""


@dataclass
class FixedProvider:
    """The Providers port with one provider."""

    provider: AnthropicProvider
    rejections: int = 0

    async def get(self) -> AnthropicProvider:
        return self.provider

    async def rejected(self) -> None:
        self.rejections += 1


class NoModel:
    """A Providers port for tests that never call the model."""

    async def get(self) -> AnthropicProvider:
        raise AssertionError("no model call in this test")

    async def rejected(self) -> None:
        raise AssertionError("no model call in this test")


def offline_deps(directory: Path) -> EngineDeps:
    """Engine dependencies for a test that makes no model call, in one project."""
    project = TestProject(directory, TestTools(Timeline()), RuleTable({}), {})
    return EngineDeps(
        providers=NoModel(),
        projects=OneProject(project),
        limits=EngineLimits(default_model="m", max_tokens=100, git_status=False),
    )


def make_session(
    base_url: str,
    cwd: Path,
    *,
    decisions: dict[str, Literal["allow", "ask", "deny"]] | None = None,
    bridge: Any = None,
    max_turns: int = 20,
    saved: list[tuple[Path, str]] | None = None,
    hooks: dict[str, Any] | None = None,
) -> tuple[LiveSession, list[SessionEvent], Timeline]:
    """A session wired to the fake API with the test tools; returns it, its events, its timeline."""
    timeline = Timeline()
    credential = Credential(kind="api_key", secret="sk-ant-test", source="test")
    provider = AnthropicProvider(credential, base_url=base_url, max_attempts=1)
    OPEN_PROVIDERS.append(provider)
    project = TestProject(
        cwd, TestTools(timeline), RuleTable(decisions or {}), parse_hooks(hooks)[0], saved
    )
    deps = EngineDeps(
        providers=FixedProvider(provider),
        projects=OneProject(project),
        limits=EngineLimits(
            default_model="claude-test", max_tokens=1000, max_turns=max_turns, git_status=False
        ),
        **({"bridge": bridge} if bridge is not None else {}),
    )
    session = SessionManager(deps).new(cwd)
    events: list[SessionEvent] = []
    session.log.subscribe(lambda _seq, event: events.append(event))
    return session, events, timeline
