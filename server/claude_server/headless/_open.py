"""The session a headless run works in: new, continued, resumed or forked, with the run's flags."""

from __future__ import annotations

from claude_server.engine import LiveSession, SessionOptions
from claude_server.errors import SessionNotFoundError
from claude_server.headless._args import HeadlessArgs
from claude_server.model import ThinkingConfig
from claude_server.services import Application, project_directory

DEFAULT_THINKING_BUDGET = 10_000
"""Thinking tokens for ``--thinking enabled`` without ``--max-thinking-tokens``."""


def session_options(args: HeadlessArgs) -> SessionOptions:
    """What the flags ask of the session itself."""
    # A bare name in --disallowedTools takes the tool away; a rule with a pattern denies
    # the calls it matches.
    bare = frozenset(rule for rule in args.disallowed_tools if "(" not in rule)
    return SessionOptions(
        system_prompt=args.system_prompt,
        append_system_prompt=args.append_system_prompt,
        max_turns=args.max_turns,
        builtin_tools=frozenset(args.tools) if args.tools is not None else None,
        removed_tools=bare,
        allow_rules=args.allowed_tools,
        deny_rules=args.disallowed_tools,
        extra_dirs=tuple(str(project_directory(d)) for d in args.add_dirs),
    )


async def open_session(app: Application, args: HeadlessArgs, cwd: str) -> tuple[LiveSession, str]:
    """The run's session, and a warning for the user ("" when there is none)."""
    options = session_options(args)
    target = args.resume
    warning = ""
    if args.continue_last:
        page = app.sessions.list(cwd, limit=1, cursor=None)
        if page.sessions:
            target = page.sessions[0].session_id
        else:
            warning = "no earlier session in this directory; starting a new one"
    if target is None:
        session = app.new_session(
            cwd, args.model, args.permission_mode, options=options, session_id=args.session_id
        )
        return _configured(session, args), warning
    if args.fork_session:
        target = await app.sessions.fork(target, None)
    try:
        session = await app.sessions.get(target, options)
    except SessionNotFoundError:
        raise SessionNotFoundError(f"No conversation found with session ID: {target}") from None
    if args.model:
        app.set_model(session, args.model)
    if args.permission_mode:
        session.set_mode(args.permission_mode)
    return _configured(session, args), warning


def _configured(session: LiveSession, args: HeadlessArgs) -> LiveSession:
    if args.effort is not None:
        session.effort = args.effort
    budget = args.max_thinking_tokens
    if args.thinking == "disabled" or budget == 0:
        session.thinking = ThinkingConfig("off")
    elif args.thinking == "adaptive":
        session.thinking = ThinkingConfig("adaptive")
    elif args.thinking == "enabled" or budget is not None:
        session.thinking = ThinkingConfig("enabled", budget or DEFAULT_THINKING_BUDGET)
    return session
