"""The session-level hook points (SessionStart, UserPromptSubmit, Stop, StopFailure,
SubagentStart, SubagentStop, PreCompact, PostCompact, SessionEnd) as plain questions the session asks; tool hooks live in the executor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claude_server.config import HookEvent, HooksConfig
from claude_server.engine._hooks import HookRunner
from claude_server.errors import CommandError


@dataclass(frozen=True, slots=True)
class PromptVerdict:
    """What the UserPromptSubmit hooks said: refuse the prompt, or add context to it."""

    blocked: str | None = None
    """Why the prompt was refused, when it was."""
    context: tuple[str, ...] = ()


class SessionHooks:
    """Runs a session's hooks; the configuration is read each time, so edits apply at once."""

    def __init__(
        self,
        config: Callable[[], HooksConfig],
        cwd: Path,
        session_id: str,
        mode: Callable[[], str],
        transcript: Callable[[], str] = lambda: "",
    ) -> None:
        self._config = config
        self._cwd = cwd
        self._session_id = session_id
        self._mode = mode
        self._transcript = transcript

    def runner(self) -> HookRunner:
        """A runner over the current configuration (also used for the tool hooks)."""
        return HookRunner(
            self._config(), self._cwd, self._session_id, transcript_path=self._transcript()
        )

    async def session_start(self) -> list[str]:
        """SessionStart: context for the system prompt."""
        hooks = self.runner()
        if not hooks.has("SessionStart"):
            return []
        outcome = await hooks.run("SessionStart", {"source": "startup"}, match="startup")
        return outcome.context

    async def prompt_submitted(self, text: str) -> PromptVerdict:
        """UserPromptSubmit: may refuse the prompt (exit 2, ``decision: block``, or
        ``continue: false``) or add context to it."""
        hooks = self.runner()
        if not hooks.has("UserPromptSubmit"):
            return PromptVerdict()
        outcome = await hooks.run("UserPromptSubmit", {"prompt": text}, mode=self._mode())
        if outcome.block or outcome.stop:
            return PromptVerdict(blocked=outcome.reason or outcome.stop_reason or "no reason given")
        return PromptVerdict(context=tuple(outcome.context))

    async def stop(self, active: bool, *, subagent: bool = False) -> str | None:
        """Stop (or SubagentStop): feedback that makes the model go on, or None to stop."""
        event: HookEvent = "SubagentStop" if subagent else "Stop"
        hooks = self.runner()
        if not hooks.has(event):
            return None
        outcome = await hooks.run(event, {"stop_hook_active": active}, mode=self._mode())
        if outcome.block and not outcome.stop:
            return outcome.reason or f"A {event} hook asked you to continue."
        return None

    async def subagent_start(self, agent_id: str, agent_type: str) -> list[str]:
        """SubagentStart: context added to the sub-agent's system prompt."""
        hooks = self.runner()
        if not hooks.has("SubagentStart"):
            return []
        outcome = await hooks.run(
            "SubagentStart",
            {"agent_id": agent_id, "agent_type": agent_type},
            match=agent_type,
            mode=self._mode(),
        )
        return outcome.context

    async def pre_compact(self, trigger: str, instructions: str | None) -> str | None:
        """PreCompact: extra summary instructions; CommandError when a hook refuses."""
        hooks = self.runner()
        if not hooks.has("PreCompact"):
            return None
        outcome = await hooks.run(
            "PreCompact",
            {"trigger": trigger, "custom_instructions": instructions or ""},
            match=trigger,
            mode=self._mode(),
        )
        if outcome.block:
            raise CommandError(f"A PreCompact hook stopped the compaction: {outcome.reason}")
        return "\n".join(outcome.context) or None

    async def post_compact(self, trigger: str, summary: str) -> None:
        """PostCompact: informational, with the summary that replaced the conversation."""
        hooks = self.runner()
        if hooks.has("PostCompact"):
            await hooks.run(
                "PostCompact",
                {"trigger": trigger, "compact_summary": summary},
                match=trigger,
                mode=self._mode(),
            )

    async def stop_failure(self, error: str, details: str, last_message: str) -> None:
        """StopFailure: the turn ended on an API error instead of an answer (informational)."""
        hooks = self.runner()
        if hooks.has("StopFailure"):
            await hooks.run(
                "StopFailure",
                {"error": error, "error_details": details, "last_assistant_message": last_message},
                match=error,
                mode=self._mode(),
            )

    async def session_end(self, reason: str) -> None:
        """SessionEnd: informational; failures are ignored."""
        hooks = self.runner()
        if hooks.has("SessionEnd"):
            await hooks.run("SessionEnd", {"reason": reason}, mode=self._mode())
