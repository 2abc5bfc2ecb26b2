"""The texts some commands show: status, settings, permissions, memory, credentials, ``/doctor``."""

from __future__ import annotations

import json
import shutil
import sys

from claude_server import __version__
from claude_server.auth import CredentialResolver
from claude_server.config import collect_memory
from claude_server.engine import LiveSession
from claude_server.errors import ClaudePyError
from claude_server.permissions import bwrap_path
from claude_server.services._projects import ProjectContext
from claude_server.tools import find_ripgrep


class Reports:
    """Builds the Markdown that ``/config``, ``/permissions``, ``/memory``, ``/login`` and
    ``/doctor`` answer with (never a secret)."""

    def __init__(self, credentials: CredentialResolver) -> None:
        self._credentials = credentials

    def settings_text(self, project: ProjectContext) -> str:
        """``/config``: the merged settings and any problems."""
        loaded = project.settings()
        files = "\n".join(f"- {s.scope}: `{s.label}`" for s in loaded.sources) or "- (none)"
        merged = loaded.settings.model_dump(mode="json", by_alias=True, exclude_none=True)
        problems = "\n".join(f"- {p}" for p in loaded.problems)
        text = f"Settings files, lowest precedence first:\n{files}\n\n```json\n"
        text += json.dumps(merged, indent=2) + "\n```"
        return text + (f"\n\nProblems:\n{problems}" if problems else "")

    def permissions_text(self, project: ProjectContext, mode: str, session_rules: list[str]) -> str:
        """``/permissions``: the rules in force and where each comes from."""
        loaded = project.settings()
        lines = [f"Mode: `{mode}`", ""]
        for behavior in ("deny", "ask", "allow"):
            rules = loaded.rules_for(behavior)
            lines.append(f"{behavior.capitalize()} rules:")
            lines.extend(f"- `{r.rule}` ({r.source.label})" for r in rules)
            if behavior == "allow":
                lines.extend(f"- `{r}` (this session)" for r in session_rules)
            if lines[-1].endswith(":"):
                lines.append("- (none)")
        notice = project.workspace().notice
        if notice:
            lines.extend(["", notice])
        return "\n".join(lines)

    def memory_text(self, project: ProjectContext) -> str:
        """``/memory``: the CLAUDE.md files that apply."""
        files = collect_memory(project.directory, project.home)
        if not files:
            return "No CLAUDE.md files apply to this project."
        return "\n\n".join(f"**{f.path}**\n\n{f.text}" for f in files)

    async def auth_text(self) -> str:
        """The credential source in use."""
        status = await self._credentials.status()
        return f"Credential source: `{status.source}` ({status.kind or 'none'}); API at {status.base_url}."

    async def status_text(
        self, project: ProjectContext, session: LiveSession, git_branch: str | None
    ) -> str:
        """``/status``: what this session runs with, as Claude Code's ``/status`` shows it."""
        try:
            status = await self._credentials.status()
            account = f"`{status.source}` ({status.kind or 'none'}); API at {status.base_url}"
        except ClaudePyError as exc:
            account = f"unavailable: {exc.message}"
        loaded = project.settings()
        sources = ", ".join(f"{s.scope} `{s.label}`" for s in loaded.sources) or "none"
        memory = collect_memory(project.directory, project.home)
        servers = project.tools().server_names()
        rows = [
            ("Version", f"claude-py {__version__}"),
            ("Session", f"`{session.session_id}`"),
            ("Working directory", str(session.cwd)),
            ("Git branch", git_branch or "not a git repository"),
            ("Model", f"`{session.model}`"),
            ("Permission mode", f"`{session.mode}`"),
            ("Account", account),
            ("Settings", sources),
            ("Memory", ", ".join(str(f.path) for f in memory) or "none"),
            ("MCP servers", ", ".join(servers) or "none"),
        ]
        lines = [f"- **{name}**: {value}" for name, value in rows]
        notice = project.workspace().notice
        return "\n".join(lines + (["", notice] if notice else []))

    async def login(self, api_key: str) -> str:
        """Store an API key; a sentence saying what happened."""
        status = await self._credentials.login(api_key)
        note = (
            ""
            if status.source == "keyring:claude-py"
            else f" (in use: `{status.source}`, which takes precedence)"
        )
        return "Stored the key in the system keyring." + note

    async def logout(self) -> str:
        """Remove the stored key; a sentence saying what happened."""
        removed = await self._credentials.logout()
        return "Removed the stored key." if removed else "claude-py had no stored key."

    async def doctor(self, project: ProjectContext) -> str:
        """``/doctor``: one line per check."""
        checks: list[tuple[str, bool, str]] = []
        checks.append(
            ("version", True, f"claude-py {__version__}, Python {sys.version.split()[0]}")
        )
        try:
            status = await self._credentials.status()
            checks.append(
                ("credential", status.source != "none", f"{status.source}; {status.base_url}")
            )
        except ClaudePyError as exc:
            checks.append(("credential", False, exc.message))
        rg = find_ripgrep()
        checks.append(
            ("ripgrep", rg is not None, str(rg) if rg else "not found: Glob and Grep fail")
        )
        bwrap = bwrap_path()
        checks.append(
            ("bubblewrap", bwrap is not None, bwrap or "not found: sandbox.enabled cannot work")
        )
        checks.append(("git", shutil.which("git") is not None, shutil.which("git") or "not found"))
        loaded = project.settings()
        checks.append(
            (
                "settings",
                not loaded.problems,
                "; ".join(map(str, loaded.problems)) or f"{len(loaded.sources)} file(s) read",
            )
        )
        skills = project.skills()
        checks.append(
            (
                "skills",
                not skills.warnings,
                "; ".join(f"{w.path}: {w.message}" for w in skills.warnings)
                or f"{len(skills.skills)} found",
            )
        )
        return "\n".join(
            f"- {'ok' if ok else 'PROBLEM'} {name}: {detail}" for name, ok, detail in checks
        )
