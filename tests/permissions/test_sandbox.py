"""Sandboxed Bash under bubblewrap: writes only inside the project, no network."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
from claude_server.errors import ConfigError
from claude_server.permissions import bwrap_path, sandbox_command
from support.system import missing


@pytest.fixture
def bwrap() -> None:
    if bwrap_path() is None:
        missing("bubblewrap (bwrap) is not installed: apt-get install bubblewrap")


needs_bwrap = pytest.mark.usefixtures("bwrap")


def _run(argv: list[str], cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    cmd = sandbox_command(argv, cwd, **kw)  # type: ignore[arg-type]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir()
    return proj


@needs_bwrap
def test_write_inside_the_project_succeeds(project: Path) -> None:
    done = _run(["sh", "-c", "echo hello > inside.txt && mkdir -p sub && echo x > sub/y"], project)
    assert done.returncode == 0, done.stderr
    assert (project / "inside.txt").read_text() == "hello\n"
    assert (project / "sub" / "y").exists()


@needs_bwrap
def test_write_outside_the_project_fails(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    home_file = Path.home() / f".claude-py-sandbox-test-{project.name}"
    for target in (outside / "x.txt", home_file, Path("/usr/claude-py-sandbox-test")):
        done = _run(["sh", "-c", f"echo no > '{target}'"], project)
        assert done.returncode != 0, target
        assert not target.exists(), target


@needs_bwrap
def test_settings_and_git_hooks_stay_read_only(project: Path) -> None:
    (project / ".claude").mkdir()
    (project / ".git" / "hooks").mkdir(parents=True)
    done = _run(["sh", "-c", "echo '{}' > .claude/settings.local.json"], project)
    assert done.returncode != 0
    done = _run(["sh", "-c", "echo 'rm -rf ~' > .git/hooks/pre-commit"], project)
    assert done.returncode != 0
    assert not (project / ".git" / "hooks" / "pre-commit").exists()


@needs_bwrap
def test_private_tmp_and_extra_writable(project: Path, tmp_path: Path) -> None:
    extra = tmp_path / "build"
    extra.mkdir()
    done = _run(
        ["sh", "-c", f"echo t > /tmp/scratch && cat /tmp/scratch && echo e > '{extra}/out'"],
        project,
        extra_writable=[extra],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "t\n"
    assert (extra / "out").read_text() == "e\n"
    assert not Path("/tmp/scratch").exists() or Path("/tmp/scratch").read_text() != "t\n"


@needs_bwrap
def test_no_network_unless_allowed(project: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    probe = [
        "python3",
        "-c",
        f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5); print('up')",
    ]
    try:
        blocked = _run(probe, project)
        assert blocked.returncode != 0
        assert "up" not in blocked.stdout
        allowed = _run(probe, project, allow_network=True)
        assert allowed.returncode == 0, allowed.stderr
        assert allowed.stdout.strip() == "up"
    finally:
        server.close()


def test_missing_bwrap_is_a_clear_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(project))
    with pytest.raises(ConfigError, match="bubblewrap"):
        sandbox_command(["ls"], project)


@needs_bwrap
def test_command_line_shape(project: Path) -> None:
    cmd = sandbox_command(["ls", "-la"], project)
    assert cmd[-3:] == ["--", "ls", "-la"]
    assert "--unshare-net" in cmd
    assert ["--bind", str(project.resolve()), str(project.resolve())] == cmd[
        cmd.index("--bind") : cmd.index("--bind") + 3
    ]
    assert "--unshare-net" not in sandbox_command(["ls"], project, allow_network=True)
    with pytest.raises(ConfigError, match="does not exist"):
        sandbox_command(["ls"], project / "missing")
