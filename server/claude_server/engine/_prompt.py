"""The system prompt: our instructions, the environment, the project's memory files."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import platform
from pathlib import Path

_INSTRUCTIONS = """\
You are claude-py, a coding agent working in the user's project through tools. You read code,
run commands and edit files to get the user's task done, then say briefly what you did.

How to work:
- Look before you act: find and read the relevant files with the search and read tools instead of
  guessing. Read a file before you edit or overwrite it.
- Make the smallest change that does the job, in the style of the surrounding code. Do not add
  features, files or comments nobody asked for.
- After changing code, check it the way the project does (its tests, type checker or linter) when
  that is quick and safe, and fix what you broke.
- Independent read-only calls can be made together in one response; they run in parallel.
- Use the task list tool for work with several steps, and keep it current.
- A tool result marked as an error tells you what went wrong: adjust and carry on. If a call was
  denied, do not repeat it unchanged; find another way or ask the user.
- Never run commands that destroy data or reach beyond the project unless the user asked for it.
- Answer in plain, short prose. Refer to code as path:line. Use Markdown only where it helps.
"""


_GIT_TIMEOUT = 2.0


async def git_summary(cwd: Path) -> str | None:
    """``git status --short --branch`` of ``cwd`` (trimmed), or None outside a repository."""
    try:
        proc = await asyncio.create_subprocess_exec(
            "git",
            "status",
            "--short",
            "--branch",
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), _GIT_TIMEOUT)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        return None
    if proc.returncode != 0:
        return None
    lines = out.decode(errors="replace").splitlines()
    if len(lines) > 40:
        lines = [*lines[:40], f"... and {len(lines) - 40} more changed files"]
    return "\n".join(lines)


def environment_section(
    cwd: Path, *, model: str, git: bool = False, today: dt.date | None = None
) -> str:
    """The environment facts of the system prompt."""
    today = today or dt.date.today()
    return (
        "Environment:\n"
        f"- Working directory: {cwd}\n"
        f"- Platform: {platform.system()} {platform.release()}\n"
        f"- Date: {today.isoformat()}\n"
        f"- Model: {model}\n"
        f"- Git repository: {'yes' if git else 'no'}"
    )


def build_system_prompt(
    cwd: Path,
    *,
    model: str,
    memory: str | None = None,
    git: str | None = None,
    extra: str | None = None,
    today: dt.date | None = None,
    instructions: str | None = None,
) -> str:
    """Assemble the system prompt for one session turn; ``instructions`` replaces the built-in
    ones (``--system-prompt``)."""
    parts = [
        _INSTRUCTIONS if instructions is None else instructions,
        environment_section(cwd, model=model, git=git is not None, today=today),
    ]
    if git:
        parts.append(f"Git status at the start of this turn:\n{git}")
    if memory:
        parts.append(
            "Project instructions from the user's memory files (CLAUDE.md). Follow them; they "
            "override the defaults above:\n\n" + memory
        )
    if extra:
        parts.append(extra)
    return "\n\n".join(parts)
