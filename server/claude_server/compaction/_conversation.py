"""Conversation shape: which messages are user requests, and the API's invariants."""

from __future__ import annotations

from collections.abc import Sequence

from claude_server.model import Message, ToolResultBlock, ToolUseBlock

__all__ = ["check_conversation", "is_user_request", "request_indices"]


def is_user_request(message: Message) -> bool:
    """Whether ``message`` is something the user said: a user message not made only of results.

    Tool results travel in user messages too; a message holding nothing else is the engine's
    doing, not a new request.
    """
    return message.role == "user" and any(
        not isinstance(block, ToolResultBlock) for block in message.content
    )


def request_indices(messages: Sequence[Message]) -> list[int]:
    """The indices of the user requests in ``messages``, oldest first (where turns begin)."""
    return [index for index, message in enumerate(messages) if is_user_request(message)]


def check_conversation(messages: Sequence[Message]) -> list[str]:
    """What keeps ``messages`` from being a valid Messages API conversation; empty when valid.

    The invariants checked (numbers in the messages are 1-based):

    - there is at least one message, and the first is from the user;
    - roles alternate (the API would merge neighbours of the same role; we never produce them);
    - no message is empty;
    - ``tool_use`` blocks appear only in assistant messages, with unique ids, and each one is
      answered by a ``tool_result`` in the very next message, which is a user message;
    - ``tool_result`` blocks appear only in user messages, each answers a ``tool_use`` of the
      message just before, at most once, and they come before any other block of the message.
    """
    if not messages:
        return ["the conversation is empty"]
    problems: list[str] = []
    if messages[0].role != "user":
        problems.append("message 1 is an assistant message; the conversation must start with user")
    seen_uses: set[str] = set()
    for index, message in enumerate(messages):
        number = index + 1
        previous = messages[index - 1] if index else None
        if previous is not None and previous.role == message.role:
            problems.append(
                f"messages {number - 1} and {number} are both {message.role} messages; "
                "roles must alternate"
            )
        if not message.content:
            problems.append(f"message {number} ({message.role}) has no content")
        if message.role == "assistant":
            problems.extend(_check_assistant(messages, index, seen_uses))
        else:
            problems.extend(_check_user(message, number, previous))
    return problems


def _check_assistant(messages: Sequence[Message], index: int, seen: set[str]) -> list[str]:
    problems: list[str] = []
    number = index + 1
    message = messages[index]
    following = messages[index + 1] if index + 1 < len(messages) else None
    answered = (
        {b.tool_use_id for b in following.content if isinstance(b, ToolResultBlock)}
        if following is not None and following.role == "user"
        else set()
    )
    for block in message.content:
        if isinstance(block, ToolResultBlock):
            problems.append(f"message {number} is an assistant message holding a tool_result")
        elif isinstance(block, ToolUseBlock):
            if block.id in seen:
                problems.append(f"tool_use id {block.id} in message {number} is used twice")
            seen.add(block.id)
            if block.id not in answered:
                problems.append(
                    f"tool_use {block.id} in message {number} has no tool_result in the next message"
                )
    return problems


def _check_user(message: Message, number: int, previous: Message | None) -> list[str]:
    problems: list[str] = []
    asked = (
        {b.id for b in previous.content if isinstance(b, ToolUseBlock)}
        if previous is not None and previous.role == "assistant"
        else set()
    )
    answered: set[str] = set()
    other_seen = False
    for block in message.content:
        if isinstance(block, ToolUseBlock):
            problems.append(f"message {number} is a user message holding a tool_use")
        elif isinstance(block, ToolResultBlock):
            if block.tool_use_id not in asked:
                problems.append(
                    f"tool_result for {block.tool_use_id} in message {number} answers no tool_use "
                    "of the message before it"
                )
            if block.tool_use_id in answered:
                problems.append(
                    f"tool_use {block.tool_use_id} is answered twice in message {number}"
                )
            answered.add(block.tool_use_id)
            if other_seen:
                problems.append(
                    f"message {number} has a tool_result after other content; "
                    "tool results must come first"
                )
        else:
            other_seen = True
    return problems
