"""The ``system/init`` line: what the session works with, sent before its first message."""

from __future__ import annotations

from typing import Any

from claude_server import __version__
from claude_server.engine import LiveSession
from claude_server.headless._shapes import system_line
from claude_server.services import Application

COMPATIBLE_CLAUDE_CODE = "2.1.330"
"""The Claude Code release whose headless wire this output follows (and reports as
``claude_code_version``, which the Agent SDKs check); ``claude_py_version`` is our own."""


def _key_source(source: str) -> str:
    # Claude Code names the variable itself ("ANTHROPIC_API_KEY"), or "none" for a login.
    if source.startswith("env:"):
        return source.removeprefix("env:")
    return source if source == "apiKeyHelper" else "none"


async def init_line(app: Application, session: LiveSession) -> dict[str, Any]:
    """The ``system/init`` line of ``session``."""
    listed = await app.command_list(session.session_id, None)
    skills = [s.name for s in session.project.skills()]
    status = await app.credentials.status()
    return system_line(
        session.session_id,
        "init",
        cwd=str(session.cwd),
        tools=session.tool_names(),
        mcp_servers=[],
        model=session.model,
        permissionMode=session.mode,
        slash_commands=[c["name"] for c in listed.commands if c["runsIn"] != "client"],
        apiKeySource=_key_source(status.source),
        claude_code_version=COMPATIBLE_CLAUDE_CODE,
        claude_py_version=__version__,
        output_style="default",
        agents=sorted(session.project.agents()),
        skills=skills,
        plugins=[],
        original_cwd=str(session.cwd),
        additional_directories=[str(d) for d in session.added_dirs],
    )
