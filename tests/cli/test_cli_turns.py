"""Prompts and the queue, against a stand-in for the daemon link."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from claude_cli._output import Output
from claude_cli._registry import SessionRegistry
from claude_cli._render import AnsiRenderer
from claude_cli._rpc import RpcError
from claude_cli._turns import Turns


@dataclass
class FakeLink:
    requests: list[tuple[str, Any]] = field(default_factory=list)
    notifications: list[tuple[str, Any]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    fail: RpcError | None = None
    connected: bool = True

    async def request(self, method: str, params: Any = None) -> Any:
        self.requests.append((method, params))
        await self.release.wait()
        if self.fail is not None:
            raise self.fail
        return {"stopReason": "end_turn", "usage": {}}

    async def notify(self, method: str, params: Any = None) -> None:
        self.notifications.append((method, params))


def _turns(images: Any = None) -> tuple[Turns, FakeLink, SessionRegistry, list[str]]:
    sessions = SessionRegistry("/proj")
    sessions.switch(sessions.register("sid"))
    output = Output(sessions, AnsiRenderer(None))
    printed: list[str] = []
    output.print = lambda renderables: printed.extend(  # type: ignore[method-assign]
        AnsiRenderer(None).to_ansi(renderables, 80).splitlines()
    )
    link = FakeLink()
    turns = Turns(link, sessions, output, images or (lambda text: []))  # type: ignore[arg-type]
    return turns, link, sessions, printed


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_prompt_with_images_then_queue() -> None:
    turns, link, _, _ = _turns(
        lambda text: [(b"\x89PNG", "image/png")] if "[Image #1]" in text else []
    )
    turns.submit("look [Image #1]")
    await _settle()
    assert link.requests == [
        (
            "session/prompt",
            {
                "sessionId": "sid",
                "prompt": [
                    {"type": "text", "text": "look [Image #1]"},
                    {"type": "image", "mimeType": "image/png", "data": "iVBORw=="},
                ],
            },
        )
    ]
    turns.submit("next one")
    assert turns.queue == ["next one"] and len(link.requests) == 1
    link.release.set()
    await _settle()
    assert [p["prompt"][0]["text"] for _, p in link.requests] == ["look [Image #1]", "next one"]
    assert turns.queue == []


async def test_interrupt_cancels_and_drops_the_queue() -> None:
    turns, link, _, _ = _turns()
    assert not turns.interrupt()  # nothing runs
    turns.submit("long job")
    turns.submit("queued")
    await _settle()
    assert turns.interrupt()
    await _settle()
    assert link.notifications == [("session/cancel", {"sessionId": "sid"})]
    assert turns.queue == []


async def test_errors_are_reported_once() -> None:
    turns, link, sessions, printed = _turns()
    link.fail = RpcError(-32020, "The API failed", {"code": "api_error"})
    link.release.set()
    turns.submit("hi")
    await _settle()
    assert any("The API failed" in line for line in printed)

    # When the daemon already reported the error as an update, the reply adds nothing.
    printed.clear()
    link.release = asyncio.Event()
    turns.submit("again")
    await _settle()
    sessions.view.apply(1, {"kind": "error", "code": "api_error", "message": "The API failed"})
    link.release.set()
    await _settle()
    assert not any("The API failed" in line for line in printed)

    link.fail = RpcError(-32032, "busy", {"code": "session_busy"})
    turns.submit("third")
    await _settle()
    assert any("another client started" in line for line in printed)
