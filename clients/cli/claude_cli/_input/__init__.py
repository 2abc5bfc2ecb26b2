"""The prompt: a prompt_toolkit input box with completion, history, stash and vi mode.

prompt_toolkit is imported by these modules; import them only when the interactive UI starts.
"""

from claude_cli._input._box import InputActions, InputBox
from claude_cli._input._complete import CommandInfo, PromptCompleter

__all__ = ["CommandInfo", "InputActions", "InputBox", "PromptCompleter"]
