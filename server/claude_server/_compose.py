"""The composition root: builds the application layer from the environment, once, in order.

Nothing here decides anything at run time; each part is constructed complete (no attribute is
assigned after construction) and handed to the next. No edge is imported here: each entry
point puts its own edge over the application (``claude-py -p`` must not load pygls).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from claude_server.auth import CredentialResolver
from claude_server.config import TrustStore, claude_json_path, env_settings, load_settings
from claude_server.engine import EngineDeps, EngineLimits, SessionManager
from claude_server.provider import resolve_model
from claude_server.services import (
    Application,
    ClientHub,
    HubBridge,
    ProjectRegistry,
    ProviderPool,
    Reports,
    SlashCommands,
)
from claude_server.sessions import ClaudeCodeTranscripts, SessionStore
from claude_server.tools import close_tool_state


def build_application(
    data_dir: Path, env: Mapping[str, str] | None = None, *, persist: bool = True
) -> Application:
    """The daemon's application layer, wired; ``data_dir`` holds sessions and sockets
    (``persist=False``: new sessions live in memory only, as ``--no-session-persistence``)."""
    env = dict(os.environ if env is None else env)
    settings = env_settings(env)
    user_home = Path(env.get("HOME") or Path.home())
    # apiKeyHelper is a user-level setting: read it from the user's (and managed) settings.
    user_settings = load_settings(user_home, home=user_home, env=env).settings
    credentials = CredentialResolver(
        env, api_key_helper=user_settings.api_key_helper, home=user_home
    )
    hub = ClientHub()
    trust = TrustStore(
        data_dir / TrustStore.FILE_NAME,
        home=user_home,
        claude_json=claude_json_path(env, user_home),
    )
    projects = ProjectRegistry(user_home, env, trust)
    providers = ProviderPool(credentials, env)
    deps = EngineDeps(
        providers=providers,
        projects=projects,
        limits=EngineLimits(
            default_model=resolve_model(settings.model),
            max_tokens=settings.max_tokens,
            small_model=resolve_model("haiku"),
        ),
        bridge=HubBridge(hub),
        home=user_home,
        close_tool_state=close_tool_state,
    )
    sessions = SessionManager(
        deps,
        SessionStore(data_dir / "sessions") if persist else None,
        ClaudeCodeTranscripts.from_env(env, home=user_home),
    )
    commands = SlashCommands(sessions, projects, Reports(credentials))
    return Application(
        sessions=sessions,
        projects=projects,
        commands=commands,
        credentials=credentials,
        providers=providers,
        hub=hub,
        data_dir=data_dir,
    )
