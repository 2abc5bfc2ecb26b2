"""A skill's ``allowed-tools``: a YAML list, or one string separated by commas or spaces."""

from __future__ import annotations


def parse_allowed_tools(value: str | list[str] | None) -> list[str]:
    """The rules of an ``allowed-tools`` value.

    ``"Bash(git add *), Read"`` and ``"Bash(git add:*) Read"`` both give two rules: separators
    inside parentheses belong to the rule.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    rules: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and (ch == "," or ch.isspace()):
            if "".join(current).strip():
                rules.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        rules.append("".join(current).strip())
    return rules
