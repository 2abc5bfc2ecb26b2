"""A concrete ToolContext for tool tests, and helpers shared by them."""

from __future__ import annotations

import asyncio
import os
import struct
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_server.model import AssistantMessage, TextBlock, ToolError, ToolResult
from claude_server.tools import ToolRegistry


@dataclass
class ScriptedContext:
    """A real ``ToolContext`` for tests: it records what tools report and asks nobody.

    ``ask_user`` returns the answers queued in ``user_answers`` (raising ToolError, as a
    session without a client would, when none is left). ``ask_model`` is scripted too: it
    returns the messages queued in ``model_replies``, because the model is not part of these
    unit tests (the provider and fake API have their own); the requests are recorded in
    ``model_requests`` so tests can check what a tool asked.
    """

    cwd: Path
    session_id: str = "test-session"
    state: dict[str, Any] = field(default_factory=dict)
    progress_lines: list[str] = field(default_factory=list)
    plans: list[list[dict[str, Any]]] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    user_answers: list[dict[str, Any]] = field(default_factory=list)
    questions_asked: list[list[dict[str, Any]]] = field(default_factory=list)
    model_replies: list[AssistantMessage] = field(default_factory=list)
    model_requests: list[dict[str, Any]] = field(default_factory=list)

    def progress(self, text: str) -> None:
        self.progress_lines.append(text)

    def report_plan(self, entries: list[dict[str, Any]]) -> None:
        self.plans.append(entries)

    def set_permission_mode(self, mode: str) -> None:
        self.modes.append(mode)

    async def ask_user(self, questions: list[dict[str, Any]]) -> dict[str, Any]:
        self.questions_asked.append(questions)
        if not self.user_answers:
            raise ToolError("No client is attached to answer the question.")
        return self.user_answers.pop(0)

    async def ask_model(
        self,
        prompt: str,
        *,
        system: str | None = None,
        server_tools: list[dict[str, Any]] | None = None,
        small: bool = True,
    ) -> AssistantMessage:
        self.model_requests.append(
            {"prompt": prompt, "system": system, "server_tools": server_tools, "small": small}
        )
        assert self.model_replies, "the test did not script a model reply"
        return self.model_replies.pop(0)


def text_reply(text: str) -> AssistantMessage:
    """A model reply holding one text block."""
    return AssistantMessage(content=[TextBlock(text=text)], stop_reason="end_turn")


async def call(
    registry: ToolRegistry, ctx: ScriptedContext, name: str, raw: dict[str, Any]
) -> ToolResult:
    """Validate ``raw`` like the engine does, then run the tool."""
    tool = registry.get(name)
    assert tool is not None
    return await tool.run(registry.validate(name, raw), ctx)


def text_of(result: ToolResult) -> str:
    """The result's content when it is a string."""
    assert isinstance(result.content, str), result.content
    return result.content


def tiny_png() -> bytes:
    """A valid 1x1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def live_members(pgid: int) -> list[int]:
    """Processes of group ``pgid`` that still run (zombies waiting to be reaped do not)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


async def wait_group_gone(pgid: int, timeout: float = 5.0) -> list[int]:
    """Wait until no process of ``pgid`` runs; returns the survivors (empty when all died)."""
    deadline = time.monotonic() + timeout
    while (alive := live_members(pgid)) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return alive


async def wait_for_file(path: Path, timeout: float = 5.0) -> str:
    """The content of ``path`` once it has some."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and (text := path.read_text().strip()):
            return text
        await asyncio.sleep(0.02)
    raise AssertionError(f"{path} was not written in time")


def set_mtime(path: Path, seconds_ago: float) -> None:
    """Give ``path`` a modification time ``seconds_ago`` in the past."""
    when = time.time() - seconds_ago
    os.utime(path, (when, when))
