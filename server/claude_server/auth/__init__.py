"""Credentials for the model API: where they come from and how they are sent.

:class:`CredentialResolver` is the full resolver (environment, ``apiKeyHelper``, the system
keyring, Claude Code's OAuth login) with login, logout, status and invalidation;
:func:`resolve_credential` is the synchronous, environment-only lookup.

The key ``auth/login`` stores lives in the system keyring under service ``claude-py``, user
``api-key`` (:data:`KEYRING_SERVICE`, :data:`KEYRING_USERNAME`).
"""

from claude_server.auth._credential import Credential, CredentialKind
from claude_server.auth._env import CREDENTIAL_ENV_VARS, without_credentials
from claude_server.auth._helper import DEFAULT_HELPER_TTL, HELPER_TTL_ENV
from claude_server.auth._keyring import KEYRING_SERVICE, KEYRING_USERNAME
from claude_server.auth._oauth import (
    CLAUDE_CODE_KEYCHAIN_SERVICE,
    OAUTH_BETA,
    OAUTH_CLIENT_ID,
    OAUTH_TOKEN_URL,
    TOKEN_URL_ENV,
)
from claude_server.auth._resolve import MISSING_CREDENTIAL_HELP, resolve_credential
from claude_server.auth._resolver import (
    NO_CREDENTIAL_HELP,
    SOURCES,
    AuthStatus,
    CredentialResolver,
    SourceName,
    SourceStatus,
)

__all__ = [
    "CLAUDE_CODE_KEYCHAIN_SERVICE",
    "CREDENTIAL_ENV_VARS",
    "DEFAULT_HELPER_TTL",
    "HELPER_TTL_ENV",
    "KEYRING_SERVICE",
    "KEYRING_USERNAME",
    "MISSING_CREDENTIAL_HELP",
    "NO_CREDENTIAL_HELP",
    "OAUTH_BETA",
    "OAUTH_CLIENT_ID",
    "OAUTH_TOKEN_URL",
    "SOURCES",
    "TOKEN_URL_ENV",
    "AuthStatus",
    "Credential",
    "CredentialKind",
    "CredentialResolver",
    "SourceName",
    "SourceStatus",
    "resolve_credential",
    "without_credentials",
]
