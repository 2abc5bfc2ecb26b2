"""``claude-py -p``'s command line: Claude Code's headless flags, parsed into one value.

An unknown flag exits 2 with argparse's usage line, as in Claude Code; a known flag with a bad
value is a :class:`ConfigError` (one line, exit 1). Files named by flags are read here, so
everything after parsing works on text.
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from claude_server.errors import ConfigError
from claude_server.model import EFFORT_LEVELS, PERMISSION_MODES, Effort, PermissionMode

OutputFormat = Literal["text", "json", "stream-json"]
InputFormat = Literal["text", "stream-json"]


UNSUPPORTED = (
    "--mcp-config",
    "--strict-mcp-config",
    "--settings",
    "--setting-sources",
    "--fallback-model",
    "--json-schema",
    "--agents",
    "--plugin-dir",
    "--include-hook-events",
)
"""Claude Code flags that claude-py knows but cannot honour yet: refused by name, never ignored
(a script that relies on one must not silently get something else)."""


@dataclass(frozen=True, slots=True)
class HeadlessArgs:
    """What one ``claude-py -p`` run was asked to do."""

    prompt: str | None
    output_format: OutputFormat = "text"
    input_format: InputFormat = "text"
    verbose: bool = False
    include_partial_messages: bool = False
    replay_user_messages: bool = False
    max_turns: int | None = None
    max_budget_usd: float | None = None
    permission_mode: PermissionMode | None = None
    permission_prompt_tool: str | None = None
    allowed_tools: tuple[str, ...] = ()
    disallowed_tools: tuple[str, ...] = ()
    tools: tuple[str, ...] | None = None
    """``--tools``: the built-in tools offered (``None``: the default set)."""
    system_prompt: str | None = None
    append_system_prompt: str | None = None
    continue_last: bool = False
    resume: str | None = None
    fork_session: bool = False
    session_id: str | None = None
    persist: bool = True
    add_dirs: tuple[str, ...] = ()
    model: str | None = None
    effort: Effort | None = None
    max_thinking_tokens: int | None = None
    thinking: Literal["enabled", "disabled", "adaptive"] | None = None
    attach: bool = True
    unsupported: tuple[str, ...] = field(default=())
    """Known flags given that claude-py cannot honour (see :data:`UNSUPPORTED`)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-py -p",
        usage="claude-py -p [options] [prompt]",
        description="Answer one prompt (or a stream of them) without the interactive UI, with "
        "Claude Code's headless flags and output formats.",
    )
    add = parser.add_argument
    add("prompt", nargs="?", help="the prompt (read from stdin when omitted)")
    add("-p", "--print", action="store_true", dest="print_mode", help="non-interactive")
    add("--output-format", choices=("text", "json", "stream-json"), default="text")
    add("--input-format", choices=("text", "stream-json"), default="text")
    add("--verbose", action="store_true", help="needed for --output-format stream-json")
    add("--include-partial-messages", action="store_true", help="stream_event lines as well")
    add("--replay-user-messages", action="store_true", help="echo stream-json user messages")
    add("--max-turns", type=int, metavar="N", help="model calls one prompt may make")
    add("--max-budget-usd", type=float, metavar="USD", help="stop once the cost passes this")
    add("--permission-mode", choices=PERMISSION_MODES)
    add("--dangerously-skip-permissions", action="store_true", help="bypassPermissions mode")
    add("--permission-prompt-tool", metavar="TOOL", help="'stdio': ask over the control protocol")
    for flag in ("--allowedTools", "--allowed-tools"):
        add(flag, action="append", default=[], dest="allowed_tools", metavar="RULES")
    for flag in ("--disallowedTools", "--disallowed-tools"):
        add(flag, action="append", default=[], dest="disallowed_tools", metavar="RULES")
    add("--tools", metavar="NAMES", help='built-in tools offered: "", "default" or names')
    add("--system-prompt", metavar="TEXT")
    add("--system-prompt-file", metavar="FILE")
    add("--append-system-prompt", metavar="TEXT")
    add("--append-system-prompt-file", metavar="FILE")
    add("-c", "--continue", action="store_true", dest="continue_last")
    add("-r", "--resume", metavar="ID")
    add("--fork-session", action="store_true", help="with --resume/--continue: a new copy")
    add("--session-id", metavar="UUID")
    add("--no-session-persistence", action="store_true", help="keep the session in memory")
    add("--add-dir", action="append", default=[], metavar="DIR")
    add("--model")
    add("--effort", choices=EFFORT_LEVELS)
    add("--max-thinking-tokens", type=int, metavar="N")
    add("--thinking", choices=("enabled", "disabled", "adaptive"))
    add("--no-attach", action="store_true", help="never run the turn in a running daemon")
    for flag in UNSUPPORTED:
        if flag in ("--strict-mcp-config", "--include-hook-events"):
            add(flag, action="store_true", dest=_dest(flag))
        else:
            add(flag, action="append", default=[], dest=_dest(flag), metavar="VALUE")
    return parser


def _dest(flag: str) -> str:
    return "unsupported_" + flag.strip("-").replace("-", "_")


def _names(values: list[str]) -> tuple[str, ...]:
    # Claude Code takes both "Read Edit" and "Read,Edit"; a rule's own commas and spaces are
    # inside its parentheses ("Bash(git diff *)").
    out: list[str] = []
    for value in values:
        current, depth = "", 0
        for char in value:
            if char in "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            if depth == 0 and char in ", ":
                if current:
                    out.append(current)
                current = ""
            else:
                current += char
        if current:
            out.append(current)
    return tuple(out)


def _read_file(flag: str, path: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{flag}: cannot read {path}: {exc}") from None


def _one_of(flag: str, text: str | None, file_flag: str, path: str | None) -> str | None:
    if text is not None and path is not None:
        raise ConfigError(f"use {flag} or {file_flag}, not both")
    return _read_file(file_flag, path) if path is not None else text


def parse_args(argv: list[str]) -> HeadlessArgs:
    """``argv`` as a :class:`HeadlessArgs`; argparse exits 2 on an unknown flag."""
    ns = _parser().parse_args(argv)
    if ns.output_format == "stream-json" and not ns.verbose:
        raise ConfigError("--output-format=stream-json requires --verbose")
    if ns.input_format == "stream-json" and ns.output_format != "stream-json":
        raise ConfigError("--input-format=stream-json requires --output-format=stream-json")
    if ns.include_partial_messages and ns.output_format != "stream-json":
        raise ConfigError("--include-partial-messages requires --output-format=stream-json")
    if ns.max_turns is not None and ns.max_turns < 1:
        raise ConfigError("--max-turns must be at least 1")
    if ns.max_budget_usd is not None and not ns.max_budget_usd > 0:
        raise ConfigError("--max-budget-usd must be more than 0")
    if ns.permission_prompt_tool not in (None, "stdio"):
        raise ConfigError(
            f"--permission-prompt-tool {ns.permission_prompt_tool}: only 'stdio' (the control "
            "protocol) is supported; an MCP tool as the prompt is not"
        )
    if ns.permission_prompt_tool == "stdio" and ns.input_format != "stream-json":
        raise ConfigError("--permission-prompt-tool stdio requires --input-format=stream-json")
    if ns.continue_last and ns.resume is not None:
        raise ConfigError("use --continue or --resume, not both")
    if ns.fork_session and not (ns.continue_last or ns.resume):
        raise ConfigError("--fork-session needs --continue or --resume")
    if ns.session_id is not None:
        try:
            uuid.UUID(ns.session_id)
        except ValueError:
            raise ConfigError(f"--session-id must be a UUID, got {ns.session_id!r}") from None
    if ns.max_thinking_tokens is not None and ns.max_thinking_tokens < 0:
        raise ConfigError("--max-thinking-tokens must not be negative")
    unsupported = tuple(
        flag for flag in UNSUPPORTED if getattr(ns, _dest(flag)) not in (False, [], None)
    )
    mode: PermissionMode | None = ns.permission_mode
    if ns.dangerously_skip_permissions:
        mode = "bypassPermissions"
    tools: tuple[str, ...] | None = None
    if ns.tools is not None:
        tools = () if not ns.tools.strip() else _names([ns.tools])
        if tools == ("default",):
            tools = None
    return HeadlessArgs(
        prompt=ns.prompt,
        output_format=ns.output_format,
        input_format=ns.input_format,
        verbose=ns.verbose,
        include_partial_messages=ns.include_partial_messages,
        replay_user_messages=ns.replay_user_messages,
        max_turns=ns.max_turns,
        max_budget_usd=ns.max_budget_usd,
        permission_mode=mode,
        permission_prompt_tool=ns.permission_prompt_tool,
        allowed_tools=_names(ns.allowed_tools),
        disallowed_tools=_names(ns.disallowed_tools),
        tools=tools,
        system_prompt=_one_of(
            "--system-prompt", ns.system_prompt, "--system-prompt-file", ns.system_prompt_file
        ),
        append_system_prompt=_one_of(
            "--append-system-prompt",
            ns.append_system_prompt,
            "--append-system-prompt-file",
            ns.append_system_prompt_file,
        ),
        continue_last=ns.continue_last,
        resume=ns.resume,
        fork_session=ns.fork_session,
        session_id=ns.session_id,
        persist=not ns.no_session_persistence,
        add_dirs=tuple(ns.add_dir),
        model=ns.model,
        effort=ns.effort,
        max_thinking_tokens=ns.max_thinking_tokens,
        thinking=ns.thinking,
        attach=not ns.no_attach,
        unsupported=unsupported,
    )
