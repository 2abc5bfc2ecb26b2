"""Tool calls as clients see them, and the questions the daemon asks clients."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from claude_server.protocol._base import WireModel

ToolCallStatus = Literal["pending", "in_progress", "completed", "failed"]
ToolKind = Literal["read", "edit", "execute", "other"]


class TextContent(WireModel):
    """Plain text output of a tool call."""

    type: Literal["text"] = "text"
    text: str


class DiffContent(WireModel):
    """A file change made by a tool call."""

    type: Literal["diff"] = "diff"
    path: str
    old_text: str
    new_text: str


class TerminalContent(WireModel):
    """Output of a command run by a tool call."""

    type: Literal["terminal"] = "terminal"
    output: str
    exit_code: int | None = None


ToolCallContent = Annotated[
    TextContent | DiffContent | TerminalContent, Field(discriminator="type")
]
"""Something a client can render for a tool call."""


class ToolCallInfo(WireModel):
    """A tool call as shown to the user."""

    tool_call_id: str
    tool_name: str
    title: str
    """One line, such as ``Read src/app.py``."""
    kind: ToolKind
    input: dict[str, Any]
    parent_tool_call_id: str | None = None
    """Set for calls made by a sub-agent, naming the Task call that started it."""


PermissionOptionKind = Literal["allow_once", "allow_always", "reject_once", "reject_always"]


class PermissionOption(WireModel):
    """One answer a client may give to a permission request."""

    option_id: str
    name: str
    kind: PermissionOptionKind


class RequestPermissionParams(WireModel):
    """Params of ``session/requestPermission`` (daemon -> client)."""

    session_id: str
    request_id: str
    tool_call: ToolCallInfo
    options: list[PermissionOption]
    reason: str
    """Why the daemon asks (for example: no rule allows this command)."""


class SelectedOutcome(WireModel):
    """The user chose an option."""

    outcome: Literal["selected"] = "selected"
    option_id: str
    message: str | None = None
    """Optional words for the model, e.g. why the user refused."""
    updated_input: dict[str, Any] | None = None
    """With an allow option: the tool input as the user changed it (for an Edit, the
    ``new_string`` edited in the editor's diff view). The call runs with it, and the model is
    told what changed."""


class CancelledOutcome(WireModel):
    """The question was withdrawn (turn cancelled, another client answered first)."""

    outcome: Literal["cancelled"] = "cancelled"


PermissionOutcome = Annotated[SelectedOutcome | CancelledOutcome, Field(discriminator="outcome")]


class RequestPermissionResult(WireModel):
    """Result of ``session/requestPermission``."""

    outcome: PermissionOutcome


class QuestionOption(WireModel):
    """A choice of an AskUserQuestion question."""

    label: str
    description: str = ""


class Question(WireModel):
    """One question of ``session/askUser``."""

    question: str
    header: str = ""
    options: list[QuestionOption]
    multi_select: bool = False


class AskUserParams(WireModel):
    """Params of ``session/askUser`` (daemon -> client)."""

    session_id: str
    request_id: str
    tool_call_id: str | None = None
    questions: list[Question]


class AskUserResult(WireModel):
    """Result of ``session/askUser``: for each question text, the chosen label(s) or free text."""

    outcome: Literal["answered", "cancelled"]
    answers: dict[str, str | list[str]] = Field(default_factory=dict)


PermissionMode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]
"""A copy of the engine's modes (the protocol stands alone); a test checks them equal."""


class SessionSetModeParams(WireModel):
    """Params of ``session/setMode``."""

    session_id: str
    mode: PermissionMode


class SessionSetModelParams(WireModel):
    """Params of ``session/setModel``."""

    session_id: str
    model: Annotated[str, Field(min_length=1)]
    """A model id or an alias (``sonnet``, ``opus``, ``haiku``)."""


class SessionSetModelResult(WireModel):
    """Result of ``session/setModel``: the resolved model id."""

    model: str
