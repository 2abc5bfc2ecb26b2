"""A project's trust as the services layer applies it: skills' tool grants, the MCP servers that
run, and who may approve them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from claude_server.config import TrustStore
from claude_server.services import ProjectRegistry


@pytest.fixture
def world(tmp_path: Path) -> tuple[ProjectRegistry, TrustStore, Path]:
    home, proj = tmp_path / "home", tmp_path / "proj"
    (home / ".claude").mkdir(parents=True)
    (proj / ".claude" / "skills" / "deploy").mkdir(parents=True)
    (proj / ".claude" / "skills" / "deploy" / "SKILL.md").write_text(
        "---\nname: deploy\ndescription: ship it\nallowed-tools: Bash(make deploy)\n---\nGo.\n"
    )
    servers = {name: {"command": "true"} for name in ("alpha", "beta", "gamma")}
    (proj / ".mcp.json").write_text(json.dumps({"mcpServers": servers}))
    (home / ".claude" / "mcp.json").write_text(
        json.dumps({"mcpServers": {"mine": {"command": "true"}}})
    )
    trust = TrustStore(tmp_path / "data" / "trust.json", home=home)
    return ProjectRegistry(home, {}, trust), trust, proj


def test_an_untrusted_projects_skills_grant_nothing(
    world: tuple[ProjectRegistry, TrustStore, Path],
) -> None:
    registry, trust, proj = world
    project = registry.project(proj)
    skill = project.skills().get("deploy")
    assert skill is not None and skill.allowed_tools == ()
    report = project.workspace()
    assert not report.trusted
    assert "allowed-tools of skills /deploy" in report.ignored
    assert any("MCP servers alpha, beta, gamma" in line for line in report.ignored)
    trust.trust(proj)
    skill = project.skills().get("deploy")
    assert skill is not None and skill.allowed_tools == ("Bash(make deploy)",)
    assert project.workspace().ignored == ()


def test_only_the_user_approves_a_projects_mcp_servers(
    world: tuple[ProjectRegistry, TrustStore, Path],
) -> None:
    registry, trust, proj = world
    trust.trust(proj)
    # The shared project file cannot approve its own servers; the local one can.
    (proj / ".claude" / "settings.json").write_text(
        json.dumps({"enableAllProjectMcpServers": True, "disabledMcpjsonServers": ["gamma"]})
    )
    (proj / ".claude" / "settings.local.json").write_text(
        json.dumps({"enabledMcpjsonServers": ["alpha", "gamma"]})
    )
    project = registry.project(proj)
    report = project.workspace()
    assert report.trusted and report.pending_mcp == ("beta",)
    assert report.notice is not None and "beta" in report.notice

    after = project.trust(enable_mcp=True)
    assert after.pending_mcp == () and after.notice is None
    local = json.loads((proj / ".claude" / "settings.local.json").read_text())
    assert local["enabledMcpjsonServers"] == ["alpha", "gamma", "beta"]


async def test_the_servers_that_start_follow_trust(
    world: tuple[ProjectRegistry, TrustStore, Path],
) -> None:
    registry, trust, proj = world
    (proj / ".claude" / "settings.local.json").write_text(
        json.dumps({"enabledMcpjsonServers": ["alpha"]})
    )
    project = registry.project(proj)
    tools = project.tools()
    await project.prepare_turn({})
    assert set(tools.server_names()) == {"mine"}
    trust.trust(proj)
    await project.prepare_turn({})
    assert set(tools.server_names()) == {"mine", "alpha"}
    trust.revoke(proj)
    await project.prepare_turn({})
    assert set(tools.server_names()) == {"mine"}
    await registry.aclose()
