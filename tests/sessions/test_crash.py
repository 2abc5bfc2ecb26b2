"""Killing the writer at random moments loses nothing it acknowledged, and never breaks a load.

A child process appends events and messages to one session in a loop and prints what each
append acknowledged (after the call returned). The parent SIGKILLs it after a random delay,
loads the session, checks every acknowledged event and message is there, then starts the next
child on the same session (resuming after whatever the kill left behind).
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from subprocess import PIPE
from typing import IO

import pytest
from claude_server.model import AgentTextEvent
from claude_server.sessions import SessionStore

CHILD = textwrap.dedent(
    """
    import random, sys, time
    from pathlib import Path
    from claude_server.model import AgentTextEvent, Message, TextBlock
    from claude_server.sessions import SessionStore

    root, sid, seed = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = SessionStore(root)
    if store.exists(sid):
        loaded = store.load(sid)
        writer = store.open_writer(sid, last_seq=loaded.last_seq)
        count = len(loaded.messages)
        role = "assistant" if count % 2 else "user"
    else:
        writer = store.create(sid, "/project", "model")
        count, role = 0, "user"
    rng = random.Random(seed)
    out = sys.stdout
    out.write("ready\\n")
    out.flush()
    seq = writer.last_seq
    while True:
        if rng.random() < 0.04:
            # Big lines (tool results) make a kill in the middle of a write more likely.
            size = rng.choice([10, 1000, 20_000, 200_000])
            writer.append_message(Message(role=role, content=[TextBlock(text="r" * size)]))
            count += 1
            role = "assistant" if role == "user" else "user"
            out.write(f"m {count}\\n")
        seq += 1
        writer.append_event(seq, AgentTextEvent(f"chunk {seq} " + "x" * rng.randint(0, 400)))
        out.write(f"e {seq}\\n")
        out.flush()
        # A streaming pace rather than a tight loop, so the file stays small enough to reload.
        time.sleep(0.0003)
    """
)


def _collect(stream: IO[bytes], lines: list[bytes]) -> None:
    lines.extend(stream)


@pytest.mark.timeout(300)
def test_sigkill_at_random_points_loses_nothing_acknowledged(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    root = tmp_path / "sessions"
    rng = random.Random(20240601)
    acked_events: set[int] = set()
    acked_messages = 0
    torn_seen = 0
    for run in range(25):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(root), "crashy", str(run)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n", proc.stderr.read() if proc.stderr else ""
        lines: list[bytes] = []
        reader = threading.Thread(target=_collect, args=(proc.stdout, lines), daemon=True)
        reader.start()
        time.sleep(rng.uniform(0.005, 0.25))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join(timeout=10)
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
        for line in lines:
            if not line.endswith(b"\n"):
                continue  # the ack itself was cut by the kill: not acknowledged
            kind, value = line.split()
            if kind == b"e":
                acked_events.add(int(value))
            else:
                acked_messages = max(acked_messages, int(value))

        store = SessionStore(root)
        loaded = store.load("crashy")  # must never raise
        seqs = [seq for seq, _ in loaded.events]
        assert acked_events <= set(seqs), f"run {run}: lost {sorted(acked_events - set(seqs))[:5]}"
        assert seqs == list(range(1, len(seqs) + 1))
        assert all(
            isinstance(e, AgentTextEvent) and e.text.startswith(f"chunk {s} ")
            for s, e in loaded.events
        )
        assert len(loaded.messages) >= acked_messages
        roles = [m.role for m in loaded.messages]
        assert all(a != b for a, b in itertools.pairwise(roles))
        assert all("torn" in w or "not valid JSON" in w for w in loaded.warnings), loaded.warnings
        torn_seen += any("torn" in w for w in loaded.warnings)
        # The listing index, read incrementally across crashes, agrees with a full load.
        summary = store.list().sessions[0]
        assert summary.message_count == len(loaded.messages)
    assert len(acked_events) > 100  # the children did real work before being killed
    size = store.path_of("crashy").stat().st_size
    print(f"acked {len(acked_events)} events; {torn_seen} torn last lines; {size >> 20} MB")


HUGE_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from claude_server.model import Message, TextBlock
    from claude_server.sessions import SessionStore
    from claude_server.sessions._fs import dumps_line, write_all
    from claude_server.sessions._records import message_record

    writer = SessionStore(Path(sys.argv[1])).open_writer(sys.argv[2])
    message = Message(role="user", content=[TextBlock(text="h" * (96 << 20))])
    # Encode first, so the parent's kill lands in the write itself: the same single
    # write_all that append_message makes.
    line = dumps_line(message_record(message))
    sys.stdout.write("writing\\n")
    sys.stdout.flush()
    write_all(writer._fd, line)
    sys.stdout.write("done\\n")
    sys.stdout.flush()
    """
)


@pytest.mark.timeout(120)
def test_sigkill_in_the_middle_of_a_huge_write(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(HUGE_CHILD)
    root = tmp_path / "sessions"
    store = SessionStore(root)
    with store.create("big", "/p", "m") as writer:
        writer.append_event(1, AgentTextEvent("before"))
    path = store.path_of("big")
    clean = path.read_bytes()
    torn = 0
    for delay in (0.0, 0.002, 0.005, 0.01):
        proc = subprocess.Popen([sys.executable, str(script), str(root), "big"], stdout=PIPE)
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"writing\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        loaded = store.load("big")
        assert loaded.events == [(1, AgentTextEvent("before"))]
        # The whole line made it, or none of it, or the torn part is skipped: nothing else.
        if any("torn" in w for w in loaded.warnings):
            torn += 1
            assert loaded.messages == []
        else:
            assert loaded.warnings == []
            assert [len(m.text()) for m in loaded.messages] in ([], [96 << 20])
        with store.open_writer("big") as writer:  # resuming after the damage works
            writer.append_event(2, AgentTextEvent("after"))
        assert store.load("big").events[-1] == (2, AgentTextEvent("after"))
        path.write_bytes(clean)
    print(f"{torn} of 4 kills tore the line")
