"""``python -m claude_server.protocol [--out FILE]``: print or write the protocol's JSON Schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claude_server.protocol._schema import protocol_schema_json


def main(argv: list[str] | None = None) -> int:
    """Write the schema to ``--out`` or stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m claude_server.protocol",
        description="Export the JSON Schema of the claude-py protocol.",
    )
    parser.add_argument("--out", type=Path, help="write to this file instead of stdout")
    args = parser.parse_args(argv)
    text = protocol_schema_json()
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
