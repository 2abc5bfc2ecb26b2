"""The HTTP API edge, end to end: a real daemon process with ``--http``, a real HTTP client
(httpx), the fake Anthropic API as the model, and a socket client on the same live session."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from claude_cli._rpc import RpcClient
from claude_server.http import ROUTES, openapi_document
from fake_anthropic import FakeAnthropic, ToolUse, Turn
from support.daemon import SERVER_CMD, Updates, _drain, daemon_env, initialize

ANSWER = "Hello over HTTP, and to the terminal watching too."


@dataclass
class HttpDaemon:
    url: str
    socket: Path
    token: str
    stderr: list[str]

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def connect(self, on_request: Any = None) -> tuple[RpcClient, Updates]:
        reader, writer = await asyncio.open_unix_connection(str(self.socket))
        updates = Updates()
        client = RpcClient(reader, writer, updates, on_request=on_request)
        await asyncio.wait_for(initialize(client, answers=on_request is not None), 30)
        return client, updates


@contextlib.asynccontextmanager
async def http_daemon(home: Path, base_url: str | None, *extra: str) -> AsyncIterator[HttpDaemon]:
    sock = home / "run" / "daemon.sock"
    proc = await asyncio.create_subprocess_exec(
        *SERVER_CMD,
        "--listen",
        f"unix:{sock}",
        "--http",
        "127.0.0.1:0",
        *extra,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=daemon_env(home, base_url),
    )
    assert proc.stderr is not None
    stderr: list[str] = []
    url = None
    drain = None
    try:
        async with asyncio.timeout(30):
            while url is None:
                line = (await proc.stderr.readline()).decode()
                if not line:
                    raise RuntimeError("daemon exited early:\n" + "\n".join(stderr))
                stderr.append(line.rstrip())
                if m := re.search(r"listening on (http://\S+)", line):
                    url = m.group(1)
        drain = asyncio.create_task(_drain(proc.stderr, stderr))
        token = (home / "tcp-token").read_text().strip()
        yield HttpDaemon(url, sock, token, stderr)
    finally:
        if proc.returncode is None:
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 10)
        if drain is not None:
            drain.cancel()


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def test_every_request_needs_the_token(home: Path) -> None:
    async with http_daemon(home, None) as d, httpx.AsyncClient(base_url=d.url) as http:
        assert stat.S_IMODE((home / "tcp-token").stat().st_mode) == 0o600
        anonymous = await http.get("/health")
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["code"] == "unauthorized"
        wrong = await http.get("/health", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = await http.get("/health", headers=d.auth())
        assert ok.status_code == 200
        health = ok.json()
        assert health["status"] == "ok" and health["liveSessions"] == 0
        assert health["version"] and isinstance(health["pid"], int)
        assert d.token not in "\n".join(d.stderr)
    assert not (home / "tcp-token").exists()


async def test_host_and_origin_rule_out_web_pages(home: Path) -> None:
    async with http_daemon(home, None) as d, httpx.AsyncClient(base_url=d.url) as http:
        # A rebinding page reaches 127.0.0.1 under its own name: refused even with the token.
        rebound = await http.get("/health", headers={**d.auth(), "Host": "evil.example:80"})
        assert rebound.status_code == 403
        assert rebound.json()["error"]["code"] == "forbidden_host"
        cross = await http.get("/health", headers={**d.auth(), "Origin": "https://evil.example"})
        assert cross.status_code == 403
        assert cross.json()["error"]["code"] == "forbidden_origin"
        preflight = await http.options("/chat", headers={"Origin": "https://evil.example"})
        assert preflight.status_code == 403
        assert "access-control-allow-origin" not in preflight.headers
        local = await http.get("/health", headers={**d.auth(), "Host": "localhost"})
        assert local.status_code == 200


async def test_cors_only_for_configured_origins(home: Path) -> None:
    app = "http://app.localhost:5173"
    async with (
        http_daemon(home, None, "--http-cors", app) as d,
        httpx.AsyncClient(base_url=d.url) as http,
    ):
        preflight = await http.options(
            "/chat",
            headers={"Origin": app, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == app
        assert "Authorization" in preflight.headers["access-control-allow-headers"]
        answered = await http.get("/health", headers={**d.auth(), "Origin": app})
        assert answered.status_code == 200
        assert answered.headers["access-control-allow-origin"] == app
        # The token is still needed from an allowed origin.
        assert (await http.get("/health", headers={"Origin": app})).status_code == 401


async def test_chat_streams_to_http_and_a_socket_client_sees_the_same_turn(
    home: Path, fake: FakeAnthropic
) -> None:
    fake.add_turns(Turn.text(ANSWER, text_chunk=7))
    async with http_daemon(home, fake.base_url) as d, httpx.AsyncClient(base_url=d.url) as http:
        terminal, seen = await d.connect()
        sid = (await terminal.request("session/new", {"cwd": str(home)}))["sessionId"]
        body = {"prompt": "say hello", "sessionId": sid}
        async with http.stream("POST", "/chat", json=body, headers=d.auth(), timeout=30) as r:
            assert r.status_code == 200
            assert r.headers["content-type"] == "text/event-stream"
            text = (await r.aread()).decode()
        events = sse_events(text)
        names = [name for name, _ in events]
        assert names[0] == "session" and events[0][1] == {"sessionId": sid}
        assert names[-1] == "result" and set(names[1:-1]) == {"update"}
        result = events[-1][1]
        assert result["sessionId"] == sid and result["stopReason"] == "end_turn"
        assert result["text"] == ANSWER and result["usage"]["outputTokens"] > 0
        streamed = [data for name, data in events if name == "update"]
        chunks = [
            u["update"]["text"] for u in streamed if u["update"]["kind"] == "agent_message_chunk"
        ]
        assert "".join(chunks) == ANSWER and len(chunks) > 1

        await seen.wait_for("turn_completed")
        # The socket client saw exactly the updates the HTTP client streamed, seq for seq.
        assert seen.items == streamed
        assert [u["seq"] for u in streamed] == list(
            range(streamed[0]["seq"], streamed[-1]["seq"] + 1)
        )

        got = (await http.get(f"/sessions/{sid}", headers=d.auth())).json()
        assert got["messages"] == [
            {"role": "user", "text": "say hello"},
            {"role": "assistant", "text": ANSWER},
        ]
        assert got["busy"] is False and got["cwd"] == str(home)
        listed = (await http.get("/sessions", headers=d.auth())).json()
        assert [s["sessionId"] for s in listed["sessions"]] == [sid]
        assert fake.requests[-1].body["messages"][0]["content"][0]["text"] == "say hello"
        await terminal.close()


async def test_a_permission_for_an_http_chat_is_answered_by_another_client(
    home: Path, fake: FakeAnthropic, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    bash = ToolUse(name="Bash", input={"command": "touch made.txt"}, id="tu_1")
    fake.add_turns(Turn(blocks=[bash]), Turn.text("made it"), Turn(blocks=[bash]), Turn.text("no"))
    asked: list[dict[str, Any]] = []

    async def allow(method: str, params: Any) -> Any:
        asked.append(params)
        return {"outcome": {"outcome": "selected", "optionId": "allow_once"}}

    async with http_daemon(home, fake.base_url) as d, httpx.AsyncClient(base_url=d.url) as http:
        terminal, _ = await d.connect(on_request=allow)
        sid = (await terminal.request("session/new", {"cwd": str(project)}))["sessionId"]
        chat = {"prompt": "make it", "sessionId": sid, "stream": False}
        result = (await http.post("/chat", json=chat, headers=d.auth(), timeout=30)).json()
        assert result["text"] == "made it"
        assert [a["toolCall"]["toolName"] for a in asked] == ["Bash"]
        assert (project / "made.txt").exists()
        await terminal.close()

        # With nobody able to answer, the call is refused and the model is told why.
        (project / "made.txt").unlink()
        alone = {"prompt": "again", "cwd": str(project), "stream": False}
        assert (await http.post("/chat", json=alone, headers=d.auth(), timeout=30)).json()[
            "text"
        ] == "no"
        assert not (project / "made.txt").exists()
        refused = fake.message_requests[-1].body
        assert refused is not None
        assert "Permission needed" in refused["messages"][-1]["content"][0]["content"]


async def test_chat_as_one_json_result_in_a_new_session(home: Path, fake: FakeAnthropic) -> None:
    fake.add_turns(Turn.text("First."), Turn.text("Second, same session."))
    project = home / "project"
    project.mkdir()
    async with http_daemon(home, fake.base_url) as d, httpx.AsyncClient(base_url=d.url) as http:
        first = await http.post(
            "/chat",
            json={"prompt": "one", "cwd": str(project), "stream": False},
            headers=d.auth(),
            timeout=30,
        )
        assert first.status_code == 200 and first.headers["content-type"] == "application/json"
        result = first.json()
        assert result["text"] == "First." and result["stopReason"] == "end_turn"
        again = await http.post(
            "/chat",
            json={"prompt": "two", "sessionId": result["sessionId"], "stream": False},
            headers=d.auth(),
            timeout=30,
        )
        assert again.json()["text"] == "Second, same session."
        # The second request carried the first exchange: it is one conversation.
        texts = [m["content"][0]["text"] for m in fake.requests[-1].body["messages"]]
        assert texts == ["one", "First.", "two"]
        health = (await http.get("/health", headers=d.auth())).json()
        assert health["liveSessions"] == 1 and health["busySessions"] == 0


async def test_bad_requests_get_json_errors_in_the_taxonomy(home: Path) -> None:
    async with http_daemon(home, None) as d, httpx.AsyncClient(base_url=d.url) as http:
        auth = d.auth()

        async def post(content: bytes, **headers: str) -> httpx.Response:
            return await http.post(
                "/chat",
                content=content,
                headers={**auth, "Content-Type": "application/json", **headers},
            )

        cases = [
            (await post(b"{not json"), 400, "bad_request"),
            (await post(b"[1, 2]"), 400, "protocol_violation"),
            (await post(b'{"cwd": "/"}'), 400, "invalid_params"),
            (await post(b'{"prompt": "hi"}'), 400, "protocol_violation"),
            (await post(b'{"prompt": "hi", "cwd": "relative/dir"}'), 400, "protocol_violation"),
            (await post(b'{"prompt": "hi", "sessionId": "no-such"}'), 404, "session_not_found"),
            (await post(b"{}", **{"Content-Type": "text/plain"}), 415, "bad_request"),
            (await http.get("/chat", headers=auth), 405, "method_not_allowed"),
            (await http.get("/nowhere", headers=auth), 404, "not_found"),
            (await http.get("/sessions?limit=0", headers=auth), 400, "protocol_violation"),
            (await http.get("/sessions/no-such", headers=auth), 404, "session_not_found"),
        ]
        for response, status, code in cases:
            assert (response.status_code, response.json()["error"]["code"]) == (status, code), (
                response.request.url,
                response.text,
            )
        missing = cases[2][0].json()["error"]["message"]
        assert "prompt" in missing

        # A body too large is refused from its Content-Length, before it is read.
        reader, writer = await asyncio.open_connection("127.0.0.1", int(d.url.rsplit(":", 1)[1]))
        writer.write(
            b"POST /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + d.token.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n"
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.read(), 10)
        assert head.startswith(b"HTTP/1.1 413 ")
        writer.close()
        await writer.wait_closed()
        assert (await http.get("/health", headers=auth)).status_code == 200  # still serving


async def test_the_openapi_document_describes_every_route(home: Path) -> None:
    async with http_daemon(home, None) as d, httpx.AsyncClient(base_url=d.url) as http:
        served = (await http.get("/openapi.json", headers=d.auth())).json()
    assert served == json.loads(json.dumps(openapi_document()))
    assert served["openapi"].startswith("3.1")
    operations = {(m.upper(), path) for path, item in served["paths"].items() for m in item}
    assert operations == {(r.method, r.path) for r in ROUTES}
    schemas = served["components"]["schemas"]
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(served))
    assert refs and all(ref in schemas for ref in refs)
    chat = schemas["ChatRequest"]
    assert chat["required"] == ["prompt"] and "sessionId" in chat["properties"]


def test_protocol_md_lists_every_route() -> None:
    doc = (Path(__file__).parents[2] / "protocol.md").read_text()
    section = doc[doc.index("## The HTTP API") :]
    documented = set(re.findall(r"^\| `(GET|POST) (/[^`]*)` \|", section, flags=re.M))
    assert documented == {(r.method, r.path) for r in ROUTES}
