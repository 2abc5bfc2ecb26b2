"""Configuration: file locations and settings."""

from claude_server.config._env import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_TOKENS,
    DEFAULT_MODEL,
    EnvSettings,
    env_settings,
)
from claude_server.config._paths import (
    APP_NAME,
    data_dir,
    default_socket_path,
    ensure_private_dir,
    log_dir,
    runtime_dir,
    token_path,
)

__all__ = [
    "APP_NAME",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_MODEL",
    "EnvSettings",
    "data_dir",
    "default_socket_path",
    "ensure_private_dir",
    "env_settings",
    "log_dir",
    "runtime_dir",
    "token_path",
]
