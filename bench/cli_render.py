"""What rendering a streamed answer costs the terminal client, per token.

Two measurements:

1. In process: a long Markdown answer (paragraphs, lists, code) is fed to the view model as
   ~4-character chunks (about one token each). At every frame the finished paragraphs are
   rendered for the scrollback and the live region is rendered and parsed as prompt_toolkit
   does. "Bounded" draws a frame every 5 tokens (the client's 20 redraws a second at 100 tokens a
   second); "every token" is what an unthrottled renderer would pay.
2. The real client on a pseudo-terminal, attached to a running daemon, streaming the same answer
   as fast as the daemon sends it: the client's CPU time for the turn, per token.

    python bench/cli_render.py [--tokens 4000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from _common import summary
from claude_cli._render import AnsiRenderer, Transcript
from claude_cli._session_client import SessionView
from claude_cli._widgets import AnsiControl
from cli_pty import PtyClient, client_env
from fake_anthropic import FakeAnthropic, Turn
from support.daemon import socket_daemon

SECTION = """\
## Step {n}

The parser reads the **header block** first, then the body; see `read_frame` for the
details. Each frame is checked before it is dispatched, so a bad one never reaches a handler.

- the length comes from `Content-Length`
- other headers are ignored
- a missing length is answered with `-32700`

```python
def read_frame(reader):
    length = None
    while True:
        line = reader.readline()
        if not line.strip():
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return reader.read(length)
```

"""


def answer(tokens: int) -> str:
    text = ""
    n = 1
    while len(text) < tokens * 4:
        text += SECTION.format(n=n)
        n += 1
    return text[: tokens * 4] + "\n\nEND-OF-ANSWER."


def chunks(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def in_process(text: str, frame_every: int, width: int = 100) -> tuple[float, float, int]:
    """Seconds for the whole stream, seconds spent in apply alone, frames drawn."""
    view = SessionView("bench", cwd="/proj", model="claude-sonnet-4-6")
    transcript = Transcript(view)
    renderer = AnsiRenderer("truecolor")
    live = AnsiControl(
        lambda w: renderer.to_ansi(transcript.live(max_lines=24), w), max_lines=lambda: 24
    )
    view.apply(1, {"kind": "turn_started", "turnId": "t"})
    parts = chunks(text)
    apply_time = 0.0
    frames = 0
    started = time.perf_counter()
    for i, part in enumerate(parts, 2):
        t0 = time.perf_counter()
        view.apply(i, {"kind": "agent_message_chunk", "text": part})
        apply_time += time.perf_counter() - t0
        if i % frame_every == 0:
            renderer.to_ansi(transcript.take_finished(), width)
            live.invalidate()
            live.lines(width)
            frames += 1
    view.apply(
        len(parts) + 2,
        {"kind": "turn_completed", "turnId": "t", "stopReason": "end_turn", "usage": {}},
    )
    renderer.to_ansi(transcript.take_finished(), width)
    return time.perf_counter() - started, apply_time, frames


async def real_client(text: str, runs: int) -> list[tuple[float, float, int]]:
    """(client CPU seconds, wall seconds, tokens) per run of the real client."""
    out = []
    with FakeAnthropic() as fake, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir(mode=0o700)
        env = client_env(home, fake.base_url)
        async with socket_daemon(env, f"unix:{home / 'run' / 'daemon.sock'}"):
            for _ in range(runs):
                fake.add_turns(Turn.text(text, text_chunk=4))
                client = PtyClient([], env, Path(tmp))
                try:
                    await asyncio.to_thread(client.wait_for, b"explain this project")
                    client.drain(0.3)
                    cpu0 = client.cpu_seconds()
                    wall0 = time.perf_counter()
                    client.send(b"go\r")
                    await asyncio.to_thread(client.wait_for, b"END-OF-ANSWER", 120)
                    await asyncio.to_thread(client.wait_for, b"$0.", 30)
                    wall = time.perf_counter() - wall0
                    cpu = client.cpu_seconds() - cpu0
                finally:
                    client.close()
                out.append((cpu, wall, len(chunks(text))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = answer(args.tokens)
    tokens = len(chunks(text))

    for label, every in (("bounded (a frame every 5 tokens)", 5), ("every token", 1)):
        totals, applies, frames = [], [], 0
        for _ in range(args.runs):
            total, apply_time, frames = in_process(text, every)
            totals.append(total)
            applies.append(apply_time)
        per_token = statistics.median(totals) / tokens * 1e6
        per_frame = statistics.median(totals) / max(frames, 1) * 1e3
        print(
            f"in process, {label}: {per_token:.0f} µs per token "
            f"({per_frame:.2f} ms per frame, {frames} frames, {tokens} tokens); "
            f"view model alone {statistics.median(applies) / tokens * 1e6:.1f} µs per token"
        )

    results = asyncio.run(real_client(text, args.runs))
    cpu = statistics.median(r[0] for r in results)
    wall = [r[1] for r in results]
    print(
        f"real client on a pty, daemon streaming {tokens} tokens as fast as it can: "
        f"client CPU {cpu * 1e6 / tokens:.0f} µs per token ({cpu:.2f} s per turn); "
        f"turn wall time {summary(wall)}"
    )


if __name__ == "__main__":
    main()
