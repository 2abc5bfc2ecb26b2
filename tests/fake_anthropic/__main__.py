"""Run the fake Anthropic API standalone: ``python -m fake_anthropic --script FILE.json``.

The first stdout line is the base URL; the server runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ._script import ScriptError, load_script
from ._server import FakeAnthropic

__all__ = ["main"]

SCRIPT_FORMAT = """\
script format: a JSON list; each entry answers one POST /v1/messages, in order.
  {"text": "Hello"}                                   one text block
  {"tool_use": {"name": "Read", "input": {"file_path": "/x"}}, "text": "Looking."}
  {"blocks": [{"type": "text", "text": "..."},
              {"type": "tool_use", "name": "...", "input": {...}},   id, caller optional
              {"type": "thinking", "thinking": "...", "signature": "..."},  signature optional
              {"type": "redacted_thinking", "data": "..."}]}
  {"http_error": {"status": 529, "type": "overloaded_error", "message": "...",
                  "headers": {"retry-after": "1"}}}       type/message/headers optional
optional keys on text/tool_use/blocks entries:
  stop_reason, stop_sequence, model, id, usage {input_tokens, output_tokens,
  cache_creation_input_tokens, cache_read_input_tokens}, text_chunk, json_chunk,
  ping_after, delay, error_event_after, error_event_type, error_event_message,
  drop_after, headers
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, serve until a signal arrives, return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m fake_anthropic",
        description="Serve a scripted fake of the Anthropic Messages API on 127.0.0.1.",
        epilog=SCRIPT_FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--script", required=True, help="JSON file with the list of turns")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: any free one)")
    args = parser.parse_args(argv)

    try:
        turns = load_script(args.script)
    except ScriptError as exc:
        print(f"fake_anthropic: error: {exc}", file=sys.stderr)
        return 2

    fake = FakeAnthropic(turns, port=args.port)
    try:
        fake.start()
    except OSError as exc:
        print(f"fake_anthropic: error: cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return 2

    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(fake.base_url, flush=True)
    try:
        # A timed wait keeps the main thread responsive to signals.
        while not done.wait(0.2):
            pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
