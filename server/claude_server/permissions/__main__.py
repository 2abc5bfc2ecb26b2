"""``python -m claude_server.permissions check TOOL 'JSON_INPUT' [--cwd DIR] [--mode MODE]``."""

from claude_server.permissions._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
