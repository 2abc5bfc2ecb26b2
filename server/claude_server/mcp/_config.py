"""MCP server definitions: where they are read from, their shape, and ``${VAR}`` expansion.

Files are Claude Code's: the project's ``.mcp.json`` and ``.claude/mcp.json`` and the user's
``~/.claude/mcp.json``, each ``{"mcpServers": {name: definition}}``. A broken file or server
entry becomes a readable problem; the rest still loads.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError


class StdioServerConfig(BaseModel):
    """A server run as a subprocess, speaking MCP over its stdin and stdout."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["stdio"] = "stdio"
    command: str = Field(min_length=1)
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    name: str = ""
    """The server's name (the key in ``mcpServers``); set by the loader."""
    source: str = ""
    """The file the definition came from; set by the loader."""


class RemoteServerConfig(BaseModel):
    """A server reached over HTTP: streamable HTTP (``http``) or the older SSE transport."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["http", "sse"]
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    name: str = ""
    """The server's name (the key in ``mcpServers``); set by the loader."""
    source: str = ""
    """The file the definition came from; set by the loader."""


McpServerConfig = Annotated[StdioServerConfig | RemoteServerConfig, Field(discriminator="type")]
"""One server definition."""

_SERVER_ADAPTER: TypeAdapter[StdioServerConfig | RemoteServerConfig] = TypeAdapter(McpServerConfig)


@dataclass(slots=True)
class McpConfig:
    """What the MCP config files define: servers by name, and what was wrong in them."""

    servers: dict[str, StdioServerConfig | RemoteServerConfig] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Readable problems (file, server, field); the servers they concern may still be listed."""


def config_paths(project_dir: Path, home: Path | None = None) -> list[Path]:
    """The files read, lowest precedence first: user, then ``.claude/mcp.json``, ``.mcp.json``."""
    return [*user_config_paths(home), *project_config_paths(project_dir)]


def user_config_paths(home: Path | None = None) -> list[Path]:
    """The user's own server files (they run without asking)."""
    home = home if home is not None else Path.home()
    return [home / ".claude" / "mcp.json"]


def project_config_paths(project_dir: Path) -> list[Path]:
    """The project's server files, lowest precedence first (they run only once the folder is
    trusted and each server enabled)."""
    return [project_dir / ".claude" / "mcp.json", project_dir / ".mcp.json"]


def load_mcp_config(
    project_dir: Path,
    *,
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> McpConfig:
    """Every server of the user's and the project's files; a later file wins on a name clash."""
    return load_mcp_files(config_paths(project_dir, home), environ=environ)


def load_mcp_files(paths: Iterable[Path], *, environ: Mapping[str, str] | None = None) -> McpConfig:
    """The servers of ``paths`` (missing files are skipped; later files win on a name clash)."""
    env = os.environ if environ is None else environ
    result = McpConfig()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(f"{path}: cannot be read ({exc})")
            continue
        servers, problems = parse_mcp_json(text, source=str(path), environ=env)
        result.servers.update(servers)
        result.problems.extend(problems)
    return result


def parse_mcp_json(
    text: str, *, source: str, environ: Mapping[str, str] | None = None
) -> tuple[dict[str, StdioServerConfig | RemoteServerConfig], list[str]]:
    """The servers defined by one file's text, and its problems (each naming ``source``)."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    servers: dict[str, StdioServerConfig | RemoteServerConfig] = {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return servers, [f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno})"]
    if not isinstance(data, dict):
        return servers, [f"{source}: must be a JSON object with an 'mcpServers' field"]
    entries = data.get("mcpServers", {})
    if not isinstance(entries, dict):
        return servers, [f"{source}: mcpServers must be an object (server name -> definition)"]
    for name, raw in entries.items():
        where = f"{source}: mcpServers.{name}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object")
            continue
        # Claude Code treats a definition without "type" as stdio.
        raw = {"type": "stdio", **raw} if "type" not in raw else raw
        expanded = _expand_tree(raw, name, source, env, problems)
        try:
            server = _SERVER_ADAPTER.validate_python(expanded)
        except ValidationError as exc:
            problems.extend(f"{where}: {_describe(err)}" for err in exc.errors(include_url=False))
            continue
        servers[name] = server.model_copy(update={"name": name, "source": source})
    return servers, problems


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

# Where Claude Code expands variables: command, args, env, url and headers.
_EXPANDED_FIELDS = frozenset({"command", "args", "env", "url", "headers"})


def expand_vars(template: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """``template`` with ``${VAR}`` and ``${VAR:-default}`` expanded, and the missing names.

    A variable that is unset (or empty, for the ``:-`` form) takes its default; one that is
    unset with no default is left as written, as Claude Code does, and reported as missing.
    """
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = environ.get(name)
        if value is not None and (value != "" or default is None):
            return value
        if default is not None:
            return default
        missing.append(name)
        return match.group(0)

    return _VAR.sub(replace, template), missing


def _expand_tree(
    raw: dict[str, Any],
    server: str,
    source: str,
    environ: Mapping[str, str],
    problems: list[str],
) -> dict[str, Any]:
    def expand(value: Any, where: str) -> Any:
        if isinstance(value, str):
            expanded, missing = expand_vars(value, environ)
            problems.extend(
                f"{source}: mcpServers.{server}.{where}: environment variable {name} is not set "
                "and has no default"
                for name in missing
            )
            return expanded
        if isinstance(value, list):
            return [expand(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {key: expand(item, f"{where}.{key}") for key, item in value.items()}
        return value

    return {key: expand(v, key) if key in _EXPANDED_FIELDS else v for key, v in raw.items()}


def _describe(err: Any) -> str:
    loc = [str(part) for part in err.get("loc", ())]
    # The discriminated union puts the variant tag first in the location; it is noise here.
    if loc and loc[0] in ("stdio", "http", "sse"):
        loc = loc[1:]
    where = ".".join(loc) or "definition"
    kind = err.get("type")
    if kind == "missing":
        return f"{where}: this required field is missing"
    if kind == "union_tag_invalid":
        return f"type: must be 'stdio', 'http' or 'sse' (got {err.get('input', {}).get('type')!r})"
    message = str(err.get("msg", "invalid value"))
    return f"{where}: {message}"
