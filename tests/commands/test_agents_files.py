"""Custom agent types from .claude/agents/*.md."""

from __future__ import annotations

import shutil
from pathlib import Path

from claude_server.commands import discover_agents

FIXTURES = Path(__file__).parent / "fixtures" / "claude-code-action"


def test_real_agent_file_and_precedence(tmp_path: Path) -> None:
    project = tmp_path / "project"
    home = tmp_path / "home"
    (project / ".claude" / "agents").mkdir(parents=True)
    (home / ".claude" / "agents").mkdir(parents=True)
    shutil.copy(
        FIXTURES / "agents_performance-reviewer.md",
        project / ".claude" / "agents" / "performance-reviewer.md",
    )
    (home / ".claude" / "agents" / "performance-reviewer.md").write_text(
        "---\nname: performance-reviewer\ndescription: the user's copy\n---\nuser prompt\n"
    )
    (home / ".claude" / "agents" / "tester.md").write_text(
        "---\nname: tester\ndescription: Runs tests\ntools: [Bash, Read]\nmodel: haiku\n---\nRun the tests.\n"
    )
    (project / ".claude" / "agents" / "broken.md").write_text("---\nname: Bad Name\n---\nx\n")
    agents, warnings = discover_agents(project, home=home)
    by_name = {a.name: a for a in agents}
    reviewer = by_name["performance-reviewer"]
    assert reviewer.scope == "project"  # the project's file wins
    assert reviewer.tools is not None and "Grep" in reviewer.tools and "Bash" not in reviewer.tools
    assert reviewer.model is None  # "inherit"
    assert reviewer.prompt.startswith("You are an elite performance optimization specialist")
    tester = by_name["tester"]
    assert tester.tools == ("Bash", "Read")
    assert tester.model == "haiku"
    assert [w.path.name for w in warnings] == ["broken.md"]
