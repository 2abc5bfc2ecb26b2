"""Finding the credential to use.

Only the environment is consulted for now; the keyring, ``apiKeyHelper`` and Claude Code's OAuth
login come with the complete auth work.
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
