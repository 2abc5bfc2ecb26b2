"""Session files: the cost of one append, loading a long session, listing many sessions.

- append: microseconds per ``append_event`` (a text chunk, a tool update with output) and per
  ``append_message`` (a 2 KB and a 200 KB tool result), with and without ``fsync``;
- load: ``SessionStore.load`` of a session of 10,000 messages with its events (about 36 events
  per turn of 4 messages, like a streamed turn with one tool call);
- list: the first page of 300 sessions, with no index (first listing), with the index, and
  after one of them grew.

Prints figures; asserts nothing.

    python bench/session_store.py [--messages 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from claude_server.model import (
    AgentTextEvent,
    Message,
    SessionEvent,
    TerminalDisplay,
    TextBlock,
    ToolCallEvent,
    ToolCallUpdateEvent,
    ToolResultBlock,
    ToolUseBlock,
    TurnCompletedEvent,
    TurnStartedEvent,
    Usage,
    UsageEvent,
    UserMessageEvent,
)
from claude_server.sessions import SessionStore, SessionWriter

OUTPUT_2K = "\n".join(f"line {i}: some output of a command, about forty" for i in range(40))


def _median_us(samples: list[float]) -> str:
    us = sorted(s * 1e6 for s in samples)
    return f"median {statistics.median(us):8.1f} us (min {us[0]:.1f}, max {us[-1]:.1f})"


def bench_appends(root: Path, runs: int) -> None:
    cases: list[tuple[str, Callable[[SessionWriter, int], None], int]] = [
        (
            "event: text chunk (~60 B)",
            lambda w, s: w.append_event(s, AgentTextEvent("a streamed chunk of the answer, say")),
            20000,
        ),
        (
            "event: tool update, 2 KB output",
            lambda w, s: w.append_event(
                s, ToolCallUpdateEvent("toolu_01", "completed", (TerminalDisplay(OUTPUT_2K, 0),))
            ),
            5000,
        ),
        (
            "message: 2 KB tool result",
            lambda w, s: w.append_message(
                Message(role="user", content=[ToolResultBlock(tool_use_id="t", content=OUTPUT_2K)])
            ),
            5000,
        ),
        (
            "message: 200 KB tool result",
            lambda w, s: w.append_message(
                Message(
                    role="user",
                    content=[ToolResultBlock(tool_use_id="t", content=OUTPUT_2K * 100)],
                )
            ),
            300,
        ),
    ]
    print("append (one line written to the kernel before the call returns):")
    for fsync in (False, True):
        store = SessionStore(root / f"append-{fsync}", fsync=fsync)
        for case, (name, op, count) in enumerate(cases):
            if fsync:
                count = min(count, 200)
            per_op: list[float] = []
            size = 0
            for run in range(runs):
                sid = f"case{case}-{run}"
                with store.create(sid, "/bench", "m") as writer:
                    t0 = time.perf_counter()
                    for seq in range(1, count + 1):
                        op(writer, seq)
                    per_op.append((time.perf_counter() - t0) / count)
                size = store.path_of(sid).stat().st_size
            rate = size / count / statistics.median(per_op) / 1e6
            label = f"{name}{' +fsync' if fsync else ''}"
            print(f"  {label:38s} {_median_us(per_op)}  {rate:7.1f} MB/s")


def _turn(writer: SessionWriter, seq: int, n: int) -> int:
    events: list[SessionEvent] = [
        TurnStartedEvent(f"t{n}"),
        UserMessageEvent(f"Please look at module {n} and fix the failing test " * 3),
    ]
    for event in events:
        seq += 1
        writer.append_event(seq, event)
    writer.append_message(Message.user_text(f"Please look at module {n} and fix the test " * 3))
    for i in range(20):
        seq += 1
        writer.append_event(seq, AgentTextEvent(f"chunk {i} of the answer, some words "))
    call = ToolUseBlock(id=f"toolu_{n}", name="Bash", input={"command": f"pytest tests/{n}"})
    writer.append_message(
        Message(role="assistant", content=[TextBlock(text="Let me run the tests. " * 20), call])
    )
    tool_events: list[SessionEvent] = [
        ToolCallEvent(call.id, "Bash", f"Bash pytest tests/{n}", "execute", call.input),
        ToolCallUpdateEvent(call.id, "in_progress"),
        ToolCallUpdateEvent(call.id, "completed", (TerminalDisplay(OUTPUT_2K, 0),)),
    ]
    for event in tool_events:
        seq += 1
        writer.append_event(seq, event)
    writer.append_message(
        Message(role="user", content=[ToolResultBlock(tool_use_id=call.id, content=OUTPUT_2K)])
    )
    for i in range(9):
        seq += 1
        writer.append_event(seq, AgentTextEvent(f"more {i} of the answer, some words "))
    writer.append_message(Message(role="assistant", content=[TextBlock(text="Fixed. " * 60)]))
    usage = Usage(input_tokens=1200, output_tokens=300)
    for event in (UsageEvent(usage, usage), TurnCompletedEvent(f"t{n}", "end_turn", usage)):
        seq += 1
        writer.append_event(seq, event)
    return seq


def bench_load(root: Path, messages: int, runs: int) -> None:
    store = SessionStore(root / "load")
    t0 = time.perf_counter()
    with store.create("long", "/bench", "m") as writer:
        seq = 0
        for n in range(messages // 4):
            seq = _turn(writer, seq, n)
    built = time.perf_counter() - t0
    size = store.path_of("long").stat().st_size
    times: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        loaded = store.load("long")
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(
        f"load: {len(loaded.messages)} messages + {len(loaded.events)} events, "
        f"{size / 1e6:.1f} MB written in {built:.2f} s"
    )
    print(
        f"  load: median {med * 1000:.0f} ms (min {min(times) * 1000:.0f}, "
        f"max {max(times) * 1000:.0f}, n={runs}), {size / med / 1e6:.0f} MB/s, "
        f"{med / (len(loaded.messages) + len(loaded.events)) * 1e6:.1f} us per record"
    )


def bench_list(root: Path, runs: int) -> None:
    store = SessionStore(root / "list")
    for i in range(300):
        with store.create(f"s{i:03d}", f"/bench/p{i % 7}", "m") as writer:
            _turn(writer, 0, i)
            for k in range(24):  # 100 messages per session, without their events
                writer.append_message(Message.user_text(f"prompt {k}"))
                writer.append_message(Message(role="assistant", content=[TextBlock(text="ok")]))
    total = sum(p.stat().st_size for p in store.root.rglob("*.jsonl"))
    t0 = time.perf_counter()
    store.list(limit=50)
    cold = time.perf_counter() - t0
    warm: list[float] = []
    for _ in range(runs):
        fresh = SessionStore(store.root)  # a new daemon: the index comes from disk
        t0 = time.perf_counter()
        fresh.list(limit=50)
        warm.append(time.perf_counter() - t0)
    with store.open_writer("s007") as writer:
        writer.append_message(Message.user_text("one more"))
    t0 = time.perf_counter()
    page = store.list(limit=50)
    grown = time.perf_counter() - t0
    assert page.sessions[0].session_id == "s007"
    print(f"list: 300 sessions of 100 messages ({total / 1e6:.0f} MB), first page of 50")
    print(f"  no index (first listing): {cold * 1000:.0f} ms")
    print(f"  index loaded from disk:   median {statistics.median(warm) * 1000:.1f} ms")
    print(f"  after one session grew:   {grown * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_appends(root, args.runs)
        bench_load(root, args.messages, args.runs)
        bench_list(root, args.runs)


if __name__ == "__main__":
    main()
