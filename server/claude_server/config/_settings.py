"""The settings model: what a Claude Code ``settings.json`` may say, as pydantic models.

Every field claude-py honours is declared and validated (strictly: a string is not a number);
keys we do not know are kept (``extra="allow"``) so that files written for newer Claude Code
versions load unchanged, and they are otherwise ignored. Field names are Claude Code's
(camelCase) on the wire and snake_case in Python.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from claude_server.model import MODE_ALIASES, PermissionMode

HookEvent = Literal[
    "PreToolUse",
    "PermissionRequest",
    "PermissionDenied",
    "PostToolUse",
    "PostToolUseFailure",
    "PostToolBatch",
    "Notification",
    "UserPromptSubmit",
    "UserPromptExpansion",
    "MessageDisplay",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "TaskCreated",
    "TaskCompleted",
    "TeammateIdle",
    "PreCompact",
    "PostCompact",
    "Setup",
    "SessionStart",
    "SessionEnd",
    "InstructionsLoaded",
    "ConfigChange",
    "CwdChanged",
    "DirectoryAdded",
    "FileChanged",
    "WorktreeCreate",
    "WorktreeRemove",
    "Elicitation",
    "ElicitationResult",
]
"""A hook event's name."""

HOOK_EVENTS: tuple[HookEvent, ...] = typing.get_args(HookEvent)
"""Every hook event Claude Code documents: the one list (the engine fires those that apply to
claude-py; the others are accepted in settings and never fired)."""


def _mode(value: Any) -> Any:
    # Claude Code accepts "manual" for "default" wherever a mode is typed.
    return MODE_ALIASES.get(value, value) if isinstance(value, str) else value


SettingsMode = Annotated[PermissionMode, BeforeValidator(_mode)]


class _Model(BaseModel):
    """Base of the settings models: camelCase keys, strict types, unknown keys kept."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        alias_generator=to_camel,
        strict=True,
        frozen=True,
    )


class PermissionsSettings(_Model):
    """``permissions``: rules, the default mode, extra directories."""

    allow: list[str] = Field(default_factory=list)
    ask: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    additional_directories: list[str] = Field(default_factory=list)
    default_mode: SettingsMode | None = None
    disable_bypass_permissions_mode: Literal["disable"] | None = None


class HookCommand(_Model):
    """One hook handler (``type`` command, http, prompt, agent or mcp_tool)."""

    type: Literal["command", "http", "prompt", "agent", "mcp_tool"]
    command: str | None = None
    args: list[str] | None = None
    shell: str | None = None
    url: str | None = None
    headers: dict[str, str] | None = None
    allowed_env_vars: list[str] | None = None
    prompt: str | None = None
    server: str | None = None
    tool: str | None = None
    input: dict[str, Any] | None = None
    timeout: float | None = Field(default=None, ge=0)
    async_: bool | None = Field(default=None, alias="async")
    if_: str | None = Field(default=None, alias="if")

    @model_validator(mode="after")
    def _required_for_type(self) -> HookCommand:
        needed = _HOOK_REQUIRES[self.type]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type!r} hook needs {' and '.join(missing)}")
        return self


_HOOK_REQUIRES: dict[str, tuple[str, ...]] = {
    "command": ("command",),
    "http": ("url",),
    "prompt": ("prompt",),
    "agent": ("prompt",),
    "mcp_tool": ("server", "tool"),
}


class HookMatcher(_Model):
    """A matcher group: which tool (or event value) it fires for, and its handlers."""

    matcher: str | None = None
    hooks: list[HookCommand]


class StatusLine(_Model):
    """``statusLine``: a command whose output the terminal client shows under the prompt."""

    type: Literal["command"] = "command"
    command: str
    padding: int | None = None


class SandboxNetwork(_Model):
    """``sandbox.network``."""

    allowed_domains: list[str] = Field(default_factory=list)
    allow_unix_sockets: list[str] = Field(default_factory=list)
    allow_local_binding: bool | None = None
    allow_managed_domains_only: bool | None = None


class SandboxFilesystem(_Model):
    """``sandbox.filesystem``: extra places sandboxed commands may write."""

    allow_write: list[str] = Field(default_factory=list)


class SandboxSettings(_Model):
    """``sandbox``: run Bash commands under bubblewrap."""

    enabled: bool = False
    fail_if_unavailable: bool | None = None
    auto_allow_bash_if_sandboxed: bool | None = None
    allow_unsandboxed_commands: bool | None = None
    excluded_commands: list[str] = Field(default_factory=list)
    network: SandboxNetwork = Field(default_factory=SandboxNetwork)
    filesystem: SandboxFilesystem = Field(default_factory=SandboxFilesystem)


class Settings(_Model):
    """One settings file, or the merge of all of them."""

    model: str | None = None
    available_models: list[str] | None = None
    permissions: PermissionsSettings = Field(default_factory=PermissionsSettings)
    hooks: dict[str, list[HookMatcher]] = Field(default_factory=dict)
    disable_all_hooks: bool | None = None
    allow_managed_hooks_only: bool | None = None
    allow_managed_permission_rules_only: bool | None = None
    env: dict[str, str] = Field(default_factory=dict)
    api_key_helper: str | None = None
    status_line: StatusLine | None = None
    cleanup_period_days: int | None = Field(default=None, ge=0)
    include_co_authored_by: bool | None = None
    output_style: str | None = None
    always_thinking_enabled: bool | None = None
    force_login_method: Literal["claudeai", "console"] | None = None
    force_login_org_uuid: str | list[str] | None = Field(default=None, alias="forceLoginOrgUUID")
    enable_all_project_mcp_servers: bool | None = None
    enabled_mcpjson_servers: list[str] | None = None
    disabled_mcpjson_servers: list[str] | None = None
    company_announcements: list[str] | None = None
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)

    def extra_keys(self) -> list[str]:
        """Top-level keys this model does not know (kept, ignored)."""
        return sorted(self.model_extra or {})
