"""The hook events: one list in the code, equal to the list Claude Code's hooks reference documents."""

from __future__ import annotations

from claude_server.config import HOOK_EVENTS, parse_hooks

# The events of Claude Code's hooks reference (code.claude.com/docs/en/hooks), written down here
# by hand so a change on either side shows as a failing test.
DOCUMENTED = {
    "PreToolUse", "PermissionRequest", "PermissionDenied", "PostToolUse", "PostToolUseFailure",
    "PostToolBatch", "Notification", "UserPromptSubmit", "UserPromptExpansion", "MessageDisplay",
    "Stop", "StopFailure", "SubagentStart", "SubagentStop", "TaskCreated", "TaskCompleted",
    "TeammateIdle", "PreCompact", "PostCompact", "Setup", "SessionStart", "SessionEnd",
    "InstructionsLoaded", "ConfigChange", "CwdChanged", "DirectoryAdded", "FileChanged",
    "WorktreeCreate", "WorktreeRemove", "Elicitation", "ElicitationResult",
}  # fmt: skip


def test_the_hook_events_are_the_documented_ones() -> None:
    assert set(HOOK_EVENTS) == DOCUMENTED
    assert len(HOOK_EVENTS) == len(DOCUMENTED)


def test_every_documented_event_is_accepted_in_settings_and_others_are_reported() -> None:
    group = {"hooks": [{"type": "command", "command": "true"}]}
    config, problems = parse_hooks({name: [group] for name in DOCUMENTED})
    assert problems == [] and set(config) == DOCUMENTED
    _, problems = parse_hooks({"PreToolCall": [group]})
    assert problems == ["hooks.PreToolCall: unknown hook event (ignored)"]
