"""A live session: one conversation, its running turn and the log its watchers follow."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claude_server.compaction import CompactionResult, estimate_context
from claude_server.engine._compacting import Compactor, auto_compact, compaction_event
from claude_server.engine._context import CallContext
from claude_server.engine._executor import ExecEnv, ToolSet
from claude_server.engine._history import History
from claude_server.engine._observer import Observers
from claude_server.engine._options import SessionOptions
from claude_server.engine._ports import EngineDeps, Project
from claude_server.engine._prompt import build_system_prompt, environment_section, git_summary
from claude_server.engine._record import SessionRecord
from claude_server.engine._session_hooks import SessionHooks
from claude_server.engine._skill_tool import SkillHost, SkillTool
from claude_server.engine._subagent import SubagentHost, TaskTool, WithTask
from claude_server.engine._turn import TurnConfig, TurnOutcome, TurnState, run_turn
from claude_server.errors import (
    AuthInvalidError,
    ClaudePyError,
    CommandError,
    InternalError,
    ProtocolViolationError,
    SessionBusyError,
)
from claude_server.model import (
    CONTENT_ADAPTER,
    PERMISSION_MODES,
    AssistantMessage,
    ConversationRewoundEvent,
    Effort,
    ErrorEvent,
    Message,
    MessageCompleted,
    ModeChangedEvent,
    ModelChangedEvent,
    ModelRequest,
    PermissionChecker,
    PermissionMode,
    PlanEvent,
    SessionEvent,
    TextBlock,
    ThinkingConfig,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UserMessageEvent,
    read_mode,
)
from claude_server.provider import estimate_cost
from claude_server.references import Pins, expand_references, image_block_from_base64
from claude_server.sessions import EventLog
from claude_server.tools import clear_todos

log = logging.getLogger(__name__)


class LiveSession:
    """A conversation held in memory by the daemon; the only writer of its history."""

    def __init__(
        self,
        session_id: str,
        project: Project,
        model: str,
        mode: PermissionMode,
        deps: EngineDeps,
        *,
        record: SessionRecord | None = None,
        options: SessionOptions | None = None,
    ) -> None:
        self.session_id = session_id
        self.options = options or SessionOptions()
        """What the session was started with besides its project's settings (flags)."""
        self.observers = Observers()
        """Edges that follow the turn's stream and tool results (see :class:`TurnObserver`)."""
        self.project = project
        self.cwd: Path = project.directory
        """The project directory (never changes)."""
        self.model = model
        self.mode: PermissionMode = mode
        self.deps = deps
        self.limits = deps.limits
        self.record = record or SessionRecord()
        writer, loaded = self.record.writer, self.record.loaded
        self.log = EventLog(
            persist=writer.append_event if writer is not None else None,
            history=loaded.events if loaded is not None else (),
            last_seq=loaded.last_seq if loaded is not None else 0,
        )
        if writer is not None:
            writer.on_restored = self._file_restored
        if loaded is not None:
            self._close_interrupted_turn(loaded.events)
        self.history = History(self.record)
        self.hooks = SessionHooks(
            project.hooks, self.cwd, session_id, lambda: self.mode, self._transcript_path
        )
        self.total_usage = Usage()
        self.total_cost_usd: float | None = 0.0
        """Estimated cost of the session; ``None`` once a model without a known price ran."""
        self.thinking: ThinkingConfig | None = None
        """Extended thinking for the next turns (``/think``); ``None`` is the model's default."""
        self.effort: Effort | None = None
        """Effort level for the next turns (``/effort``)."""
        self._model_before_fast: str | None = None
        self.pins = Pins(self.cwd, home=deps.home)
        """Files pinned with ``/add``: they go with every message."""
        self._scoped_allow: list[str] = []
        self._in_git = False
        self.allow_rules: list[str] = list(self.options.allow_rules)
        """Rules the user allowed "always" during this session (and ``--allowedTools``)."""
        self.added_dirs: list[Path] = [Path(d) for d in self.options.extra_dirs]
        """Directories ``/add-dir`` gave this session (as if in additionalDirectories)."""
        self.tool_state: dict[str, Any] = {}
        base_tools = project.tools()
        self._tools = (
            self.options.restrict(self._with_task(base_tools)) if base_tools is not None else None
        )
        self._turn: asyncio.Task[TurnOutcome] | None = None
        self._started = False
        self._start_context: list[str] = []
        self._compactor = Compactor()
        self.last_active = time.monotonic()
        """When something last happened in the session (for unloading idle sessions)."""

    @property
    def messages(self) -> list[Message]:
        """The conversation as the model sees it."""
        return self.history.messages

    def tool_names(self) -> list[str]:
        """The names of the tools the model is offered, as the API sees them."""
        if self._tools is None:
            return []
        return [str(d["name"]) for d in self._tools.definitions()]

    @property
    def title(self) -> str:
        """The session's title (from its first prompt)."""
        return self.history.title

    @property
    def busy(self) -> bool:
        """A turn is running."""
        return self._turn is not None and not self._turn.done()

    def _close_interrupted_turn(self, events: Sequence[tuple[int, SessionEvent]]) -> None:
        # A daemon killed mid-turn left it open: close it, so clients stop waiting for it.
        open_turn: str | None = None
        for _seq, event in events:
            if isinstance(event, TurnStartedEvent):
                open_turn = event.turn_id
            elif isinstance(event, TurnCompletedEvent):
                open_turn = None
        if open_turn is not None:
            self.emit(TurnCompletedEvent(open_turn, "interrupted", Usage()))

    def _transcript_path(self) -> str:
        # Hooks get the session's own file (its JSON lines hold the whole conversation).
        writer = self.record.writer
        return str(writer.path) if writer is not None else ""

    def _file_restored(self, message: str) -> None:
        # Called in the middle of a write: the warning is recorded just after it.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a write outside the loop (closing): the log line must do
            return
        loop.call_soon(self.emit, ErrorEvent("session_file_restored", message))

    def emit(self, event: SessionEvent) -> int:
        """Record an event and tell the watchers."""
        self.last_active = time.monotonic()
        return self.log.append(event)

    def set_mode(self, mode: str) -> None:
        """Switch the permission mode; takes effect for the next tool call."""
        known = read_mode(mode)
        if known is None:
            raise ProtocolViolationError(
                f"unknown permission mode {mode!r}; expected one of {', '.join(PERMISSION_MODES)}"
            )
        if known != self.mode:
            self.mode = known
            self.emit(ModeChangedEvent(known))

    def set_model(self, model: str) -> None:
        """Switch the model for the next turn."""
        if model != self.model:
            self.model = model
            self.emit(ModelChangedEvent(model))

    @property
    def is_fast(self) -> bool:
        """``/fast`` is on."""
        return self._model_before_fast is not None

    def clear(self) -> None:
        """``/clear``: forget the conversation and its task list (not the settings or pins)."""
        self.rewind_to(0, restore_files=False)
        if clear_todos(self.tool_state):
            self.emit(PlanEvent(()))

    def rewind(self, messages: int, *, restore_files: bool) -> tuple[int, list[str]]:
        """Drop at least the last ``messages`` messages, back to the start of a turn.

        Returns how many messages remain and the files restored (when ``restore_files``, the
        files the dropped turns edited are put back as they were before those turns).
        """
        if messages < 1:
            raise ProtocolViolationError("rewind by at least one message")
        return self.rewind_to(self.history.rewind_point(messages), restore_files=restore_files)

    def rewind_to(self, keep: int, *, restore_files: bool) -> tuple[int, list[str]]:
        """Cut the conversation to its first ``keep`` messages (see :meth:`rewind`)."""
        if self.busy:
            raise SessionBusyError("cannot rewind while a turn runs; cancel it first")
        dropped = self.history.prompts_after(keep)
        restored = self.history.rewind_to(keep, restore_files=restore_files)
        self.emit(ConversationRewoundEvent(keep, tuple(restored), dropped_prompts=dropped))
        return keep, restored

    def toggle_fast(self) -> str:
        """``/fast``: switch to the small model, or back to the one used before; returns it."""
        if self._model_before_fast is None:
            self._model_before_fast = self.model
            self.set_model(self.limits.small_model)
        else:
            previous, self._model_before_fast = self._model_before_fast, None
            self.set_model(previous)
        return self.model

    async def prompt(
        self,
        text: str,
        *,
        scoped_allow: list[str] | None = None,
        images: list[str] | None = None,
    ) -> TurnOutcome:
        """Run one turn for ``text`` and return how it ended.

        The turn belongs to the session, not to the caller: if the caller goes away the turn
        goes on for the other watchers. Cancelling the caller (``$/cancelRequest``) cancels the
        turn. A failed turn raises its :class:`ClaudePyError` after it has been reported.
        """
        if self.busy:
            raise SessionBusyError(
                f"session {self.session_id} is already running a turn; "
                "wait for it or cancel it first"
            )
        self._scoped_allow = list(scoped_allow or [])
        # Bad attachments fail the request before a turn starts.
        attached = [image_block_from_base64(data) for data in images or []]
        turn = asyncio.create_task(self._run(text, attached), name=f"turn-{self.session_id}")
        self._turn = turn
        try:
            outcome = await asyncio.shield(turn)
        except asyncio.CancelledError:
            turn.cancel()
            with contextlib.suppress(asyncio.CancelledError, ClaudePyError):
                await turn
            raise
        return outcome

    def cancel(self) -> bool:
        """Stop the running turn; ``False`` when none runs."""
        if self._turn is None or self._turn.done():
            return False
        self._turn.cancel()
        return True

    async def close(self, reason: str = "other", *, end: bool = True) -> None:
        """Cancel any turn and close the session's file; ``end`` runs the SessionEnd hooks
        (not when the session is merely unloaded from memory, to be resumed later)."""
        if self._turn is not None and not self._turn.done():
            self._turn.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._turn
        await self.deps.close_tool_state(self.tool_state)
        self.history.close()
        if self._started and end:
            with contextlib.suppress(Exception):
                await self.hooks.session_end(reason)

    # -- the turn ---------------------------------------------------------------------------

    async def _run(self, text: str, attached: list[dict[str, Any]]) -> TurnOutcome:
        turn_id = uuid.uuid4().hex[:12]
        self.emit(TurnStartedEvent(turn_id=turn_id))
        self.emit(UserMessageEvent(text=text))
        state = TurnState()
        if not self._started:
            self._started = True
            self._start_context = await self.hooks.session_start()
        verdict = await self.hooks.prompt_submitted(text)
        if verdict.blocked is not None:
            # The prompt is dropped, as Claude Code does; the user learns why.
            message = f"A UserPromptSubmit hook blocked the prompt: {verdict.blocked}"
            self.emit(ErrorEvent("hook_blocked", message))
            self.emit(TurnCompletedEvent(turn_id, "blocked", state.usage))
            return TurnOutcome(stop_reason="blocked", usage=state.usage)
        if verdict.context:
            text = text + "\n\n" + "\n".join(verdict.context)
        self.history.start_turn(turn_id, text)
        self._append_user_text(text, attached)
        try:
            provider = await self.deps.providers.get()
            config = TurnConfig(
                model=self.model,
                max_tokens=self.limits.max_tokens,
                system=await self._system_prompt(),
                max_turns=self.options.max_turns or self.limits.max_turns,
                thinking=self.thinking,
                effort=self.effort,
            )
            for problem in await self.project.prepare_turn(self.tool_state):
                self.emit(ErrorEvent("tools_unavailable", problem))
            env = self._exec_env() if self._tools is not None else None
            if self.limits.auto_compact:
                result = await auto_compact(
                    self._compactor,
                    self.messages,
                    provider,
                    self.emit,
                    model=self.model,
                    system=config.system,
                    tools=env.tools.definitions() if env is not None else [],
                    pre_compact=self.hooks.pre_compact,
                )
                if result is not None:
                    await self._apply_compaction(result)
            outcome = await run_turn(
                self.messages,
                provider,
                config,
                self.emit,
                state,
                self._add_usage,
                env,
                on_stop=self.hooks.stop,
                observer=self.observers,
            )
        except asyncio.CancelledError:
            self.history.record_interruption(state)
            self.emit(TurnCompletedEvent(turn_id, "cancelled", state.usage, state.cost_usd))
            # The turn task ends normally so the caller gets a result, not an exception.
            return TurnOutcome("cancelled", state.usage, state.cost_usd)
        except ClaudePyError as exc:
            if isinstance(exc, AuthInvalidError):
                await self.deps.providers.rejected()
            self._fail(turn_id, state, exc)
            # The turn's own error is what the caller must see, whatever the hook does.
            with contextlib.suppress(ClaudePyError):
                await self.hooks.stop_failure(exc.code, exc.message, self._last_assistant_text())
            raise
        except Exception as exc:
            log.exception("turn %s failed unexpectedly", turn_id)
            error = InternalError(f"internal error during the turn: {exc.__class__.__name__}")
            self._fail(turn_id, state, error)
            raise error from exc
        if state.last_mark is not None:
            self._compactor.note_usage(*state.last_mark)
        self.emit(TurnCompletedEvent(turn_id, outcome.stop_reason, outcome.usage, outcome.cost_usd))
        return outcome

    def _subagent_context(self) -> str:
        # A sub-agent knows the project as the main agent does: the same git facts, CLAUDE.md.
        environment = environment_section(self.cwd, model=self.model, git=self._in_git)
        memory = self.project.memory()
        return f"{environment}\n\n{memory}" if memory else environment

    async def _system_prompt(self) -> str:
        git = await git_summary(self.cwd) if self.limits.git_status else None
        self._in_git = git is not None
        extra = "\n".join(
            [*self._start_context, *filter(None, [self.options.append_system_prompt])]
        )
        return build_system_prompt(
            self.cwd,
            model=self.model,
            memory=self.project.memory(),
            git=git,
            extra=extra or None,
            instructions=self.options.system_prompt,
        )

    async def context_parts(self) -> list[tuple[str, int]]:
        """``/context``: the estimated tokens of each part of the next request, in request order."""
        system = await self._system_prompt()
        memory = self.project.memory() or ""
        tools = self._tools.definitions() if self._tools is not None else []
        mcp = [t for t in tools if str(t.get("name", "")).startswith("mcp__")]
        builtin = [t for t in tools if t not in mcp]
        # Each part on its own; the empty request's own overhead would count once per part.
        base = estimate_context([])
        return [
            ("System prompt", estimate_context([], system=system.replace(memory, "")) - base),
            (
                "Memory files and skills",
                estimate_context([], system=memory) - base if memory else 0,
            ),
            ("Built-in tools", estimate_context([], tools=builtin) - base if builtin else 0),
            ("MCP tools", estimate_context([], tools=mcp) - base if mcp else 0),
            ("Messages", estimate_context(self.messages) - base if self.messages else 0),
        ]

    async def compact_now(self, instructions: str | None) -> CompactionResult:
        """``/compact``: summarise the conversation now (CommandError when nothing can go)."""
        if self.busy:
            raise SessionBusyError("cannot compact while a turn runs; cancel it first")
        provider = await self.deps.providers.get()
        result = await self._compactor.run(
            self.messages,
            provider,
            model=self.model,
            trigger="manual",
            instructions=instructions,
            system=await self._system_prompt(),
            tools=self._tools.definitions() if self._tools is not None else [],
            pre_compact=self.hooks.pre_compact,
        )
        if result is None:
            raise CommandError("There is nothing to compact yet.")
        await self._apply_compaction(result)
        return result

    async def _apply_compaction(self, result: CompactionResult) -> None:
        self.history.apply_compaction(result)
        self.emit(compaction_event(result))
        await self.hooks.post_compact(result.trigger, result.summary)

    def _exec_env(self) -> ExecEnv:
        assert self._tools is not None
        return ExecEnv(
            session_id=self.session_id,
            tools=self._tools,
            checker=self._checker,
            bridge=self.deps.bridge,
            emit=self.emit,
            make_context=self._call_context,
            remember_rule=self._remember_rule,
            headless_allows=self.limits.headless_allows,
            hooks=self.hooks.runner(),
            mode=lambda: self.mode,
            before_edit=self.history.snapshot_before_edit,
            observer=self.observers,
        )

    def _with_task(self, base: ToolSet) -> ToolSet:
        host = SubagentHost(
            provider=self.deps.providers.get,
            tools=base,
            env_for=self._subagent_env,
            model=lambda: self.model,
            max_tokens=self.limits.max_tokens,
            max_turns=self.limits.max_turns,
            add_usage=self._add_usage,
            agents=self.project.agents,
            on_stop=lambda active: self.hooks.stop(active, subagent=True),
            on_start=self.hooks.subagent_start,
            environment=self._subagent_context,
        )
        skills = SkillHost(
            skills=self.project.skills, session_id=self.session_id, grant=self._grant
        )
        return WithTask(base, TaskTool(host), SkillTool(skills))

    def _grant(self, rules: list[str]) -> None:
        # A skill the model loaded: its allowed-tools hold until this turn ends, as for /skill.
        self._scoped_allow.extend(r for r in rules if r not in self._scoped_allow)

    def _subagent_env(self, parent_tool_call_id: str, tools: ToolSet) -> ExecEnv:
        env = self._exec_env()
        env.tools = tools
        env.parent_tool_call_id = parent_tool_call_id
        return env

    def _checker(self) -> PermissionChecker:
        assert self._tools is not None
        # Rules a running skill's allowed-tools grant hold only during that turn.
        rules = [*self.allow_rules, *self._scoped_allow] if self.busy else list(self.allow_rules)
        return self.project.checker(
            self.mode, rules, self._tools.all(), self.added_dirs, self.options.deny_rules
        )

    def _call_context(self, tool_call_id: str) -> CallContext:
        return CallContext(
            cwd=self.cwd,
            session_id=self.session_id,
            state=self.tool_state,
            tool_call_id=tool_call_id,
            emit=self.emit,
            bridge=self.deps.bridge,
            set_mode=self.set_mode,
            side_request=self._side_request,
        )

    def _remember_rule(self, tool_name: str, tool_input: dict[str, Any]) -> None:
        for rule in self.project.suggest_rules(tool_name, tool_input):
            self.allow_rules.append(rule)
            try:
                self.project.save_rule(rule)
            except (OSError, ClaudePyError) as exc:
                # The rule still applies for this session; the user learns it was not saved.
                self.emit(ErrorEvent("config_invalid", f"could not save the rule {rule}: {exc}"))

    async def _side_request(
        self,
        prompt: str,
        *,
        system: str | None = None,
        server_tools: list[dict[str, Any]] | None = None,
        small: bool = True,
    ) -> AssistantMessage:
        request = ModelRequest(
            model=self.limits.small_model if small else self.model,
            messages=[Message.user_text(prompt)],
            max_tokens=4096,
            system=system,
            tools=list(server_tools or []),
        )
        provider = await self.deps.providers.get()
        async for event in provider.stream(request):
            if isinstance(event, MessageCompleted):
                self._add_usage(
                    event.message.usage, estimate_cost(request.model, event.message.usage)
                )
                return event.message
        raise InternalError("the side request ended without a message")

    def _last_assistant_text(self) -> str:
        for message in reversed(self.messages):
            if message.role == "assistant":
                return "".join(b.text for b in message.content if isinstance(b, TextBlock))
        return ""

    def _fail(self, turn_id: str, state: TurnState, exc: ClaudePyError) -> None:
        self.history.record_interruption(state)
        self.emit(ErrorEvent(code=exc.code, message=exc.message, retryable=exc.retryable))
        self.emit(TurnCompletedEvent(turn_id, "error", state.usage, state.cost_usd))

    def _add_usage(self, usage: Usage, cost: float | None) -> tuple[Usage, float | None]:
        self.total_usage = self.total_usage + usage
        if cost is None or self.total_cost_usd is None:
            self.total_cost_usd = None
        else:
            self.total_cost_usd += cost
        return self.total_usage, self.total_cost_usd

    def _append_user_text(self, text: str, attached: list[dict[str, Any]]) -> None:
        # Attached images, then @references and pinned files, then the typed text.
        expanded = expand_references(text, self.cwd, home=self.deps.home, pins=self.pins)
        for warning in expanded.warnings:
            self.emit(ErrorEvent("reference", warning))
        self.history.append_user(
            CONTENT_ADAPTER.validate_python([*attached, *expanded.content_blocks()])
        )
