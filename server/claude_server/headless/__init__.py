"""The headless edge: ``claude-py -p`` with Claude Code's flags and output formats.

It runs the engine in its own process (no pygls, no daemon) through the application layer:

- :func:`parse_args`: Claude Code's headless flags as a :class:`HeadlessArgs`;
- :func:`run`: one run, writing ``text``, ``json`` or ``stream-json`` to a :class:`Streams`.
"""

from claude_server.headless._args import UNSUPPORTED, HeadlessArgs, parse_args
from claude_server.headless._run import Streams, run
from claude_server.headless._sink import Sink

__all__ = ["UNSUPPORTED", "HeadlessArgs", "Sink", "Streams", "parse_args", "run"]
