"""claude-py's terminal client. It talks to the daemon and imports only its protocol package.

Module map (one idea each):

- ``__main__``: argument parsing; ``-p`` (and a non-terminal stdout) is handed by ``exec`` to
  the daemon package's headless entry, which runs the engine in that one process.
- ``_early``: the first ``initialize``, sent on a plain socket before heavy imports.
- ``_paths``, ``_connect``: where the daemon's socket is; connecting, spawning it under a lock,
  stale sockets, reconnecting with back-off; ``_rpc``: JSON-RPC over LSP framing.
- ``_session_client``: a session's updates turned into a view model (no rendering).
- ``_sessions``, ``_registry``: opening, listing, attaching, loading sessions; the views followed.
- ``_render/``: rich renderables per entry kind, the transcript (scrollback vs live region).
- ``_input/``: the prompt_toolkit input box, key bindings, completion, clipboard.
- ``_screen``, ``_widgets``: the application, bounded-rate redraws, printing above it.
- ``_pickers``, ``_permission``, ``_questions``: interactive choices and the daemon's questions.
- ``_turns``, ``_recovery``, ``_commands``, ``_background``, ``_startup``: prompts and the queue,
  losing the daemon, slash commands, Ctrl+B tasks, start-up; ``_app`` wires them together.
"""

__version__ = "0.1.0"
