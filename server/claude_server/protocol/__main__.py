"""``python -m claude_server.protocol [--out FILE] [--cli-types FILE]``: export the protocol.

``--out`` writes the JSON Schema (stdout without it); ``--cli-types`` writes the terminal
client's generated wire types.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claude_server.protocol._schema import cli_wire_source, protocol_schema_json


def main(argv: list[str] | None = None) -> int:
    """Write the schema to ``--out`` (or stdout) and the client types to ``--cli-types``."""
    parser = argparse.ArgumentParser(
        prog="python -m claude_server.protocol",
        description="Export the JSON Schema of the claude-py protocol.",
    )
    parser.add_argument("--out", type=Path, help="write the schema to this file, not stdout")
    parser.add_argument("--cli-types", type=Path, help="write the terminal client's wire types")
    args = parser.parse_args(argv)
    if args.cli_types is not None:
        args.cli_types.write_text(cli_wire_source(), encoding="utf-8")
    text = protocol_schema_json()
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    elif args.cli_types is None:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
