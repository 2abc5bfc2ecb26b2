"""Slash commands: the few the client runs itself, and the daemon's (``session/command``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from claude_cli._connect import DaemonLink
from claude_cli._input._complete import CommandInfo
from claude_cli._rpc import ConnectionLost, RpcError

CLIENT_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("vim", "Toggle vi editing mode", runs_in="client"),
    CommandInfo("copy", "Copy the last response to the clipboard", runs_in="client"),
    CommandInfo("model", "Switch the model (a picker without argument)", "[model]", "client"),
    CommandInfo("help", "Keys and commands", runs_in="client"),
    CommandInfo("quit", "Exit claude-py", runs_in="client"),
    CommandInfo("exit", "Exit claude-py", runs_in="client"),
)

MODEL_CHOICES: tuple[tuple[str, str], ...] = (
    ("sonnet", "Sonnet: the everyday model"),
    ("opus", "Opus: the most capable, slower and pricier"),
    ("haiku", "Haiku: the fastest and cheapest"),
)

HELP = """\
Keys: enter send · alt+enter / shift+enter / \\⏎ new line · ↑/↓ history · ctrl+r search history
      tab accept completion · esc dismiss · ctrl+s stash/restore · ctrl+v paste image
      ctrl+b run in background · ctrl+o expand output · shift+tab permission mode
      ctrl+c interrupt (twice on an empty prompt to exit) · ctrl+d exit
Mentions: @path completes files of the project."""


def parse_command(text: str) -> tuple[str, str] | None:
    """``("model", "opus")`` for ``/model opus``; None when ``text`` is not a command."""
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    name, _, args = stripped[1:].partition(" ")
    if not name or "/" in name:
        return None  # "/usr/bin is odd" is a prompt, not a command
    return name, args.strip()


def commands_from_wire(result: Any) -> list[CommandInfo]:
    """The commands of a ``commands/list`` result (a list, or ``{"commands": [...]}``)."""
    raw = result.get("commands", []) if isinstance(result, dict) else result
    out = []
    for item in raw or []:
        info = CommandInfo.from_wire(item)
        if info is not None:
            out.append(info)
    return out


def merge_commands(client: tuple[CommandInfo, ...], daemon: list[CommandInfo]) -> list[CommandInfo]:
    """Client commands first-class; the daemon's added unless the client has one of that name."""
    names = {c.name for c in client}
    return [*client, *(c for c in daemon if c.name not in names)]


def command_output(result: Any) -> str:
    """The text to show for a ``session/command`` result, whatever member carries it."""
    if isinstance(result, str):
        return result
    if isinstance(result, dict):
        for key in ("markdown", "output", "text", "message", "content"):
            value = result.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return ""


class CommandHost(Protocol):
    """What running a command needs from the application."""

    link: DaemonLink

    @property
    def session_id(self) -> str:
        """The foreground session."""

    def notice(self, text: str, level: str = "info") -> None:
        """Print a line in the transcript."""

    def print_markdown(self, text: str) -> None:
        """Print command output."""

    def flash(self, text: str) -> None:
        """A short message in the status line."""

    def quit(self) -> None:
        """Leave the application."""

    def toggle_vi(self) -> bool:
        """Switch vi mode; True when now on."""

    def copy_last(self) -> str:
        """Copy the last answer; returns what to tell the user."""

    async def pick_model(self) -> str | None:
        """Open the model picker; the chosen alias or None."""

    def command_names(self) -> list[CommandInfo]:
        """Every command offered."""


@dataclass
class CommandRunner:
    """Runs one slash command line."""

    host: CommandHost

    async def run(self, name: str, args: str) -> None:
        """Run ``/name args``; client commands here, the rest in the daemon."""
        handler = self._client_handlers().get(name)
        if handler is not None and not (name == "help" and self._daemon_has(name)):
            await handler(args)
            return
        await self._daemon_command(name, args)

    def _client_handlers(self) -> dict[str, Callable[[str], Awaitable[None]]]:
        return {
            "vim": self._vim,
            "copy": self._copy,
            "quit": self._quit,
            "exit": self._quit,
            "model": self._model,
            "help": self._help,
        }

    def _daemon_has(self, name: str) -> bool:
        return any(c.name == name and c.runs_in != "client" for c in self.host.command_names())

    async def _vim(self, args: str) -> None:
        on = self.host.toggle_vi()
        self.host.notice("Vi mode on (esc for normal mode)" if on else "Vi mode off")

    async def _copy(self, args: str) -> None:
        self.host.notice(self.host.copy_last())

    async def _quit(self, args: str) -> None:
        self.host.quit()

    async def _help(self, args: str) -> None:
        lines = [HELP, "", "Commands:"]
        for command in self.host.command_names():
            hint = f" {command.argument_hint}" if command.argument_hint else ""
            lines.append(f"  /{command.name}{hint}  {command.description}".rstrip())
        if not self.host.link.features.has("session/command"):
            lines.append("  (this daemon runs no slash commands of its own yet)")
        self.host.print_markdown("```text\n" + "\n".join(lines) + "\n```")

    async def _model(self, args: str) -> None:
        model = args or await self.host.pick_model()
        if not model:
            return
        try:
            result = await self.host.link.request(
                "session/setModel", {"sessionId": self.host.session_id, "model": model}
            )
        except RpcError as exc:
            self.host.notice(exc.message, "error")
            return
        except ConnectionLost:
            self.host.notice("not connected to the daemon", "error")
            return
        resolved = result.get("model", model) if isinstance(result, dict) else model
        self.host.flash(f"Model: {resolved}")

    async def _daemon_command(self, name: str, args: str) -> None:
        link = self.host.link
        if not link.features.has("session/command"):
            self.host.notice(
                f"/{name}: unknown command. This daemon does not run slash commands yet "
                "(it has no session/command); /help lists what works.",
                "error",
            )
            return
        try:
            # The daemon parses the whole line, as the user typed it.
            line = f"/{name} {args}".rstrip()
            result = await link.request(
                "session/command", {"sessionId": self.host.session_id, "command": line}
            )
        except RpcError as exc:
            self.host.notice(f"/{name}: {exc.message}", "error")
            return
        except ConnectionLost:
            self.host.notice("not connected to the daemon", "error")
            return
        output = command_output(result)
        if output:
            self.host.print_markdown(output)
