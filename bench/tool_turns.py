"""Time per tool call, claude-py next to Claude Code, on the same scripted six-turn task.

The fake model calls Glob (``**/*.py``), Read (the file with a typo), Grep (the typo,
``output_mode: content``), Edit (fix it) and Bash (import the module and print), then answers
with text. What a tool call costs the agent is measured from the fake's side: the time from the
request whose answer was that tool_use to the next request (the permission check, the tool's
execution, building and sending the next request). Also the whole task's wall time, CPU time and
peak RSS.

claude-py: each run spawns ``claude-py-server --stdio`` and runs the task twice in a
``bypassPermissions`` session on a fresh project copy: "cold" (the first task of a fresh daemon,
as every ``claude -p`` is a fresh process) and "warm" (the same daemon's second task, which is
what a long-running daemon mostly does).

Claude Code (``claude -p``) runs the same script, with the same tool inputs, against the same
fake, in a fresh project copy and a temp HOME per run. Requests that look like side requests (no
tools, another model, a tiny ``max_tokens``) are answered with a short text without consuming
the script, and counted, as are count_tokens and any other requests.

The benchmark re-executes itself under ``unshare -n`` (loopback only) when it can, so nothing
leaves 127.0.0.1; the npm install of Claude Code, when needed, happens before that. One untimed
warm-up run of each precedes the timed runs. Prints figures; asserts nothing.

    python bench/tool_turns.py [--runs 15] [--claude-code PATH | --no-claude-code] [--no-unshare]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import peak_rss_mb
from claude_cli._rpc import ConnectionLost
from fake_anthropic import FakeAnthropic, RecordedRequest, Turn
from support.daemon import StdioDaemon, daemon_env, initialize, stdio_daemon

CLAUDE_CODE_VERSION = "2.1.330"
CLAUDE_CODE_DIR = Path(tempfile.gettempdir()) / "claude-code-bench"
TOOLS = ("Glob", "Read", "Grep", "Edit", "Bash")
PROMPT = "fix the typo"
TASK_TIMEOUT = 180.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# The project and the script


def make_project(root: Path) -> None:
    """A small Python project; ``pkg/app.py`` has the typo ``'helo'``."""
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""A tiny package."""\n')
    (root / "pkg" / "app.py").write_text(
        '"""Greetings."""\n\n\ndef greet() -> str:\n    return \'helo\'\n'
    )
    (root / "pkg" / "util.py").write_text(
        "def shout(text: str) -> str:\n    return text.upper() + '!'\n"
    )
    (root / "tests" / "test_app.py").write_text(
        "from pkg.app import greet\n\n\ndef test_greet() -> None:\n    assert greet() == 'hello'\n"
    )
    (root / "README.md").write_text("# demo\n\nSays hello.\n")


def script(project: Path) -> list[Turn]:
    """The six turns; tool names and inputs are the same for claude-py and Claude Code."""
    app = str(project / "pkg" / "app.py")
    bash = {
        "command": "python3 -c 'import pkg.app as a; print(a.greet())'",
        "description": "Run greet()",
    }
    return [
        Turn.tool_use("Glob", {"pattern": "**/*.py"}),
        Turn.tool_use("Read", {"file_path": app}),
        Turn.tool_use("Grep", {"pattern": "helo", "output_mode": "content"}),
        Turn.tool_use("Edit", {"file_path": app, "old_string": "'helo'", "new_string": "'hello'"}),
        Turn.tool_use("Bash", bash),
        Turn.text("Fixed the typo: greet() now returns 'hello'."),
    ]


# ---------------------------------------------------------------------------
# The fake's side: one recorder per task, behind one switchboard per fake


@dataclass
class Recorder:
    """Answers the requests of one task: times the main ones; side ones get a text, not a turn."""

    turns: deque[Turn]
    main_times: list[float] = field(default_factory=list)
    side: list[str] = field(default_factory=list)
    last_body: dict[str, Any] | None = None
    model: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: RecordedRequest) -> Turn:
        now = time.perf_counter()
        body: dict[str, Any] = request.body  # the fake validated it is a JSON object
        with self.lock:
            kind = self._side_kind(body)
            if kind is None and not self.turns:
                kind = "main request after the script ended"
            if kind is not None:
                self.side.append(kind)
                return Turn.text("OK")
            self.model = self.model or str(body["model"])
            self.main_times.append(now)
            self.last_body = body
            return self.turns.popleft()

    def _side_kind(self, body: dict[str, Any]) -> str | None:
        model, max_tokens = str(body["model"]), body["max_tokens"]
        if not body.get("tools"):
            return f"no tools ({model}, max_tokens {max_tokens})"
        if max_tokens < 1024:
            return f"max_tokens {max_tokens} ({model})"
        if self.model is not None and model != self.model:
            return f"other model ({model})"
        return None


class Switchboard:
    """The fake's script item for every request; forwards to the current task's recorder."""

    def __init__(self, fake: FakeAnthropic) -> None:
        self.fake = fake
        self.recorder = Recorder(deque())
        self.seen = 0

    def __call__(self, request: RecordedRequest) -> Turn:
        return self.recorder(request)

    def start_task(self, project: Path) -> Recorder:
        if self.fake.remaining < 50:
            self.fake.add_turns(*[self] * 100)
        self.seen = len(self.fake.requests)
        self.recorder = Recorder(deque(script(project)))
        return self.recorder

    def other_requests(self) -> list[str]:
        """Requests of this task that were not ``POST /v1/messages`` (count_tokens, ...)."""
        return [
            f"{r.method} {r.path}"
            for r in self.fake.requests[self.seen :]
            if (r.method, r.path) != ("POST", "/v1/messages")
        ]


# ---------------------------------------------------------------------------
# One task's figures


@dataclass
class TaskRun:
    tool_s: dict[str, float]
    loop_s: float  # first request to last request
    wall_s: float
    cpu_s: float
    rss_mb: float
    extra: list[str]
    problem: str | None


def task_run(
    board: Switchboard,
    recorder: Recorder,
    project: Path,
    wall_s: float,
    cpu_s: float,
    rss_mb: float,
) -> TaskRun:
    times = recorder.main_times
    tool_s = {name: times[i + 1] - times[i] for i, name in enumerate(TOOLS) if i + 1 < len(times)}
    loop_s = times[-1] - times[0] if times else float("nan")
    extra = recorder.side + board.other_requests()
    return TaskRun(tool_s, loop_s, wall_s, cpu_s, rss_mb, extra, check(recorder, project))


def check(recorder: Recorder, project: Path) -> str | None:
    """What went wrong in the task, or None: the figures only count for a task that worked."""
    if len(recorder.main_times) != len(TOOLS) + 1:
        return f"{len(recorder.main_times)} main requests, expected {len(TOOLS) + 1}"
    if "'hello'" not in (project / "pkg" / "app.py").read_text():
        return "the typo was not fixed"
    body = recorder.last_body or {}
    results = [
        block
        for message in body.get("messages", [])
        if isinstance(message.get("content"), list)
        for block in message["content"]
        if block.get("type") == "tool_result"
    ]
    if len(results) != len(TOOLS):
        return f"{len(results)} tool results in the last request, expected {len(TOOLS)}"
    failed = [r for r in results if r.get("is_error")]
    if failed:
        return f"a tool failed: {str(failed[0].get('content'))[:200]}"
    if "hello" not in json.dumps(results[-1].get("content")):
        return "Bash did not print hello"
    return None


# ---------------------------------------------------------------------------
# claude-py


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of a live process and its live descendants, each with its reaped children."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rpartition(")")[2].split()
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return total / CLOCK_TICKS


async def claude_py_run(board: Switchboard, template: Path, work: Path) -> list[TaskRun]:
    """One daemon, two tasks (cold, warm), each in a fresh copy of the project."""
    home = work / "home"
    home.mkdir()
    env = daemon_env(work / "data", board.fake.base_url, api_key="sk-ant-fake")
    env.pop("CLAUDE_PY_LOG")  # the daemon's default log level, as a user runs it
    env.update(HOME=str(home), TMPDIR=str(work))
    spawned = time.perf_counter()
    async with stdio_daemon(env, init=False) as d:
        try:
            await asyncio.wait_for(initialize(d.client), 60)
            cold = await daemon_task(d, board, template, work / "cold", spawned)
            warm = await daemon_task(d, board, template, work / "warm", None)
        except (ConnectionLost, TimeoutError) as exc:
            tail = "\n".join(d.stderr[-20:])
            raise RuntimeError(f"the daemon failed ({exc!r}); its stderr ends:\n{tail}") from None
    return [cold, warm]


async def daemon_task(
    d: StdioDaemon, board: Switchboard, template: Path, project: Path, spawned: float | None
) -> TaskRun:
    """The task in a new session. With ``spawned``, wall and CPU cover the whole process so
    far (spawn, initialize, session, task) as for ``claude -p``; else the task alone."""
    shutil.copytree(template, project)
    recorder = board.start_task(project)
    new = {"cwd": str(project), "mode": "bypassPermissions"}
    sid = (await d.client.request("session/new", new))["sessionId"]
    cpu0, t0 = tree_cpu_s(d.process.pid), time.perf_counter()
    prompt = {"sessionId": sid, "prompt": [{"type": "text", "text": PROMPT}]}
    await asyncio.wait_for(d.client.request("session/prompt", prompt), TASK_TIMEOUT)
    done, cpu = time.perf_counter(), tree_cpu_s(d.process.pid)
    rss = peak_rss_mb(d.process.pid) or float("nan")
    if spawned is not None:
        return task_run(board, recorder, project, done - spawned, cpu, rss)
    return task_run(board, recorder, project, done - t0, cpu - cpu0, rss)


# ---------------------------------------------------------------------------
# Claude Code


def claude_code_binary(path: str | None) -> tuple[Path | None, str]:
    """The binary to run (given, already installed, or installed now) and a note on it."""
    if path is not None:
        binary = Path(path)
    else:
        binary = CLAUDE_CODE_DIR / "node_modules" / ".bin" / "claude"
        if not binary.exists():
            npm = shutil.which("npm")
            if npm is None:
                return None, "npm is not installed"
            print(
                f"installing @anthropic-ai/claude-code@{CLAUDE_CODE_VERSION} in {CLAUDE_CODE_DIR}"
            )
            CLAUDE_CODE_DIR.mkdir(parents=True, exist_ok=True)
            package = f"@anthropic-ai/claude-code@{CLAUDE_CODE_VERSION}"
            install = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CLAUDE_CODE_DIR)]
            try:
                done = subprocess.run(
                    [*install, package], capture_output=True, text=True, timeout=600
                )
            except subprocess.TimeoutExpired:
                return None, "npm install timed out"
            if done.returncode != 0:
                return None, "npm install failed: " + done.stderr.strip()[-300:]
    try:
        version = subprocess.run(
            [str(binary), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env=quiet_env(Path(tempfile.gettempdir())),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{binary} does not run: {exc}"
    if version.returncode != 0:
        return None, f"{binary} --version failed: {version.stderr.strip()[-300:]}"
    return binary.resolve(), version.stdout.strip()


def quiet_env(home: Path, base_url: str = "http://127.0.0.1:9") -> dict[str, str]:
    """Claude Code's environment: the fake API, a fake key, no telemetry or updates."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": "sk-ant-fake",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
    }
    if os.geteuid() == 0:
        env["IS_SANDBOX"] = "1"  # lets root use --dangerously-skip-permissions
    return env


def claude_code_run(binary: Path, board: Switchboard, template: Path, work: Path) -> TaskRun:
    project, home = work / "project", work / "home"
    shutil.copytree(template, project)
    home.mkdir()
    recorder = board.start_task(project)
    args = [
        str(binary),
        "-p",
        PROMPT,
        "--output-format",
        "stream-json",
        "--verbose",
        "--tools",
        "Glob,Grep,Read,Edit,Write,Bash",
        "--dangerously-skip-permissions",
    ]
    env = quiet_env(home, board.fake.base_url)
    with open(work / "stdout", "wb") as out, open(work / "stderr", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            args, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        watchdog = threading.Timer(TASK_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            # wait4 gives the child's resource usage (its reaped children included).
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
            if proc.returncode is None and proc.poll() is None:
                proc.kill()
                proc.wait()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    run = task_run(board, recorder, project, wall, cpu, usage.ru_maxrss / 1024)
    if run.problem is None and proc.returncode != 0:
        run.problem = f"claude exited {proc.returncode}: {(work / 'stderr').read_text()[-300:]}"
    return run


# ---------------------------------------------------------------------------
# Network isolation


def reexec_isolated(args: argparse.Namespace, binary: Path | None) -> None:
    """Re-run this script in a new network namespace with only loopback; return if impossible."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if unshare is None or ip is None:
        print("unshare or ip not found: running without network isolation")
        return
    probe = subprocess.run([unshare, "-n", ip, "link", "set", "lo", "up"], capture_output=True)
    if probe.returncode != 0:
        print("unshare -n is not permitted here: running without network isolation")
        return
    argv = [sys.executable, str(Path(__file__).resolve()), "--isolated"]
    argv += ["--runs", str(args.runs), "--warmup", str(args.warmup)]
    argv += ["--claude-code", str(binary)] if binary is not None else ["--no-claude-code"]
    sys.stdout.flush()
    shell = f'{ip} link set lo up && exec "$@"'
    os.execv(unshare, [unshare, "-n", "sh", "-c", shell, "sh", *argv])  # noqa: S606 (argv list)


# ---------------------------------------------------------------------------
# Reporting


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread_ms(values: list[float]) -> str:
    if not values:
        return "no data"
    ms = sorted(v * 1000 for v in values)
    return f"median {statistics.median(ms):7.1f} ms  (min {ms[0]:.1f}, max {ms[-1]:.1f})"


def report(columns: dict[str, list[TaskRun]]) -> None:
    """Per-column details with min/max, then the side-by-side table of medians."""
    for name, runs in columns.items():
        print(f"\n{name}: {len(runs)} run(s)")
        for tool in TOOLS:
            print(f"  {tool:<5} {spread_ms([r.tool_s[tool] for r in runs if tool in r.tool_s])}")
        print(f"  first->last request  {spread_ms([r.loop_s for r in runs])}")
        print(f"  wall                 {spread_ms([r.wall_s for r in runs])}")
        print(f"  CPU                  {spread_ms([r.cpu_s for r in runs])}")
        print(f"  peak RSS             max {max(r.rss_mb for r in runs):.0f} MB")
        extra = Counter(e for r in runs for e in r.extra)
        listed = ", ".join(f"{k} x{v}" for k, v in extra.items()) or "none"
        print(f"  extra requests ({sum(extra.values()) / len(runs):.1f} per run): {listed}")

    names = list(columns)
    ref = columns.get("Claude Code")
    ratio_of = [n for n in names if n != "Claude Code"] if ref else []
    rows: list[tuple[str, Callable[[TaskRun], float], float, str]] = [
        *[(t, lambda r, t=t: r.tool_s.get(t, float("nan")), 1000, "ms") for t in TOOLS],
        ("first->last request (the 5 tools)", lambda r: r.loop_s, 1000, "ms"),
        ("wall", lambda r: r.wall_s, 1000, "ms"),
        ("CPU", lambda r: r.cpu_s, 1000, "ms"),
        ("peak RSS", lambda r: r.rss_mb, 1, "MB"),
    ]
    header = ["median", *names, *[f"{n} / Claude Code" for n in ratio_of]]
    print("\n| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    for label, get, scale, unit in rows:
        values = {n: median([get(r) for r in runs]) for n, runs in columns.items()}
        cells = [f"{values[n] * scale:,.{1 if label in TOOLS else 0}f} {unit}" for n in names]
        if ref is not None:
            cells += [f"{values[n] / values['Claude Code']:.2f}x" for n in ratio_of]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(
        "\nclaude-py cold: wall and CPU from spawning the daemon to the task's end (daemon and "
        "its live children);\nclaude-py warm: the second task in the same daemon, from "
        "session/prompt to its result;\nClaude Code: the whole `claude -p` process (wait4 "
        "usage, reaped children included)."
    )


def keep_good(name: str, runs: list[TaskRun]) -> list[TaskRun]:
    for run in runs:
        if run.problem is not None:
            print(f"{name}: a run is left out: {run.problem}")
    return [r for r in runs if r.problem is None]


# ---------------------------------------------------------------------------


async def measure_claude_py(
    board: Switchboard, template: Path, runs: int, warmup: int
) -> dict[str, list[TaskRun]]:
    cold: list[TaskRun] = []
    warm: list[TaskRun] = []
    for i in range(warmup + runs):
        with tempfile.TemporaryDirectory(prefix="bench-claude-py-") as tmp:
            first, second = await claude_py_run(board, template, Path(tmp))
        if i >= warmup:
            cold.append(first)
            warm.append(second)
        print(f"claude-py run {i + 1}/{warmup + runs} done", file=sys.stderr)
    return {
        "claude-py cold": keep_good("claude-py cold", cold),
        "claude-py warm": keep_good("claude-py warm", warm),
    }


def measure_claude_code(
    binary: Path, board: Switchboard, template: Path, runs: int, warmup: int
) -> list[TaskRun]:
    results: list[TaskRun] = []
    for i in range(warmup + runs):
        with tempfile.TemporaryDirectory(prefix="bench-claude-code-") as tmp:
            run = claude_code_run(binary, board, template, Path(tmp))
        if i >= warmup:
            results.append(run)
        print(f"Claude Code run {i + 1}/{warmup + runs} done", file=sys.stderr)
    return keep_good("Claude Code", results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--claude-code", metavar="PATH", help="an installed `claude` binary")
    parser.add_argument("--no-claude-code", action="store_true", help="measure claude-py only")
    parser.add_argument("--no-unshare", action="store_true", help="no network namespace")
    parser.add_argument("--isolated", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    binary: Path | None = None
    note = "skipped (--no-claude-code)"
    if not args.no_claude_code:
        binary, note = claude_code_binary(args.claude_code)
        note = note if binary else f"skipped ({note})"
    # Said once: before re-executing, or in the namespace if the binary fails only there.
    if not args.isolated or (binary is None and not args.no_claude_code):
        print(f"Claude Code: {note}")
    if args.isolated:
        print("network: own namespace, loopback only (unshare -n)")
    elif not args.no_unshare:
        reexec_isolated(args, binary)  # returns only when isolation is impossible

    with tempfile.TemporaryDirectory(prefix="bench-tool-turns-") as tmp, FakeAnthropic() as fake:
        template = Path(tmp) / "template"
        make_project(template)
        board = Switchboard(fake)
        columns = asyncio.run(measure_claude_py(board, template, args.runs, args.warmup))
        if binary is not None:
            columns["Claude Code"] = measure_claude_code(
                binary, board, template, args.runs, args.warmup
            )
    report({name: runs for name, runs in columns.items() if runs})


if __name__ == "__main__":
    main()
