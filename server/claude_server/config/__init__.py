"""Configuration: file locations, environment settings, Claude Code settings files and memory.

- :func:`load_settings` reads and merges ``~/.claude/settings.json``, ``.claude/settings.json``,
  ``.claude/settings.local.json``, command-line settings and the managed settings file, keeping
  for every permission rule the file it came from; :class:`SettingsWatcher` reloads them when a
  file changes; :func:`add_permission_rule` writes "allow always" rules to the local file.
- :func:`collect_memory` gathers the ``CLAUDE.md`` files (with ``@path`` imports) and
  :func:`render_memory` turns them into system-prompt text.
"""

from claude_server.config._env import (
    DEFAULT_BASE_URL,
    DEFAULT_CLIENT_LOG_LEVEL,
    DEFAULT_DAEMON_LOG_LEVEL,
    DEFAULT_MAX_TOKENS,
    DEFAULT_MODEL,
    LOG_LEVEL_ENV,
    EnvSettings,
    env_settings,
    log_level,
)
from claude_server.config._hooks import HooksConfig, parse_hooks
from claude_server.config._loader import (
    BEHAVIORS,
    SCOPES,
    LoadedSettings,
    SettingsProblem,
    SettingsScope,
    SettingsSource,
    SourcedRule,
    load_settings,
    merge_settings,
    validate_settings,
)
from claude_server.config._memory import (
    MAX_IMPORT_DEPTH,
    MemoryFile,
    MemoryKind,
    collect_memory,
    render_memory,
)
from claude_server.config._paths import (
    APP_NAME,
    MANAGED_MEMORY_PATH,
    MANAGED_SETTINGS_PATH,
    claude_config_dir,
    claude_json_path,
    data_dir,
    default_socket_path,
    ensure_private_dir,
    local_settings_path,
    log_dir,
    project_settings_path,
    runtime_dir,
    token_path,
    user_home,
    user_settings_path,
)
from claude_server.config._settings import (
    HOOK_EVENTS,
    HookCommand,
    HookEvent,
    HookMatcher,
    PermissionsSettings,
    SandboxFilesystem,
    SandboxNetwork,
    SandboxSettings,
    Settings,
    StatusLine,
)
from claude_server.config._token_file import TokenFile
from claude_server.config._trust import TrustStore, strip_untrusted
from claude_server.config._watch import SettingsWatcher
from claude_server.config._write import add_permission_rule, atomic_write, enable_mcp_servers

__all__ = [
    "APP_NAME",
    "BEHAVIORS",
    "DEFAULT_BASE_URL",
    "DEFAULT_CLIENT_LOG_LEVEL",
    "DEFAULT_DAEMON_LOG_LEVEL",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_MODEL",
    "HOOK_EVENTS",
    "LOG_LEVEL_ENV",
    "MANAGED_MEMORY_PATH",
    "MANAGED_SETTINGS_PATH",
    "MAX_IMPORT_DEPTH",
    "SCOPES",
    "EnvSettings",
    "HookCommand",
    "HookEvent",
    "HookMatcher",
    "HooksConfig",
    "LoadedSettings",
    "MemoryFile",
    "MemoryKind",
    "PermissionsSettings",
    "SandboxFilesystem",
    "SandboxNetwork",
    "SandboxSettings",
    "Settings",
    "SettingsProblem",
    "SettingsScope",
    "SettingsSource",
    "SettingsWatcher",
    "SourcedRule",
    "StatusLine",
    "TokenFile",
    "TrustStore",
    "add_permission_rule",
    "atomic_write",
    "claude_config_dir",
    "claude_json_path",
    "collect_memory",
    "data_dir",
    "default_socket_path",
    "enable_mcp_servers",
    "ensure_private_dir",
    "env_settings",
    "load_settings",
    "local_settings_path",
    "log_dir",
    "log_level",
    "merge_settings",
    "parse_hooks",
    "project_settings_path",
    "render_memory",
    "runtime_dir",
    "strip_untrusted",
    "token_path",
    "user_home",
    "user_settings_path",
    "validate_settings",
]
