"""Reading an image from the system clipboard (for Ctrl+V) and writing text to it (/copy)."""

from __future__ import annotations

import platform
import shutil
import subprocess
from dataclasses import dataclass

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@dataclass(frozen=True, slots=True)
class ClipboardImage:
    """An image read from the clipboard, or why there is none."""

    data: bytes | None = None
    media_type: str = "image/png"
    error: str | None = None


def _run(cmd: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(cmd, input=data, capture_output=True, timeout=3, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _wayland() -> ClipboardImage | None:
    if not shutil.which("wl-paste"):
        return None
    listed = _run(["wl-paste", "--list-types"])
    types = (
        listed.stdout.decode(errors="replace").split() if listed and not listed.returncode else []
    )
    for media in _IMAGE_TYPES:
        if media in types:
            got = _run(["wl-paste", "--no-newline", "--type", media])
            if got and not got.returncode and got.stdout:
                return ClipboardImage(got.stdout, media)
    return ClipboardImage(error="the clipboard holds no image")


def _x11() -> ClipboardImage | None:
    if not shutil.which("xclip"):
        return None
    listed = _run(["xclip", "-selection", "clipboard", "-t", "TARGETS", "-o"])
    types = (
        listed.stdout.decode(errors="replace").split() if listed and not listed.returncode else []
    )
    for media in _IMAGE_TYPES:
        if media in types:
            got = _run(["xclip", "-selection", "clipboard", "-t", media, "-o"])
            if got and not got.returncode and got.stdout:
                return ClipboardImage(got.stdout, media)
    return ClipboardImage(error="the clipboard holds no image")


def _macos() -> ClipboardImage | None:
    if platform.system() != "Darwin":
        return None
    if shutil.which("pngpaste"):
        got = _run(["pngpaste", "-"])
        if got and not got.returncode and got.stdout:
            return ClipboardImage(got.stdout, "image/png")
        return ClipboardImage(error="the clipboard holds no image")
    return ClipboardImage(error="install pngpaste (brew install pngpaste) to paste images")


def read_image() -> ClipboardImage:
    """The clipboard's image, trying wl-paste, xclip, then macOS; an error says what is missing."""
    for reader in (_wayland, _x11, _macos):
        found = reader()
        if found is not None:
            return found
    return ClipboardImage(
        error="no clipboard tool found (install wl-clipboard or xclip to paste images)"
    )


def write_text(text: str) -> str | None:
    """Put ``text`` on the clipboard; returns an error message, or None when it worked."""
    candidates = [
        ["wl-copy"],
        ["xclip", "-selection", "clipboard", "-i"],
        ["xsel", "--clipboard", "--input"],
        ["pbcopy"],
    ]
    for cmd in candidates:
        if shutil.which(cmd[0]):
            done = _run(cmd, text.encode())
            if done is not None and done.returncode == 0:
                return None
    return "no clipboard tool found (install wl-clipboard, xclip or xsel)"


def osc52(text: str) -> str:
    """The OSC 52 escape that asks the terminal itself to set its clipboard (works over ssh)."""
    import base64

    return "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"
