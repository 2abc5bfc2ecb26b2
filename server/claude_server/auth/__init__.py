"""Credentials for the model API: where they come from and how they are sent."""

from claude_server.auth._credential import Credential, CredentialKind
from claude_server.auth._resolve import MISSING_CREDENTIAL_HELP, resolve_credential

__all__ = ["MISSING_CREDENTIAL_HELP", "Credential", "CredentialKind", "resolve_credential"]
