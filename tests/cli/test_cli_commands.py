"""Slash commands: parsing, client commands, the daemon's commands, feature detection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claude_cli._commands import (
    CLIENT_COMMANDS,
    CommandRunner,
    command_output,
    commands_from_wire,
    merge_commands,
    parse_command,
)
from claude_cli._connect import Features
from claude_cli._input import CommandInfo
from claude_cli._input._complete import file_paths, mention_query, rank_commands, slash_query
from claude_cli._rpc import RpcError


@dataclass
class FakeLink:
    features: Features
    requests: list[tuple[str, Any]] = field(default_factory=list)
    reply: Any = None

    async def request(self, method: str, params: Any = None) -> Any:
        self.requests.append((method, params))
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


@dataclass
class FakeHost:
    link: FakeLink
    notices: list[tuple[str, str]] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)
    flashes: list[str] = field(default_factory=list)
    quitted: bool = False
    vi: bool = False
    picked: str | None = "opus"

    @property
    def session_id(self) -> str:
        return "sid"

    def notice(self, text: str, level: str = "info") -> None:
        self.notices.append((level, text))

    def print_markdown(self, text: str) -> None:
        self.printed.append(text)

    def flash(self, text: str) -> None:
        self.flashes.append(text)

    def quit(self) -> None:
        self.quitted = True

    def toggle_vi(self) -> bool:
        self.vi = not self.vi
        return self.vi

    def copy_last(self) -> str:
        return "Copied"

    async def pick_model(self) -> str | None:
        return self.picked

    def command_names(self) -> list[CommandInfo]:
        return list(CLIENT_COMMANDS)


def _runner(methods: set[str], reply: Any = None) -> tuple[CommandRunner, FakeHost]:
    host = FakeHost(FakeLink(Features(methods=frozenset(methods)), reply=reply))
    return CommandRunner(host), host  # type: ignore[arg-type]


def test_parse_command() -> None:
    assert parse_command("/model opus") == ("model", "opus")
    assert parse_command("  /quit  ") == ("quit", "")
    assert parse_command("/usr/bin is odd") is None
    assert parse_command("hello /model") is None
    assert parse_command("//not") is None


def test_wire_shapes() -> None:
    listed = commands_from_wire(
        {
            "commands": [
                {
                    "name": "review",
                    "description": "Review",
                    "argumentHint": "[path]",
                    "runsIn": "daemon",
                }
            ]
        }
    )
    assert listed == [CommandInfo("review", "Review", "[path]", "daemon")]
    merged = merge_commands(CLIENT_COMMANDS, [CommandInfo("model", "daemon's"), *listed])
    assert [c.name for c in merged].count("model") == 1 and merged[-1].name == "review"
    assert command_output({"command": "cost", "output": "**$0.01**"}) == "**$0.01**"
    assert command_output(None) == ""
    assert file_paths({"matches": [{"path": "src/", "isDir": True}, {"path": "a.py"}]}) == [
        "src/",
        "a.py",
    ]
    assert file_paths(["x"]) == ["x"]


def test_completion_queries_and_ranking() -> None:
    assert (
        slash_query("/mo") == "mo" and slash_query("/mo x") is None and slash_query("x /m") is None
    )
    assert mention_query("see @src/a") == "src/a" and mention_query("mail a@b") is None
    names = [c.name for c in rank_commands(merge_commands(CLIENT_COMMANDS, []), "o")]
    assert names == []  # one letter: only prefixes count
    assert [c.name for c in rank_commands(CLIENT_COMMANDS, "od")] == ["model"]  # contains


async def test_client_commands_run_locally() -> None:
    runner, host = _runner({"session/command"})
    await runner.run("vim", "")
    await runner.run("copy", "")
    await runner.run("quit", "")
    assert host.vi and host.quitted
    assert host.notices == [("info", "Vi mode on (esc for normal mode)"), ("info", "Copied")]
    assert host.link.requests == []


async def test_model_with_and_without_argument() -> None:
    runner, host = _runner(set(), reply={"model": "claude-haiku-4-5"})
    await runner.run("model", "haiku")
    await runner.run("model", "")  # the picker chose opus
    assert host.link.requests == [
        ("session/setModel", {"sessionId": "sid", "model": "haiku"}),
        ("session/setModel", {"sessionId": "sid", "model": "opus"}),
    ]
    host.picked = None
    await runner.run("model", "")
    assert len(host.link.requests) == 2  # dismissed picker: nothing sent


async def test_daemon_commands_and_their_absence() -> None:
    runner, host = _runner({"session/command"}, reply={"command": "cost", "output": "Spent $0.01"})
    await runner.run("cost", "--all")
    assert host.link.requests == [
        ("session/command", {"sessionId": "sid", "command": "/cost --all"})
    ]
    assert host.printed == ["Spent $0.01"]

    runner, host = _runner(set())
    await runner.run("cost", "")
    level, text = host.notices[0]
    assert level == "error" and "session/command" in text and host.link.requests == []

    runner, host = _runner({"session/command"}, reply=RpcError(-32040, "unknown command /nope"))
    await runner.run("nope", "")
    assert host.notices == [("error", "/nope: unknown command /nope")]


async def test_help_lists_commands() -> None:
    runner, host = _runner(set())
    await runner.run("help", "")
    assert "/model [model]" in host.printed[0] and "ctrl+s" in host.printed[0]
