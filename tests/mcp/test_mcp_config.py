"""MCP config files: shapes, precedence, ``${VAR}`` expansion and readable problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from claude_server.mcp import (
    RemoteServerConfig,
    StdioServerConfig,
    expand_vars,
    load_mcp_config,
    load_mcp_files,
    parse_mcp_json,
)

FIXTURES = Path(__file__).parent / "fixtures"


def write(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("template", "env", "expected", "missing"),
    [
        # Cases written from Claude Code's MCP docs (env-var expansion section).
        ("${API_BASE_URL:-https://api.example.com}/mcp", {}, "https://api.example.com/mcp", []),
        (
            "${API_BASE_URL:-https://api.example.com}/mcp",
            {"API_BASE_URL": "https://staging.example.com"},
            "https://staging.example.com/mcp",
            [],
        ),
        ("Bearer ${API_KEY}", {"API_KEY": "k123"}, "Bearer k123", []),
        ("Bearer ${API_KEY}", {}, "Bearer ${API_KEY}", ["API_KEY"]),
        ("${A}-${B:-b}-${C}", {"A": "a"}, "a-b-${C}", ["C"]),
        ("${EMPTY:-fallback}", {"EMPTY": ""}, "fallback", []),
        ("${EMPTY}", {"EMPTY": ""}, "", []),
        ("$HOME and ${not valid}", {"HOME": "/h"}, "$HOME and ${not valid}", []),
        ("${X:-}", {}, "", []),
    ],
)
def test_expand_vars(template: str, env: dict[str, str], expected: str, missing: list[str]) -> None:
    assert expand_vars(template, env) == (expected, missing)


def test_real_fixtures_load() -> None:
    action = FIXTURES / "claude-code-action_base-action_test_mcp-test.mcp.json"
    spotter = FIXTURES / "spotter.mcp.json"
    config = load_mcp_files([action, spotter], environ={})
    assert config.problems == []
    test_server = config.servers["test-server"]
    assert isinstance(test_server, StdioServerConfig)
    assert (test_server.command, test_server.args, test_server.env) == (
        "bun",
        ["simple-mcp-server.ts"],
        {},
    )
    assert test_server.name == "test-server" and test_server.source == str(action)
    tidewave = config.servers["tidewave"]
    assert isinstance(tidewave, RemoteServerConfig)
    assert tidewave.type == "http" and tidewave.url.endswith("/tidewave/mcp")
    chrome = config.servers["chrome-devtools"]
    assert isinstance(chrome, StdioServerConfig)
    assert chrome.type == "stdio" and chrome.args[0] == "-y"


def test_expansion_in_every_documented_field() -> None:
    text = json.dumps(
        {
            "mcpServers": {
                "db": {
                    "command": "${ROOT}/servers/db-server",
                    "args": ["--config", "${ROOT}/config.json"],
                    "env": {"DB_URL": "${DB_URL:-postgres://localhost}"},
                    "cwdNotExpanded": "${ROOT}",
                },
                "api": {
                    "type": "http",
                    "url": "${API_BASE_URL:-https://api.example.com}/mcp",
                    "headers": {"Authorization": "Bearer ${API_KEY}"},
                },
            }
        }
    )
    servers, problems = parse_mcp_json(
        text, source="x.json", environ={"ROOT": "/plug", "API_KEY": "k"}
    )
    assert problems == []
    db = servers["db"]
    assert isinstance(db, StdioServerConfig)
    assert db.command == "/plug/servers/db-server"
    assert db.args == ["--config", "/plug/config.json"]
    assert db.env == {"DB_URL": "postgres://localhost"}
    api = servers["api"]
    assert isinstance(api, RemoteServerConfig)
    assert api.url == "https://api.example.com/mcp"
    assert api.headers == {"Authorization": "Bearer k"}


def test_missing_variable_is_a_problem_naming_server_and_variable() -> None:
    text = json.dumps(
        {"mcpServers": {"api": {"type": "sse", "url": "https://x", "headers": {"K": "${TOKEN}"}}}}
    )
    servers, problems = parse_mcp_json(text, source="/p/.mcp.json", environ={})
    # As in Claude Code, the server still loads with the text unexpanded.
    api = servers["api"]
    assert isinstance(api, RemoteServerConfig) and api.headers == {"K": "${TOKEN}"}
    assert problems == [
        "/p/.mcp.json: mcpServers.api.headers.K: environment variable TOKEN is not set "
        "and has no default"
    ]


def test_project_wins_and_bad_files_do_not_stop_the_rest(tmp_path: Path) -> None:
    project, home = tmp_path / "proj", tmp_path / "home"
    write(
        home / ".claude" / "mcp.json",
        {"mcpServers": {"shared": {"command": "user-cmd"}, "mine": {"command": "m"}}},
    )
    write(
        project / ".claude" / "mcp.json",
        {"mcpServers": {"shared": {"command": "claude-dir"}, "other": {"command": "o"}}},
    )
    write(
        project / ".mcp.json",
        {
            "mcpServers": {
                "shared": {"command": "project", "unknownKey": 1},
                "nocmd": {"args": []},
                "badtype": {"type": "websocket", "url": "ws://x"},
                "badargs": {"command": "x", "args": "not-a-list"},
                "notobj": 3,
            }
        },
    )
    config = load_mcp_config(project, home=home, environ={})
    shared = config.servers["shared"]
    assert isinstance(shared, StdioServerConfig) and shared.command == "project"
    assert set(config.servers) == {"shared", "mine", "other"}
    mcp_json = project / ".mcp.json"
    assert f"{mcp_json}: mcpServers.nocmd: command: this required field is missing" in (
        config.problems
    )
    assert any(
        p.startswith(f"{mcp_json}: mcpServers.badtype: type: must be") and "websocket" in p
        for p in config.problems
    )
    assert any(p.startswith(f"{mcp_json}: mcpServers.badargs: args:") for p in config.problems)
    assert f"{mcp_json}: mcpServers.notobj: must be an object" in config.problems
    assert len(config.problems) == 4


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON (line 1, column 2)"),
        ("[]", "must be a JSON object"),
        ('{"mcpServers": []}', "mcpServers must be an object"),
    ],
)
def test_invalid_files(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path / ".mcp.json", text)
    config = load_mcp_files([path, tmp_path / "missing.json"])
    assert config.servers == {}
    assert len(config.problems) == 1
    assert config.problems[0].startswith(str(path)) and problem in config.problems[0]


def test_file_without_servers_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path / ".mcp.json", {"other": 1})
    assert load_mcp_files([path]).servers == {}
