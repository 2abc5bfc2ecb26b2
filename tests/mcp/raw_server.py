"""A hand-written MCP stdio server for edge cases (test helper; starts fast: no mcp import).

``python raw_server.py MODE``:

- ``exit``: writes a reason to stderr and exits at once with status 3;
- ``silent``: reads requests and never answers;
- ``paged``: answers normally, lists its tools over three pages, writes 2 MB to stderr first
  (a server whose stderr is not drained would block);
- ``die_on_call``: answers normally, but exits when a tool is called.
"""

from __future__ import annotations

import json
import sys

MODE = sys.argv[1] if len(sys.argv) > 1 else "paged"
PAGES = {
    None: (["alpha", "beta"], "page2"),
    "page2": (["gamma"], "page3"),
    "page3": (["delta"], None),
}


def send(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def tool(name: str) -> dict[str, object]:
    return {
        "name": name,
        "description": f"The {name} tool.",
        "inputSchema": {"type": "object", "properties": {"x": {"type": "string"}}},
    }


def main() -> None:
    if MODE == "exit":
        print("fatal: missing configuration file settings.toml", file=sys.stderr, flush=True)
        sys.exit(3)
    if MODE == "paged":
        for i in range(20_000):
            sys.stderr.write(f"log line {i} " + "x" * 90 + "\n")
        sys.stderr.flush()
    for line in sys.stdin:
        message = json.loads(line)
        if MODE == "silent" or "id" not in message:
            continue
        method, rid = message.get("method"), message["id"]
        params = message.get("params") or {}
        if method == "initialize":
            result: dict[str, object] = {
                "protocolVersion": params["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "raw", "version": "1"},
            }
        elif method == "tools/list":
            names, cursor = PAGES[params.get("cursor")]
            result = {"tools": [tool(n) for n in names]}
            if cursor:
                result["nextCursor"] = cursor
        elif method == "tools/call":
            if MODE == "die_on_call":
                print("crashed while calling", file=sys.stderr, flush=True)
                sys.exit(1)
            text = json.dumps(params.get("arguments"))
            result = {
                "content": [{"type": "text", "text": text}],
                "structuredContent": {"ok": True},
            }
        else:
            send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "no"}})
            continue
        send({"jsonrpc": "2.0", "id": rid, "result": result})


if __name__ == "__main__":
    main()
