"""Settings files: sources, merging, problems, managed settings, hot reload, allow-always."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from claude_server.config import (
    LoadedSettings,
    Settings,
    SettingsWatcher,
    add_permission_rule,
    load_settings,
    log_level,
)
from claude_server.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"


class Files:
    """A home and a project; ``write(scope, data)`` writes that scope's settings file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.proj = root / "proj"
        self.managed = root / "etc" / "managed-settings.json"
        self.paths = {
            "user": self.home / ".claude" / "settings.json",
            "project": self.proj / ".claude" / "settings.json",
            "local": self.proj / ".claude" / "settings.local.json",
            "managed": self.managed,
        }
        self.proj.mkdir(parents=True)

    def write(self, scope: str, data: dict[str, Any] | str) -> Path:
        path = self.paths[scope]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data))
        return path

    def load(self, **kw: Any) -> LoadedSettings:
        return load_settings(
            self.proj, home=self.home, env=kw.pop("env", {}), managed_path=self.managed, **kw
        )


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


def test_sources_merge_in_order(files: Files) -> None:
    user = files.write(
        "user",
        {
            "model": "from-user",
            "cleanupPeriodDays": 20,
            "env": {"A": "user", "B": "user"},
            "permissions": {
                "allow": ["Bash(git diff *)", "Read(~/.zshrc)"],
                "additionalDirectories": ["~/shared"],
            },
            "hooks": {
                "PostToolUse": [
                    {"matcher": "Edit", "hooks": [{"type": "command", "command": "fmt"}]}
                ]
            },
            "statusLine": {"type": "command", "command": "echo hi", "padding": 1},
        },
    )
    project = files.write(
        "project",
        {
            "model": "from-project",
            "env": {"B": "project"},
            "permissions": {
                "allow": ["Bash(npm run *)"],
                "ask": ["Bash(git push *)"],
                "deny": ["Read(./.env)"],
            },
            "hooks": {
                "PostToolUse": [
                    {"matcher": "Write", "hooks": [{"type": "command", "command": "lint"}]}
                ]
            },
            "sandbox": {"enabled": True, "network": {"allowedDomains": ["registry.npmjs.org"]}},
        },
    )
    local = files.write(
        "local",
        {
            "model": "from-local",
            "permissions": {"allow": ["Bash(npm run *)", "Bash(make *)"]},
            "sandbox": {"network": {"allowedDomains": ["pypi.org"]}},
        },
    )
    loaded = files.load(
        flag_settings={"model": "from-flag", "permissions": {"deny": ["WebSearch"]}}
    )
    s = loaded.settings
    # Scalars: the highest source that sets one wins; unset ones fall through.
    assert s.model == "from-flag"
    assert s.cleanup_period_days == 20
    assert s.status_line is not None and s.status_line.command == "echo hi"
    # Objects merge key by key; lists concatenate without duplicates.
    assert s.env == {"A": "user", "B": "project"}
    assert s.permissions.allow == [
        "Bash(git diff *)",
        "Read(~/.zshrc)",
        "Bash(npm run *)",
        "Bash(make *)",
    ]
    assert [m.matcher for m in s.hooks["PostToolUse"]] == ["Edit", "Write"]
    assert s.sandbox.enabled is True
    assert s.sandbox.network.allowed_domains == ["registry.npmjs.org", "pypi.org"]
    assert loaded.additional_directories == (files.home / "shared",)
    # Every rule keeps its file; higher-precedence sources come first.
    by_rule = [(r.behavior, r.rule, r.source.label) for r in loaded.rules]
    assert by_rule == [
        ("deny", "WebSearch", "command-line settings"),
        ("deny", "Read(./.env)", str(project)),
        ("ask", "Bash(git push *)", str(project)),
        ("allow", "Bash(npm run *)", str(local)),
        ("allow", "Bash(make *)", str(local)),
        ("allow", "Bash(npm run *)", str(project)),
        ("allow", "Bash(git diff *)", str(user)),
        ("allow", "Read(~/.zshrc)", str(user)),
    ]
    assert [s.scope for s in loaded.sources] == ["user", "project", "local", "flag"]
    # A rule's leading "/" means the project for project files, ~/.claude for user files.
    assert {r.source.scope: r.source.root for r in loaded.rules}["user"] == files.home / ".claude"
    assert {r.source.scope: r.source.root for r in loaded.rules}["project"] == files.proj
    assert loaded.problems == ()


def test_managed_settings_win_and_can_lock_rules_and_hooks(files: Files) -> None:
    files.write(
        "user",
        {
            "model": "mine",
            "permissions": {"allow": ["Bash"]},
            "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x"}]}]},
        },
    )
    files.write("local", {"model": "local", "cleanupPeriodDays": 99})
    managed = files.write(
        "managed",
        {
            "model": "corp",
            "cleanupPeriodDays": 7,
            "permissions": {"deny": ["Bash(curl *)"], "disableBypassPermissionsMode": "disable"},
            "allowManagedPermissionRulesOnly": True,
            "allowManagedHooksOnly": True,
        },
    )
    loaded = files.load(flag_settings={"model": "flag"})
    assert loaded.settings.model == "corp"
    assert loaded.settings.cleanup_period_days == 7
    assert loaded.settings.permissions.disable_bypass_permissions_mode == "disable"
    assert [(r.rule, r.source.label) for r in loaded.rules] == [("Bash(curl *)", str(managed))]
    assert loaded.settings.permissions.allow == []
    assert loaded.hooks_for("Stop") == []
    assert loaded.by_scope["user"].permissions.allow == ["Bash"]  # still visible per file


def test_claude_config_dir_moves_user_settings(files: Files, tmp_path: Path) -> None:
    elsewhere = tmp_path / "cfg"
    elsewhere.mkdir()
    (elsewhere / "settings.json").write_text('{"model": "from-config-dir"}')
    files.write("user", {"model": "from-home"})
    loaded = files.load(env={"CLAUDE_CONFIG_DIR": str(elsewhere)})
    assert loaded.settings.model == "from-config-dir"


def test_flag_settings_file(files: Files, tmp_path: Path) -> None:
    flag = tmp_path / "flags.json"
    flag.write_text('{"permissions": {"allow": ["Read"]}}')
    loaded = files.load(flag_settings=flag)
    assert [(r.rule, r.source.label) for r in loaded.rules] == [("Read", str(flag))]


def test_invalid_json_names_the_file_and_others_apply(files: Files) -> None:
    files.write("user", {"model": "user-model", "permissions": {"allow": ["Read"]}})
    bad = files.write("project", '{"model": "x",\n  "permissions": {')
    loaded = files.load()
    assert loaded.settings.model == "user-model"
    assert [r.rule for r in loaded.rules] == ["Read"]
    [problem] = loaded.problems
    assert str(problem).startswith(f"{bad}: invalid JSON at line 2")


@pytest.mark.parametrize(
    ("data", "message", "kept"),
    [
        (
            {"permissions": {"allow": "Bash(ls *)"}, "model": "m"},
            "permissions.allow: expected a list of strings",
            {"model": "m"},
        ),
        (
            {"permissions": {"allow": ["Read", 42, "Edit"]}},
            "permissions.allow: expected a list of strings; item 1 (42) is ignored",
            {"allow": ["Read", "Edit"]},
        ),
        (
            {"cleanupPeriodDays": "7", "model": "m"},
            "cleanupPeriodDays: expected a whole number, got '7'",
            {"model": "m"},
        ),
        (
            {"cleanupPeriodDays": -1},
            "cleanupPeriodDays: input should be greater than or equal to 0",
            {},
        ),
        ({"env": {"A": "1", "B": 2}}, "env.B: expected a string, got 2", {"env": {"A": "1"}}),
        ({"includeCoAuthoredBy": "yes"}, "includeCoAuthoredBy: expected true or false", {}),
        (
            {"permissions": {"defaultMode": "yolo"}},
            "permissions.defaultMode: expected 'default', 'acceptEdits'",
            {},
        ),
        ({"statusLine": {"type": "command"}}, "statusLine: missing required field 'command'", {}),
        (
            {
                "hooks": {
                    "PreToolUse": [
                        {"matcher": "Bash", "hooks": [{"type": "command"}]},
                        {"hooks": [{"type": "command", "command": "ok"}]},
                    ]
                }
            },
            "hooks.PreToolUse[0].hooks[0]: a 'command' hook needs command",
            {"hooks": 1},
        ),
        (
            {"sandbox": {"enabled": True, "network": {"allowedDomains": "x"}}},
            "sandbox.network.allowedDomains: expected a list",
            {"sandbox": True},
        ),
        ({"forceLoginOrgUUID": 5}, "forceLoginOrgUUID: has the wrong type (a number)", {}),
    ],
)
def test_field_errors_name_file_and_field(
    files: Files, data: dict[str, Any], message: str, kept: dict[str, Any]
) -> None:
    path = files.write("project", data)
    loaded = files.load()
    assert any(str(p).startswith(f"{path}: {message}") for p in loaded.problems), loaded.problems
    s = loaded.settings
    if "model" in kept:
        assert s.model == kept["model"]
    if "allow" in kept:
        assert s.permissions.allow == kept["allow"]
    if "env" in kept:
        assert s.env == kept["env"]
    if "hooks" in kept:
        # Only the bad handler is dropped; the good one runs.
        assert [h.command for m in s.hooks["PreToolUse"] for h in m.hooks] == ["ok"]
    if "sandbox" in kept:
        assert s.sandbox.enabled is True  # one bad sub-field does not switch the sandbox off


def test_a_deny_written_as_a_string_is_still_used(files: Files) -> None:
    path = files.write("project", {"permissions": {"deny": "Bash(rm *)"}})
    loaded = files.load()
    assert [r.rule for r in loaded.rules_for("deny")] == ["Bash(rm *)"]
    assert str(loaded.problems[0]).startswith(
        f"{path}: permissions.deny: expected a list of strings"
    )


def test_top_level_not_an_object(files: Files) -> None:
    path = files.write("local", "[1, 2]")
    loaded = files.load()
    assert (
        str(loaded.problems[0])
        == f"{path}: expected a JSON object at the top level, got a list; ignored"
    )


def test_unknown_keys_are_kept_and_ignored(files: Files) -> None:
    files.write(
        "user",
        {"theme": "dark", "spinnerTipsEnabled": False, "futureThing": {"x": 1}, "model": "m"},
    )
    loaded = files.load()
    assert loaded.problems == ()
    assert loaded.settings.model == "m"
    assert loaded.settings.extra_keys() == ["futureThing", "spinnerTipsEnabled", "theme"]


def test_real_project_settings_with_hooks() -> None:
    data = json.loads((FIXTURES / "claude-code-action_project_settings_hooks.json").read_text())
    s = Settings.model_validate(data)
    [group] = s.hooks["PostToolUse"]
    assert group.matcher == "Edit|Write|MultiEdit"
    assert group.hooks[0].type == "command" and "prettier" in (group.hooks[0].command or "")


def test_every_honoured_setting_validates() -> None:
    s = Settings.model_validate(
        {
            "model": "opus",
            "apiKeyHelper": "/bin/get-key",
            "cleanupPeriodDays": 30,
            "env": {"FOO": "bar"},
            "includeCoAuthoredBy": False,
            "statusLine": {"type": "command", "command": "echo", "padding": 0},
            "outputStyle": "Explanatory",
            "forceLoginMethod": "console",
            "forceLoginOrgUUID": ["a", "b"],
            "enableAllProjectMcpServers": True,
            "enabledMcpjsonServers": ["x"],
            "disabledMcpjsonServers": ["y"],
            "disableAllHooks": False,
            "permissions": {"defaultMode": "plan", "additionalDirectories": ["../x"]},
            "hooks": {
                "PreToolUse": [
                    {
                        "matcher": "Bash",
                        "hooks": [
                            {
                                "type": "command",
                                "command": "c",
                                "if": "Bash(rm *)",
                                "args": [],
                                "timeout": 5,
                            }
                        ],
                    },
                    {
                        "hooks": [
                            {
                                "type": "http",
                                "url": "http://localhost:1/h",
                                "headers": {"A": "b"},
                                "allowedEnvVars": ["T"],
                            }
                        ]
                    },
                ],
                "Stop": [
                    {
                        "hooks": [
                            {"type": "prompt", "prompt": "done?"},
                            {"type": "agent", "prompt": "check"},
                        ]
                    }
                ],
                "PostToolUse": [
                    {"hooks": [{"type": "mcp_tool", "server": "s", "tool": "t", "input": {"a": 1}}]}
                ],
                "Notification": [
                    {
                        "matcher": "idle_prompt",
                        "hooks": [{"type": "command", "command": "n", "async": True}],
                    }
                ],
            },
            "sandbox": {
                "enabled": True,
                "filesystem": {"allowWrite": ["/tmp/build"]},
                "excludedCommands": ["docker"],
            },
        }
    )
    assert s.api_key_helper == "/bin/get-key"
    assert s.hooks["PreToolUse"][0].hooks[0].if_ == "Bash(rm *)"
    assert s.hooks["Notification"][0].hooks[0].async_ is True
    assert s.sandbox.filesystem.allow_write == ["/tmp/build"]


# -- hot reload --------------------------------------------------------------------------------


def _touch_later(path: Path) -> None:
    # Make sure the modification time moves even on coarse-grained filesystems.
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_watcher_sees_edits_new_files_and_deletions(files: Files) -> None:
    project = files.write("project", {"permissions": {"allow": ["Read"]}})
    watcher = SettingsWatcher(files.proj, home=files.home, env={}, managed_path=files.managed)
    assert not watcher.reload_if_changed()
    project.write_text(json.dumps({"permissions": {"allow": ["Read", "Edit"]}}))
    _touch_later(project)
    assert watcher.reload_if_changed()
    assert [r.rule for r in watcher.current.rules] == ["Read", "Edit"]
    # A file that did not exist before is seen too.
    local = files.write("local", {"permissions": {"deny": ["Bash"]}})
    assert watcher.reload_if_changed()
    assert [r.rule for r in watcher.current.rules_for("deny")] == ["Bash"]
    local.unlink()
    assert watcher.reload_if_changed()
    assert watcher.current.rules_for("deny") == ()
    assert not watcher.reload_if_changed()


def test_half_written_file_keeps_its_last_valid_version(files: Files) -> None:
    project = files.write("project", {"permissions": {"deny": ["Bash(rm *)"]}})
    watcher = SettingsWatcher(files.proj, home=files.home, env={}, managed_path=files.managed)
    project.write_text('{"permissions": {"deny": ["Bash(rm *)", ')
    _touch_later(project)
    assert watcher.reload_if_changed()
    assert [r.rule for r in watcher.current.rules_for("deny")] == ["Bash(rm *)"]
    assert "last valid version stays in force" in str(watcher.current.problems[0])


async def test_watch_yields_on_change(files: Files) -> None:
    watcher = SettingsWatcher(files.proj, home=files.home, env={}, managed_path=files.managed)
    changes = watcher.watch(interval=0.01)

    async def edit() -> None:
        await asyncio.sleep(0.05)
        files.write("user", {"model": "new"})

    task = asyncio.create_task(edit())
    loaded = await asyncio.wait_for(anext(changes), timeout=10)
    await task
    assert loaded.settings.model == "new"


# -- allow always ------------------------------------------------------------------------------


def test_add_permission_rule_creates_and_preserves(files: Files) -> None:
    path = add_permission_rule(files.proj, "allow", "Bash(npm test *)")
    assert path == files.paths["local"]
    assert json.loads(path.read_text()) == {"permissions": {"allow": ["Bash(npm test *)"]}}
    path.write_text(
        json.dumps(
            {"model": "keep", "permissions": {"allow": ["Read"], "defaultMode": "plan"}, "x": [1]}
        )
    )
    add_permission_rule(files.proj, "allow", "Edit(/src/**)")
    add_permission_rule(files.proj, "allow", "Edit(/src/**)")  # no duplicate
    add_permission_rule(files.proj, "deny", "Bash(rm *)")
    assert json.loads(path.read_text()) == {
        "model": "keep",
        "permissions": {
            "allow": ["Read", "Edit(/src/**)"],
            "defaultMode": "plan",
            "deny": ["Bash(rm *)"],
        },
        "x": [1],
    }
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.local.json"]  # no temp left
    assert [r.rule for r in files.load().rules_for("allow")] == ["Read", "Edit(/src/**)"]


def test_add_permission_rule_refuses_to_clobber(files: Files) -> None:
    path = files.write("local", "{not json")
    with pytest.raises(ConfigError, match="invalid JSON"):
        add_permission_rule(files.proj, "allow", "Read")
    assert path.read_text() == "{not json"
    path.write_text('{"permissions": {"allow": "Read"}}')
    with pytest.raises(ConfigError, match=r"permissions\.allow"):
        add_permission_rule(files.proj, "allow", "Edit")
    with pytest.raises(ConfigError, match="unknown permission list"):
        add_permission_rule(files.proj, "always", "Edit")


def test_log_level() -> None:
    assert log_level({}) == "info"
    assert log_level({}, client=True) == "warning"
    assert log_level({"CLAUDE_PY_LOG": "DEBUG"}, client=True) == "debug"
    assert log_level({"CLAUDE_PY_LOG": "warn"}) == "warning"
    assert log_level({"CLAUDE_PY_LOG": "loud"}) == "info"
