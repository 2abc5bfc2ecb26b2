"""The environment-only credential lookup, for synchronous callers.

:class:`~claude_server.auth.CredentialResolver` consults every source (environment,
``apiKeyHelper``, the system keyring, Claude Code's login); this function only the first two.
"""

from __future__ import annotations

from collections.abc import Mapping

from claude_server.auth._credential import Credential
from claude_server.errors import AuthError

MISSING_CREDENTIAL_HELP = (
    "No API credential found: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) "
    "in the daemon's environment."
)


def resolve_credential(env: Mapping[str, str]) -> Credential:
    """The first credential found in ``env``, or :class:`AuthError` saying how to provide one."""
    if key := env.get("ANTHROPIC_API_KEY", "").strip():
        return Credential(kind="api_key", secret=key, source="env:ANTHROPIC_API_KEY")
    if token := env.get("ANTHROPIC_AUTH_TOKEN", "").strip():
        return Credential(kind="bearer", secret=token, source="env:ANTHROPIC_AUTH_TOKEN")
    raise AuthError(MISSING_CREDENTIAL_HELP)
