"""The start-up banner, drawn without rich: it is printed before rich has been imported.

╭──────────────────────────────────────╮
│ ✻ claude-py 0.1.0                    │
│                                      │
│ cwd      /home/me/project            │
│ model    claude-sonnet-4-6           │
│ auth     env:ANTHROPIC_API_KEY       │
│ session  0f4bb7f0 (new) · daemon 0.1.0 │
╰──────────────────────────────────────╯
"""

from __future__ import annotations

from dataclasses import dataclass

_BOLD, _DIM, _ACCENT, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[35m", "\x1b[0m"
HINT = "/help for help · shift+tab: permission mode · ctrl+c: interrupt · ctrl+d: quit"


@dataclass(frozen=True, slots=True)
class BannerInfo:
    """What the start-up banner shows."""

    version: str
    cwd: str
    model: str
    auth: str
    session_id: str
    resumed: bool
    daemon: str


def _fit(text: str, room: int) -> str:
    # Long paths keep their end, which is the part that tells projects apart.
    return text if len(text) <= room else "…" + text[-(room - 1) :]


def banner_text(info: BannerInfo, width: int, color: bool) -> str:
    """The banner as terminal text (with escapes unless ``color`` is off), ending in a newline."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    room = max(20, width - 4)
    session = (
        f"{info.session_id[:8]} ({'resumed' if info.resumed else 'new'}) · daemon {info.daemon}"
    )
    rows = [
        ("", ""),
        ("cwd      ", _fit(info.cwd, room - 9)),
        ("model    ", _fit(info.model, room - 9)),
        ("auth     ", _fit(info.auth, room - 9)),
        ("session  ", _fit(session, room - 9)),
    ]
    title = f"✻ claude-py {info.version}"
    inner = min(room, max(len(title), *(len(a) + len(b) for a, b in rows)))
    border = "─" * (inner + 2)
    lines = [f"╭{border}╮"]
    title_text = (
        paint(_ACCENT, "✻") + " " + paint(_BOLD, "claude-py") + " " + paint(_DIM, info.version)
    )
    lines.append(f"│ {title_text}{' ' * (inner - len(title))} │")
    for label, value in rows:
        pad = " " * (inner - len(label) - len(value))
        lines.append(f"│ {paint(_DIM, label) if label else ''}{value}{pad} │")
    lines.append(f"╰{border}╯")
    lines.append(paint(_DIM, "  " + _fit(HINT, width - 2)))
    return "\n".join(lines) + "\n"
