"""Engine test scaffolding: a live session against the fake API, with small test tools.

The tools here are real Tool implementations written for the tests (they sleep, record and
echo), and the bridge answers as a user would; the model is the fake API over real HTTP.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from claude_server.auth import Credential
from claude_server.engine import (
    EngineDeps,
    LiveSession,
    PermissionAnswer,
    PermissionChoice,
    PermissionRequest,
    SessionManager,
)
from claude_server.engine._hooks import parse_hooks
from claude_server.model import (
    PermissionDecision,
    PermissionLevel,
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

    async def provider_factory() -> AnthropicProvider:
        return provider

    deps = EngineDeps(
        provider_factory=provider_factory,
        default_model="claude-test",
        max_tokens=1000,
        tools=lambda _cwd: TestTools(timeline),
        checker_factory=lambda _cwd, _mode, _rules: RuleTable(decisions or {}),
        suggest_rules=lambda _cwd, tool, _input: [f"{tool}(*)"],
        save_rule=lambda path, rule: (saved if saved is not None else []).append((path, rule)),
        max_turns=max_turns,
        git_status=False,
        hooks=lambda _cwd: parse_hooks(hooks)[0],
    )
    if bridge is not None:
        deps.bridge = bridge
    session = SessionManager(deps).new(str(cwd))
    events: list[SessionEvent] = []
    session.log.subscribe(lambda _seq, event: events.append(event))
    return session, events, timeline
