"""No credential ever shows up in logs, errors, reprs or auth status."""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

import pytest
from claude_server.auth import CLAUDE_CODE_KEYCHAIN_SERVICE, Credential, CredentialResolver
from claude_server.errors import ClaudePyError
from keyring.backend import KeyringBackend

from ._support import Clock, TokenServer, base_env, oauth_document, write_credentials


class Leaks:
    """Distinctive secrets and everything observable that must not contain them."""

    def __init__(self) -> None:
        self.markers: dict[str, str] = {}
        self.seen: list[str] = []

    def secret(self, label: str, prefix: str = "") -> str:
        marker = secrets.token_hex(12)
        self.markers[label] = marker
        return f"{prefix}LEAK{label}{marker}"

    def credential(self, credential: Credential) -> Credential:
        self.seen += [repr(credential), str(credential)]
        return credential

    def error(self, error: ClaudePyError) -> None:
        self.seen += [str(error), repr(error), json.dumps(error.to_dict()), repr(error.args)]

    async def status(self, resolver: CredentialResolver) -> None:
        status = await resolver.status()
        self.seen += [repr(status), json.dumps(status.to_dict()), repr(resolver)]

    def assert_clean(self, caplog: pytest.LogCaptureFixture) -> None:
        logged = [
            record.getMessage() + (record.exc_text or "") + repr(record.args)
            for record in caplog.records
        ]
        assert logged, "nothing was logged: the capture is not working"
        text = "\n".join(self.seen + logged + [caplog.text])
        leaked = [label for label, marker in self.markers.items() if marker in text]
        assert leaked == [], f"secrets leaked: {leaked}"


async def test_no_secret_in_logs_errors_or_status(
    tmp_path: Path,
    secret_service: KeyringBackend,
    token_server: TokenServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    leaks = Leaks()
    clock = Clock()
    now_ms = int(clock.now * 1000)

    api_key = leaks.secret("envkey", "sk-ant-api03-")
    auth_token = leaks.secret("envtoken")
    base_url_password = leaks.secret("baseurlpw")
    helper_key = leaks.secret("helper", "sk-ant-api03-")
    keyring_key = leaks.secret("keyring", "sk-ant-api03-")
    keychain_access = leaks.secret("kcaccess", "sk-ant-oat01-")
    keychain_refresh = leaks.secret("kcrefresh", "sk-ant-ort01-")
    file_access = leaks.secret("fileaccess", "sk-ant-oat01-")
    file_refresh = leaks.secret("filerefresh", "sk-ant-ort01-")
    new_access = leaks.secret("newaccess", "sk-ant-oat01-")
    new_refresh = leaks.secret("newrefresh", "sk-ant-ort01-")
    helper_stdout = leaks.secret("helperstdout")
    helper_stderr = leaks.secret("helperstderr")
    helper_arg = leaks.secret("helperarg")
    bad_login = leaks.secret("badlogin", "sk-ant-api03-")
    pasted_oauth = leaks.secret("pastedoauth", "sk-ant-oat01-")

    good_helper = tmp_path / "good.sh"
    good_helper.write_text(f"#!/bin/sh\necho {helper_key}\n")
    good_helper.chmod(0o755)
    bad_helper = tmp_path / "bad.sh"
    bad_helper.write_text(f"#!/bin/sh\necho {helper_stdout}\necho {helper_stderr} >&2\nexit 2\n")
    bad_helper.chmod(0o755)

    env = base_env(
        ANTHROPIC_API_KEY=api_key,
        ANTHROPIC_AUTH_TOKEN=auth_token,
        ANTHROPIC_BASE_URL=f"https://user:{base_url_password}@gateway.example",
    )

    def resolver(helper: str | None) -> CredentialResolver:
        return CredentialResolver(
            env,
            api_key_helper=helper,
            home=tmp_path,
            keyring_backend=secret_service,
            user="tester",
            token_url=token_server.url,
            clock=clock,
        )

    secret_service.set_password(
        CLAUDE_CODE_KEYCHAIN_SERVICE,
        "tester",
        json.dumps(
            oauth_document(
                access=keychain_access, refresh=keychain_refresh, expires_at_ms=now_ms + 3_600_000
            )
        ),
    )
    credentials_file = write_credentials(
        tmp_path,
        oauth_document(access=file_access, refresh=file_refresh, expires_at_ms=now_ms - 1),
    )
    main = resolver(str(good_helper))
    await main.login(keyring_key)

    # Every source in turn, from the top; the status is taken at each step.
    expected = [
        ("ANTHROPIC_API_KEY", api_key),
        ("ANTHROPIC_AUTH_TOKEN", auth_token),
        (None, helper_key),
    ]
    for variable, secret in expected:
        await leaks.status(main)
        assert leaks.credential(await main.resolve()).secret == secret
        if variable:
            del env[variable]
    await main.invalidate()

    failing = resolver(f"{bad_helper} {helper_arg}")
    await leaks.status(failing)
    with pytest.raises(ClaudePyError) as caught:
        await failing.resolve()
    leaks.error(caught.value)

    plain = resolver(None)
    for bad in (f"{bad_login} x", pasted_oauth, f"{bad_login}\u00e9"):
        with pytest.raises(ClaudePyError) as caught:
            await plain.login(bad)
        leaks.error(caught.value)
    await leaks.status(plain)
    assert leaks.credential(await plain.resolve()).secret == keyring_key
    assert await plain.logout()

    await leaks.status(plain)
    assert leaks.credential(await plain.resolve()).secret == keychain_access
    await plain.invalidate()
    secret_service.delete_password(CLAUDE_CODE_KEYCHAIN_SERVICE, "tester")

    # The file's login is expired: refreshed, with new secrets from the token endpoint.
    token_server.reply(
        200, {"access_token": new_access, "refresh_token": new_refresh, "expires_in": 3600}
    )
    await leaks.status(plain)
    assert leaks.credential(await plain.resolve()).secret == new_access
    await leaks.status(plain)

    # A refresh the endpoint refuses, with every secret echoed in its answer.
    document = json.loads(credentials_file.read_text())
    document["claudeAiOauth"]["expiresAt"] = now_ms - 1
    credentials_file.write_text(json.dumps(document))
    echo = " ".join([new_refresh, new_access, file_refresh, keychain_refresh])
    token_server.reply(401, {"error": echo, "error_description": echo})
    with pytest.raises(ClaudePyError) as caught:
        await plain.resolve()
    leaks.error(caught.value)
    token_server.reply(400, echo.encode())
    with pytest.raises(ClaudePyError) as caught:
        await plain.resolve()
    leaks.error(caught.value)
    await leaks.status(plain)

    # The token endpoint did receive the refresh tokens (so they were really in play).
    assert [r.body["refresh_token"] for r in token_server.requests] == [
        file_refresh,
        new_refresh,
        new_refresh,
    ]
    leaks.assert_clean(caplog)
