"""When and how a live session compacts its conversation (the policy; the work is in
:mod:`claude_server.compaction`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from claude_server.compaction import (
    CompactionResult,
    SessionMemory,
    Trigger,
    UsageMark,
    compact,
)
from claude_server.errors import ClaudePyError, CommandError
from claude_server.model import (
    CompactionEvent,
    ErrorEvent,
    Message,
    Provider,
    SessionEvent,
    Usage,
)

log = logging.getLogger(__name__)

PreCompact = Callable[[Trigger, str | None], Awaitable[str | None]]


@dataclass(slots=True)
class Compactor:
    """A session's compaction state: the last measured usage and the extracted memory."""

    usage_mark: UsageMark | None = None
    memory: SessionMemory | None = None

    def note_usage(self, usage: Usage, message_count: int) -> None:
        """The API reported ``usage`` for a request holding ``message_count`` messages."""
        self.usage_mark = UsageMark(usage, message_count)

    async def run(
        self,
        messages: list[Message],
        provider: Provider,
        *,
        model: str,
        trigger: Trigger,
        instructions: str | None,
        system: str | None,
        tools: list[dict[str, Any]],
        pre_compact: PreCompact | None,
    ) -> CompactionResult | None:
        """Compact when needed (auto) or asked (manual); ``None`` when nothing changed."""
        result = await compact(
            messages,
            provider,
            model=model,
            trigger=trigger,
            instructions=instructions,
            previous_memory=self.memory,
            pre_compact=pre_compact,
            last_usage=self.usage_mark,
            system=system,
            tools=tools,
        )
        if result is not None:
            # What the API measured no longer describes the conversation.
            self.usage_mark = None
            if result.memory is not None:
                self.memory = result.memory
        return result


async def auto_compact(
    compactor: Compactor,
    messages: list[Message],
    provider: Provider,
    emit: Callable[[SessionEvent], object],
    **kwargs: Any,
) -> CompactionResult | None:
    """The auto stage: never fails the turn; a problem is reported and the turn goes on."""
    try:
        return await compactor.run(messages, provider, trigger="auto", instructions=None, **kwargs)
    except CommandError:
        return None
    except ClaudePyError as exc:
        log.warning("automatic compaction failed: %s", exc.message)
        emit(ErrorEvent("compaction_failed", f"Automatic compaction failed: {exc.message}"))
        return None


def compaction_event(result: CompactionResult) -> CompactionEvent:
    """The event reporting ``result`` to clients."""
    return CompactionEvent(
        trigger="manual" if result.trigger == "manual" else "auto",
        tokens_before=result.tokens_before,
        tokens_after=result.tokens_after,
        summary=result.summary,
    )
