"""Hooks, with Claude Code's contract: user commands that run at points of the agent loop.

Configured in settings as ``{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks":
[{"type": "command", "command": "...", "timeout": 60}]}]}}``. Each matching command gets the
event as JSON on stdin and runs in the project directory with ``CLAUDE_PROJECT_DIR`` set.

Exit code 0: success; stdout that starts with ``{`` is read as JSON (decisions, updated input,
extra context), other stdout is plain text (context for UserPromptSubmit and SessionStart).
Exit code 2: a blocking error; stderr explains (to the model for tool and stop events).
Any other exit code, or a timeout: a non-blocking error; the action goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from claude_server.config import HookEvent, HooksConfig

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0
_MAX_OUTPUT = 64 * 1024
_EXACT_MATCHER = re.compile(r"^[A-Za-z0-9_\-\s,|]*$")


@dataclass(frozen=True, slots=True)
class _Command:
    command: str
    timeout: float


def matcher_fires(matcher: str, value: str | None) -> bool:
    """Claude Code's matcher rule: empty or ``*`` match all; a plain list of names matches
    exactly; anything else is an unanchored regular expression."""
    matcher = matcher.strip()
    if matcher in ("", "*"):
        return True
    if value is None:
        return False
    if _EXACT_MATCHER.match(matcher):
        names = {n.strip() for n in re.split(r"[|,]", matcher) if n.strip()}
        return value in names
    try:
        return re.search(matcher, value) is not None
    except re.error:
        log.warning("hook matcher %r is not a valid regular expression", matcher)
        return False


@dataclass(slots=True)
class HookOutcome:
    """What the hooks of one event decided, combined."""

    block: bool = False
    """Exit code 2 or ``decision: block``: the action is blocked (or, for Stop, not allowed)."""
    reasons: list[str] = field(default_factory=list)
    """Why, for the model (exit-2 stderr, ``reason``, ``permissionDecisionReason``)."""
    permission: Literal["allow", "deny", "ask"] | None = None
    updated_input: dict[str, Any] | None = None
    context: list[str] = field(default_factory=list)
    """Extra context for the model (``additionalContext`` or plain stdout where it counts)."""
    stop: bool = False
    """``continue: false``: end the turn after this point."""
    stop_reason: str | None = None
    messages: list[str] = field(default_factory=list)
    """Notes for the user (``systemMessage``, non-blocking errors)."""

    @property
    def reason(self) -> str:
        """All reasons as one text."""
        return "\n".join(r for r in self.reasons if r)


_PLAIN_TEXT_CONTEXT = frozenset({"UserPromptSubmit", "SessionStart"})
_PERMISSION_RANK = {"allow": 0, "ask": 1, "deny": 2}


class HookRunner:
    """Runs the configured hooks of one session."""

    def __init__(
        self,
        config: HooksConfig,
        cwd: Path,
        session_id: str,
        *,
        transcript_path: str = "",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.cwd = cwd
        self.session_id = session_id
        self.transcript_path = transcript_path
        self._env = dict(os.environ if env is None else env)
        self._env["CLAUDE_PROJECT_DIR"] = str(cwd)

    def has(self, event: HookEvent) -> bool:
        """Whether any hook is configured for ``event``."""
        return bool(self.config.get(event))

    async def run(
        self,
        event: HookEvent,
        payload: dict[str, Any],
        *,
        match: str | None = None,
        mode: str = "default",
    ) -> HookOutcome:
        """Run every hook of ``event`` whose matcher fires for ``match``, in parallel."""
        commands = [
            _Command(hook.command, hook.timeout or DEFAULT_TIMEOUT)
            for group in self.config.get(event, ())
            if matcher_fires(group.matcher or "", match)
            for hook in group.hooks
            if hook.type == "command" and hook.command is not None
        ]
        outcome = HookOutcome()
        if not commands:
            return outcome
        stdin = {
            "session_id": self.session_id,
            "transcript_path": self.transcript_path,
            "cwd": str(self.cwd),
            "hook_event_name": event,
            "permission_mode": mode,
            **payload,
        }
        data = json.dumps(stdin).encode()
        results = await asyncio.gather(*(self._run_one(cmd, data) for cmd in commands))
        for cmd, (code, out, err) in zip(commands, results, strict=True):
            _merge(outcome, event, cmd, code, out, err)
        return outcome

    async def _run_one(self, cmd: _Command, data: bytes) -> tuple[int | None, str, str]:
        try:
            proc = await asyncio.create_subprocess_exec(
                "/bin/sh",
                "-c",
                cmd.command,
                cwd=self.cwd,
                env=self._env,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            return None, "", f"could not start hook: {exc}"
        try:
            out, err = await asyncio.wait_for(proc.communicate(data), cmd.timeout)
        except TimeoutError:
            _kill_group(proc.pid)
            with contextlib.suppress(ProcessLookupError):
                await proc.wait()
            return None, "", f"hook timed out after {cmd.timeout:g} s and was stopped"
        except asyncio.CancelledError:
            _kill_group(proc.pid)
            raise
        return proc.returncode, _text(out), _text(err)


def _merge(
    outcome: HookOutcome, event: str, cmd: _Command, code: int | None, out: str, err: str
) -> None:
    if code == 2:
        outcome.block = True
        outcome.reasons.append(err.strip() or f"blocked by hook: {cmd.command}")
        return
    if code != 0:
        # Non-blocking: the user hears about it, the action goes on.
        detail = err.strip() or out.strip() or "no output"
        outcome.messages.append(f"hook {cmd.command!r} failed ({_code(code)}): {detail}")
        return
    stripped = out.strip()
    parsed: Any = None
    if stripped.startswith("{"):
        with contextlib.suppress(ValueError):
            parsed = json.loads(stripped)
    if not isinstance(parsed, dict):
        if stripped and event in _PLAIN_TEXT_CONTEXT:
            outcome.context.append(stripped)
        return
    _merge_json(outcome, event, parsed)


def _merge_json(outcome: HookOutcome, event: str, data: dict[str, Any]) -> None:
    if data.get("continue") is False:
        outcome.stop = True
        if isinstance(data.get("stopReason"), str):
            outcome.stop_reason = data["stopReason"]
    if isinstance(data.get("systemMessage"), str):
        outcome.messages.append(data["systemMessage"])
    if data.get("decision") == "block":
        outcome.block = True
        if isinstance(data.get("reason"), str):
            outcome.reasons.append(data["reason"])
    specific = data.get("hookSpecificOutput")
    if not isinstance(specific, dict):
        return
    if isinstance(specific.get("additionalContext"), str):
        outcome.context.append(specific["additionalContext"])
    if event == "PreToolUse":
        decision = specific.get("permissionDecision")
        if decision in _PERMISSION_RANK:
            # The most restrictive answer among parallel hooks wins.
            if (
                outcome.permission is None
                or _PERMISSION_RANK[decision] > _PERMISSION_RANK[outcome.permission]
            ):
                outcome.permission = decision
            if isinstance(specific.get("permissionDecisionReason"), str):
                outcome.reasons.append(specific["permissionDecisionReason"])
        if isinstance(specific.get("updatedInput"), dict):
            outcome.updated_input = specific["updatedInput"]
    elif event == "PermissionRequest":
        _merge_permission_request(outcome, specific.get("decision"))


def _merge_permission_request(outcome: HookOutcome, decision: Any) -> None:
    # ``decision: {behavior: allow, updatedInput}`` or ``{behavior: deny, message}``; as for
    # PreToolUse, a deny from any hook outweighs an allow from another.
    if not isinstance(decision, dict) or decision.get("behavior") not in ("allow", "deny"):
        return
    behavior = decision["behavior"]
    if outcome.permission == "deny":
        return
    outcome.permission = behavior
    if behavior == "deny":
        outcome.updated_input = None
        if isinstance(decision.get("message"), str):
            outcome.reasons.append(decision["message"])
    elif isinstance(decision.get("updatedInput"), dict):
        outcome.updated_input = decision["updatedInput"]


def _text(raw: bytes) -> str:
    return raw[:_MAX_OUTPUT].decode(errors="replace")


def _code(code: int | None) -> str:
    return "timeout" if code is None else f"exit {code}"


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
