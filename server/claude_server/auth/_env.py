"""The environment variables that carry the daemon's own credentials.

Processes the daemon starts for the model (Bash commands, MCP servers) do not inherit them: a
command the model runs has no business reading the user's API key. Settings that name one on
purpose (an MCP server's ``env``, the settings' ``env``) still pass it.
"""

from __future__ import annotations

from collections.abc import Mapping

CREDENTIAL_ENV_VARS = frozenset(
    {
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "CLAUDE_CODE_OAUTH_TOKEN",
    }
)
"""Variables holding a credential of the daemon."""


def without_credentials(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` less the daemon's credential variables."""
    return {k: v for k, v in env.items() if k not in CREDENTIAL_ENV_VARS}
