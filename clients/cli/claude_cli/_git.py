"""The current git branch, read from ``.git/HEAD`` (no subprocess: it runs on every start)."""

from __future__ import annotations

from pathlib import Path


def git_branch(cwd: str) -> str | None:
    """The branch checked out in the repository containing ``cwd``, a short hash when detached."""
    here = Path(cwd)
    for directory in (here, *here.parents):
        dot_git = directory / ".git"
        try:
            if dot_git.is_file():
                # A worktree or submodule: ".git" names the real git directory.
                pointer = dot_git.read_text().strip()
                if not pointer.startswith("gitdir:"):
                    return None
                git_dir = Path(pointer.removeprefix("gitdir:").strip())
                if not git_dir.is_absolute():
                    git_dir = directory / git_dir
            elif dot_git.is_dir():
                git_dir = dot_git
            else:
                continue
            head = (git_dir / "HEAD").read_text().strip()
        except OSError:
            return None
        if head.startswith("ref:"):
            return head.removeprefix("ref:").strip().removeprefix("refs/heads/")
        return head[:8] or None
    return None
