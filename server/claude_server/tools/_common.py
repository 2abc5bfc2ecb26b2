"""What every built-in tool shares: the input base model, the tool base class, path and text
helpers, and the JSON schema cleaner."""

from __future__ import annotations

import os
from abc import abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from claude_server.model import PermissionLevel, ToolContext, ToolError, ToolResult


class ToolInput(BaseModel):
    """Base of every tool's input model: unknown fields are an error the model can fix."""

    model_config = ConfigDict(extra="forbid")


InputT = TypeVar("InputT", bound=BaseModel)


class BaseTool(Generic[InputT]):
    """Implements the :class:`~claude_server.model.Tool` protocol around typed methods.

    Subclasses set the class variables and implement :meth:`describe` and :meth:`execute`
    with their own input type; the protocol's methods take any ``BaseModel``.
    """

    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str]
    input_model: ClassVar[type[BaseModel]]
    permission: ClassVar[PermissionLevel]

    def is_read_only(self, tool_input: BaseModel) -> bool:
        """Read-only tools never change anything, so their calls may run concurrently."""
        return self.permission is PermissionLevel.READ_ONLY

    def summary(self, tool_input: BaseModel) -> str:
        """One line for clients."""
        return self.describe(self._typed(tool_input))

    def edited_paths(self, tool_input: BaseModel) -> list[str]:
        """Files the call changes; none unless the tool says so."""
        return []

    async def run(self, tool_input: BaseModel, ctx: ToolContext) -> ToolResult:
        """Run the tool; expected failures raise :class:`ToolError`."""
        return await self.execute(self._typed(tool_input), ctx)

    async def precheck(self, tool_input: BaseModel, ctx: ToolContext) -> str | None:
        """Why the call would fail, found without running it (``None``: no reason known).

        The engine asks before the permission question: nobody should approve a call that
        cannot succeed."""
        try:
            self.check(self._typed(tool_input), ctx)
        except ToolError as exc:
            return str(exc)
        return None

    def check(self, tool_input: InputT, ctx: ToolContext) -> None:
        """Raise :class:`ToolError` for a call that cannot succeed (the default finds none)."""

    @abstractmethod
    def describe(self, tool_input: InputT) -> str:
        """One line for clients, from the typed input."""

    @abstractmethod
    async def execute(self, tool_input: InputT, ctx: ToolContext) -> ToolResult:
        """Do the work with the typed input."""

    def _typed(self, tool_input: BaseModel) -> InputT:
        if not isinstance(tool_input, self.input_model):
            # A caller bug (the registry validates with input_model), not the model's mistake.
            raise TypeError(f"{self.name} expects {self.input_model.__name__}")
        return cast(InputT, tool_input)


def absolute_path(file_path: str, ctx: ToolContext, *, field: str = "file_path") -> Path:
    """``file_path`` normalised; a relative path is refused with the absolute one to use."""
    if not file_path:
        raise ToolError(f"{field} is empty; give an absolute path.")
    path = Path(file_path)
    if not path.is_absolute():
        suggestion = os.path.normpath(ctx.cwd / path)
        raise ToolError(
            f"{field} must be an absolute path, not {file_path!r}. "
            f"If you meant a path in the project, use {suggestion!r}."
        )
    return Path(os.path.normpath(path))


def search_root(path: str | None, ctx: ToolContext) -> Path:
    """The directory (or file) a search starts from: ``path`` or the project directory.

    A relative path is taken relative to the project directory (search tools are lenient here
    because the model often passes ``src`` or ``.``).
    """
    # Models sometimes spell "no path" as a string; treat it as omitted.
    if path is not None and path.strip() in ("", ".", "undefined", "null", "None"):
        path = None
    root = ctx.cwd if path is None else Path(path)
    if not root.is_absolute():
        root = ctx.cwd / root
    root = Path(os.path.normpath(root))
    if not root.exists():
        raise ToolError(
            f"Path does not exist: {root}. Check the spelling or search from {ctx.cwd}."
        )
    return root


def truncate_middle(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, keeping its head and tail and saying so."""
    if len(text) <= limit:
        return text
    head = text[: limit // 2]
    tail = text[len(text) - limit // 2 :]
    cut = len(text) - len(head) - len(tail)
    return f"{head}\n\n... [{cut} characters truncated] ...\n\n{tail}"


def one_line(text: str, limit: int = 80) -> str:
    """The first line of ``text``, shortened to ``limit`` characters for a summary."""
    lines = text.strip().splitlines()
    first = lines[0] if lines else ""
    if len(lines) > 1 or len(first) > limit:
        first = first[: limit - 1].rstrip() + "…"
    return first


def input_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of a tool's input model as the API gets it.

    Pydantic's titles are dropped (the field names say it), nested models are inlined (no
    ``$ref``), optional fields are shown with their plain type (``null`` is never useful to
    send), and the model's own docstring is left out (the tool description covers it).
    """
    raw = model.model_json_schema(by_alias=True)
    defs: dict[str, Any] = raw.pop("$defs", {})
    raw.pop("description", None)
    cleaned = _clean(raw, defs)
    assert isinstance(cleaned, dict)
    return cleaned


def _clean(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_clean(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[str(node["$ref"]).rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _clean(merged, defs)
    any_of = node.get("anyOf")
    if isinstance(any_of, list) and {"type": "null"} in any_of:
        rest = [s for s in any_of if s != {"type": "null"}]
        if len(rest) == 1:
            merged = {**{k: v for k, v in node.items() if k != "anyOf"}, **rest[0]}
            if merged.get("default", 0) is None:
                del merged["default"]
            return _clean(merged, defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _clean(sub, defs) for name, sub in value.items()}
        else:
            out[key] = _clean(value, defs)
    return out
