"""Every documented rule form and the precedence between lists and files, as a table.

Each row: rules per settings file, one tool call, and the expected decision. ``None`` means no
rule decides and the mode's default applies (the decision's source is then ``mode``). The comment
on each row names the behaviour Claude Code documents (code.claude.com/docs/en/permissions); rows
marked SAFER deliberately decide more cautiously than Claude Code does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from .conftest import World


@dataclass(frozen=True)
class Row:
    tool: str
    input: dict[str, Any]
    expected: str | None
    project: dict[str, list[str]] = field(default_factory=dict)
    user: dict[str, list[str]] = field(default_factory=dict)
    local: dict[str, list[str]] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)
    """link (relative to proj) -> target (formatted with {home}/{proj}/{root})."""


def bash(cmd: str, **extra: Any) -> dict[str, Any]:
    return {"command": cmd, **extra}


def fp(path: str) -> dict[str, Any]:
    return {"file_path": path}


ROWS: dict[str, Row] = {
    # -- precedence: deny, then ask, then allow; specificity does not matter --------------------
    # A broad deny blocks a call a narrower allow matches.
    "deny-beats-allow": Row(
        "Bash",
        bash("aws s3 ls"),
        "deny",
        project={"deny": ["Bash(aws *)"], "allow": ["Bash(aws s3 ls)"]},
    ),
    # An ask rule prompts even when a more specific allow rule matches.
    "ask-beats-allow": Row(
        "Bash",
        bash("git commit -m wip"),
        "ask",
        project={"ask": ["Bash(git *)"], "allow": ["Bash(git commit *)"]},
    ),
    # The team example: allow npm run, ask before git push.
    "ask-rule": Row(
        "Bash",
        bash("git push origin main"),
        "ask",
        project={"ask": ["Bash(git push *)"], "allow": ["Bash(npm run *)"]},
    ),
    # Across files: a project deny blocks a user allow ...
    "project-deny-user-allow": Row(
        "Bash",
        bash("npm run build"),
        "deny",
        user={"allow": ["Bash(npm run *)"]},
        project={"deny": ["Bash(npm run *)"]},
    ),
    # ... and a user deny blocks a project allow.
    "user-deny-project-allow": Row(
        "Bash",
        bash("npm run build"),
        "deny",
        user={"deny": ["Bash(npm run *)"]},
        project={"allow": ["Bash(npm run *)"]},
    ),
    # A local ask still asks when the project allows.
    "local-ask-project-allow": Row(
        "Bash",
        bash("make deploy"),
        "ask",
        local={"ask": ["Bash(make deploy)"]},
        project={"allow": ["Bash(make *)"]},
    ),
    # -- bare tool names ---------------------------------------------------------------------------
    # A bare tool name matches every call of the tool.
    "bare-deny": Row("Bash", bash("echo hi"), "deny", project={"deny": ["Bash"]}),
    # Bash(*) is equivalent to Bash.
    "star-is-bare": Row("Bash", bash("echo hi"), "deny", project={"deny": ["Bash(*)"]}),
    # A scoped rule leaves other calls alone.
    "scoped-deny-other-call": Row("Bash", bash("ls"), None, project={"deny": ["Bash(rm *)"]}),
    # A tool-name rule with no path matches everywhere.
    "bare-write-deny": Row(
        "Write", {"file_path": "{proj}/a.txt", "content": "x"}, "deny", project={"deny": ["Write"]}
    ),
    # The seed's snake_case names are aliases in rules.
    "alias-in-rule": Row("Bash", bash("echo hi"), "deny", project={"deny": ["bash"]}),
    "alias-file-edit": Row("Edit", fp("{proj}/a.py"), "allow", project={"allow": ["file_edit"]}),
    # -- Bash patterns -----------------------------------------------------------------------------
    # An exact rule matches the exact command only.
    "exact": Row(
        "Bash", bash("npm run build"), "allow", project={"allow": ["Bash(npm run build)"]}
    ),
    "exact-not-longer": Row(
        "Bash", bash("npm run build --prod"), None, project={"allow": ["Bash(npm run build)"]}
    ),
    # "prefix *" matches commands starting with the prefix ...
    "prefix-star": Row(
        "Bash",
        bash("npm run test --coverage"),
        "allow",
        project={"allow": ["Bash(npm run test *)"]},
    ),
    # ... and the prefix alone (word boundary: space or end of string).
    "prefix-star-alone": Row(
        "Bash", bash("npm run test"), "allow", project={"allow": ["Bash(npm run test *)"]}
    ),
    # ":*" is an equivalent trailing wildcard.
    "colon-star": Row(
        "Bash",
        bash("npm run test --coverage"),
        "allow",
        project={"allow": ["Bash(npm run test:*)"]},
    ),
    "colon-star-git-add": Row(
        "Bash", bash("git add src/a.py"), "allow", project={"allow": ["Bash(git add:*)"]}
    ),
    # ":*" keeps the word boundary (current docs): test:unit is another word.
    "colon-star-boundary": Row(
        "Bash", bash("npm run test:unit"), None, project={"allow": ["Bash(npm run test:*)"]}
    ),
    # "ls *" matches "ls -la" but not "lsof" ...
    "boundary-ls": Row("Bash", bash("ls -la"), "allow", project={"allow": ["Bash(ls *)"]}),
    "boundary-lsof": Row("Bash", bash("lsof"), None, project={"allow": ["Bash(ls *)"]}),
    # ... while "ls*" has no boundary and matches both.
    "no-boundary": Row("Bash", bash("lsof"), "allow", project={"allow": ["Bash(ls*)"]}),
    # A leading wildcard: any command ending with " install".
    "leading-star": Row(
        "Bash", bash("npm install"), "allow", project={"allow": ["Bash(* install)"]}
    ),
    "leading-star-not-more": Row(
        "Bash", bash("npm install lodash"), None, project={"allow": ["Bash(* install)"]}
    ),
    # A middle wildcard spans several arguments.
    "middle-star": Row(
        "Bash", bash("git push origin main"), "allow", project={"allow": ["Bash(git * main)"]}
    ),
    "middle-star-no": Row(
        "Bash", bash("git checkout dev"), None, project={"allow": ["Bash(git * main)"]}
    ),
    # A colon before a non-final * is a literal character.
    "colon-literal": Row("Bash", bash("git push"), None, project={"allow": ["Bash(git:* push)"]}),
    # The --version/--help style of the docs' wildcard example.
    "star-version": Row(
        "Bash", bash("node --version"), "allow", project={"allow": ["Bash(* --version)"]}
    ),
    # -- compound commands -------------------------------------------------------------------------
    # A rule for one command does not cover "cmd && other".
    "and-other": Row(
        "Bash", bash("npm test && rm -rf build"), None, project={"allow": ["Bash(npm test *)"]}
    ),
    # Every part matched by some allow rule: allowed.
    "and-both": Row(
        "Bash",
        bash("npm test && npm run build"),
        "allow",
        project={"allow": ["Bash(npm test *)", "Bash(npm run build)"]},
    ),
    # A pipe into an uncovered command is not covered.
    "pipe-tee": Row(
        "Bash", bash("npm test | tee out.log"), None, project={"allow": ["Bash(npm test *)"]}
    ),
    # -- wrappers and assignments --------------------------------------------------------------------
    # timeout, nohup, nice, stdbuf, time are stripped before matching.
    "timeout": Row(
        "Bash", bash("timeout 30 npm test"), "allow", project={"allow": ["Bash(npm test *)"]}
    ),
    "nohup": Row("Bash", bash("nohup npm test"), "allow", project={"allow": ["Bash(npm test *)"]}),
    "nice-stdbuf-time": Row(
        "Bash",
        bash("nice -n 10 stdbuf -oL time npm test"),
        "allow",
        project={"allow": ["Bash(npm test *)"]},
    ),
    # A rule naming a tool that runs its arguments covers whatever follows.
    "devbox-run": Row(
        "Bash", bash("devbox run rm -rf ."), "allow", project={"allow": ["Bash(devbox run *)"]}
    ),
    # A known-safe variable assignment is stripped for allow rules ...
    "safe-env": Row(
        "Bash", bash("NODE_ENV=test npm test"), "allow", project={"allow": ["Bash(npm test *)"]}
    ),
    # ... deny rules match past any assignment ...
    "deny-past-assignment": Row(
        "Bash", bash("FOO=bar rm -rf tmp/"), "deny", project={"deny": ["Bash(rm *)"]}
    ),
    # ... allow rules do not match past another variable.
    "allow-not-past-other": Row(
        "Bash", bash("FOO=bar npm test"), None, project={"allow": ["Bash(npm test *)"]}
    ),
    # Bare xargs is stripped; xargs with flags is matched as xargs.
    "xargs-bare": Row(
        "Bash", bash("xargs grep pattern"), "allow", project={"allow": ["Bash(grep *)"]}
    ),
    "xargs-flags": Row(
        "Bash", bash("xargs -n1 grep pattern"), None, project={"allow": ["Bash(grep *)"]}
    ),
    # find with -exec or -delete is not covered by Bash(find *).
    "find-delete": Row(
        "Bash", bash("find . -name '*.tmp' -delete"), None, project={"allow": ["Bash(find *)"]}
    ),
    "find-plain": Row(
        "Bash", bash("find . -name '*.tmp'"), "allow", project={"allow": ["Bash(find *)"]}
    ),
    # Exec wrappers such as watch cannot be approved by a prefix rule.
    "watch": Row("Bash", bash("watch npm test"), None, project={"allow": ["Bash(watch *)"]}),
    # SAFER: Claude Code ignores Bash(command:rm *); we read it as Bash(rm *) (every part of a
    # compound command is checked, so it cannot be bypassed here).
    "command-param-deny": Row(
        "Bash", bash("rm -rf x"), "deny", project={"deny": ["Bash(command:rm *)"]}
    ),
    # Parameter rules: Bash(run_in_background:true) matches background calls only.
    "param-bg": Row(
        "Bash",
        bash("npm run dev", run_in_background=True),
        "deny",
        project={"deny": ["Bash(run_in_background:true)"]},
    ),
    # A parameter the model omits is never matched.
    "param-omitted": Row(
        "Bash", bash("npm run dev"), None, project={"deny": ["Bash(run_in_background:true)"]}
    ),
    # -- file paths --------------------------------------------------------------------------------
    # ./.env is the .env of the current directory.
    "dot-env": Row("Read", fp("{proj}/.env"), "deny", project={"deny": ["Read(./.env)"]}),
    # A bare file name matches at any depth below the current directory ...
    "bare-name-deep": Row(
        "Read", fp("{proj}/config/.env"), "deny", project={"deny": ["Read(.env)"]}
    ),
    # ... but not in a parent directory.
    "bare-name-parent": Row("Read", fp("{home}/.env"), None, project={"deny": ["Read(.env)"]}),
    # //**/.env: anywhere on the filesystem.
    "abs-anywhere": Row(
        "Read", fp("{root}/etc/app/.env"), "deny", project={"deny": ["Read(//**/.env)"]}
    ),
    # A Read deny also blocks Edit and Write on the same path.
    "read-deny-edit": Row("Edit", fp("{proj}/.env"), "deny", project={"deny": ["Read(./.env)"]}),
    "read-deny-write": Row(
        "Write",
        {"file_path": "{proj}/.env", "content": "A=1"},
        "deny",
        project={"deny": ["Read(./.env)"]},
    ),
    # SAFER: Claude Code leaves NotebookEdit out of Read deny rules; we cover it.
    "read-deny-notebook": Row(
        "NotebookEdit", {"notebook_path": "{proj}/.env"}, "deny", project={"deny": ["Read(./.env)"]}
    ),
    # Read rules apply to the other reading tools (Grep, Glob) by their path.
    "read-deny-grep": Row(
        "Grep",
        {"pattern": "x", "path": "{proj}/secrets"},
        "deny",
        project={"deny": ["Read(./secrets/**)"]},
    ),
    # Edit(src/**) as allow: src/ of the current directory only ...
    "edit-rel-allow": Row(
        "Edit", fp("{proj}/src/app.ts"), "allow", project={"allow": ["Edit(src/**)"]}
    ),
    "edit-rel-allow-deep": Row(
        "Edit", fp("{proj}/vendor/pkg/src/lib.js"), None, project={"allow": ["Edit(src/**)"]}
    ),
    # ... as deny or ask: any src/ below it.
    "edit-rel-deny-deep": Row(
        "Edit", fp("{proj}/vendor/pkg/src/lib.js"), "deny", project={"deny": ["Edit(src/**)"]}
    ),
    # /src/** is anchored at the project for every list.
    "edit-anchored": Row(
        "Edit", fp("{proj}/src/app.ts"), "allow", project={"allow": ["Edit(/src/**)"]}
    ),
    "edit-anchored-deep": Row(
        "Edit", fp("{proj}/vendor/pkg/src/lib.js"), None, project={"allow": ["Edit(/src/**)"]}
    ),
    # **/src/** matches at any depth.
    "edit-any-depth": Row(
        "Edit", fp("{proj}/vendor/pkg/src/lib.js"), "allow", project={"allow": ["Edit(**/src/**)"]}
    ),
    # /docs/** is <project>/docs, not the filesystem's /docs.
    "single-slash-not-root": Row(
        "Edit", fp("{root}/docs/readme.md"), None, project={"deny": ["Edit(/docs/**)"]}
    ),
    "single-slash-project": Row(
        "Edit", fp("{proj}/docs/readme.md"), "deny", project={"deny": ["Edit(/docs/**)"]}
    ),
    # In user settings, /secrets/** means ~/.claude/secrets/** ...
    "user-root-not-project": Row(
        "Read", fp("{proj}/secrets/key.pem"), None, user={"deny": ["Read(/secrets/**)"]}
    ),
    "user-root": Row(
        "Read", fp("{home}/.claude/secrets/key.pem"), "deny", user={"deny": ["Read(/secrets/**)"]}
    ),
    # //tmp/scratch.txt is the absolute path.
    "double-slash": Row(
        "Edit",
        fp("{root}/tmp/scratch.txt"),
        "deny",
        project={"deny": ["Edit(/{root}/tmp/scratch.txt)"]},
    ),
    # ~/ is the home directory.
    "tilde": Row("Read", fp("{home}/.zshrc"), "deny", project={"deny": ["Read(~/.zshrc)"]}),
    # SAFER: Claude Code accepts but never consults Write(path) rules; we apply them to Write.
    "write-path-rule": Row(
        "Write",
        {"file_path": "{proj}/docs/a.md", "content": "x"},
        "deny",
        project={"deny": ["Write(docs/**)"]},
    ),
    # A symlink to a denied target is denied (the target matches the deny rule) ...
    "symlink-deny": Row(
        "Read",
        fp("{proj}/project/key"),
        "deny",
        project={"allow": ["Read(./project/**)"], "deny": ["Read(~/.ssh/**)"]},
        symlinks={"project/key": "{home}/.ssh/id_rsa"},
    ),
    # ... and an allow rule needs both the link and its target to match.
    "symlink-allow": Row(
        "Read",
        fp("{proj}/project/link"),
        None,
        project={"allow": ["Read(./project/**)"]},
        symlinks={"project/link": "{root}/etc/hosts"},
    ),
    # -- WebFetch ----------------------------------------------------------------------------------
    "domain": Row(
        "WebFetch",
        {"url": "https://example.com/page"},
        "allow",
        project={"allow": ["WebFetch(domain:example.com)"]},
    ),
    # *.example.com: subdomains at any depth, not example.com itself.
    "domain-sub": Row(
        "WebFetch",
        {"url": "https://a.b.example.com/x"},
        "allow",
        project={"allow": ["WebFetch(domain:*.example.com)"]},
    ),
    "domain-sub-not-apex": Row(
        "WebFetch",
        {"url": "https://example.com/x"},
        None,
        project={"allow": ["WebFetch(domain:*.example.com)"]},
    ),
    # example.*: the * does not cross a dot.
    "domain-tld": Row(
        "WebFetch",
        {"url": "https://example.org/"},
        "allow",
        project={"allow": ["WebFetch(domain:example.*)"]},
    ),
    "domain-tld-no-dot": Row(
        "WebFetch",
        {"url": "https://example.evil.com/"},
        None,
        project={"allow": ["WebFetch(domain:example.*)"]},
    ),
    # Case-insensitive, trailing dot ignored.
    "domain-case-dot": Row(
        "WebFetch",
        {"url": "https://example.com./a"},
        "allow",
        project={"allow": ["WebFetch(domain:Example.COM)"]},
    ),
    # The host is what counts, not user info that looks like a host.
    "domain-userinfo": Row(
        "WebFetch",
        {"url": "https://example.com@evil.com/"},
        None,
        project={"allow": ["WebFetch(domain:example.com)"]},
    ),
    "webfetch-bare": Row(
        "WebFetch", {"url": "https://docs.python.org/3/"}, "deny", project={"deny": ["WebFetch"]}
    ),
    # -- MCP ---------------------------------------------------------------------------------------
    # mcp__server: every tool of the server.
    "mcp-server": Row(
        "mcp__puppeteer__puppeteer_navigate", {}, "allow", project={"allow": ["mcp__puppeteer"]}
    ),
    # mcp__server__*: the same, with a wildcard (current docs).
    "mcp-server-star": Row(
        "mcp__puppeteer__puppeteer_navigate", {}, "allow", project={"allow": ["mcp__puppeteer__*"]}
    ),
    # mcp__server__tool: that tool only.
    "mcp-tool-other": Row(
        "mcp__puppeteer__puppeteer_click",
        {},
        None,
        project={"allow": ["mcp__puppeteer__puppeteer_navigate"]},
    ),
    "mcp-tool": Row(
        "mcp__puppeteer__puppeteer_click",
        {},
        "allow",
        project={"allow": ["mcp__puppeteer__puppeteer_click"]},
    ),
    # mcp__* denies every MCP tool ...
    "mcp-deny-all": Row("mcp__github__get_issue", {}, "deny", project={"deny": ["mcp__*"]}),
    # ... but an unanchored allow glob approves nothing.
    "mcp-allow-all-skipped": Row("mcp__github__get_issue", {}, None, project={"allow": ["mcp__*"]}),
    # A glob within one server.
    "mcp-prefix": Row(
        "mcp__github__get_issue", {}, "allow", project={"allow": ["mcp__github__get_*"]}
    ),
    "mcp-prefix-other": Row(
        "mcp__github__create_issue", {}, None, project={"allow": ["mcp__github__get_*"]}
    ),
    # "*" denies every tool; as an allow it is skipped.
    "star-deny": Row("Read", fp("{proj}/README.md"), "deny", project={"deny": ["*"]}),
    "star-allow-skipped": Row("Edit", fp("{proj}/README.md"), None, project={"allow": ["*"]}),
    # -- Agent ---------------------------------------------------------------------------------------
    "agent-type": Row(
        "Agent",
        {"subagent_type": "Explore", "prompt": "..."},
        "deny",
        project={"deny": ["Agent(Explore)"]},
    ),
    "task-alias": Row(
        "Task",
        {"subagent_type": "Explore", "prompt": "..."},
        "deny",
        project={"deny": ["Task(Explore)"]},
    ),
    "agent-model": Row(
        "Agent",
        {"subagent_type": "x", "model": "opus"},
        "deny",
        project={"deny": ["Agent(model:opus)"]},
    ),
    # The literal value counts: a full model id is not the alias.
    "agent-model-literal": Row(
        "Agent",
        {"subagent_type": "x", "model": "claude-opus-4-8"},
        None,
        project={"deny": ["Agent(model:opus)"]},
    ),
    "agent-param-omitted": Row(
        "Agent", {"subagent_type": "x"}, None, project={"deny": ["Agent(model:*)"]}
    ),
    "agent-param-star": Row(
        "Agent",
        {"subagent_type": "x", "isolation": "worktree"},
        "deny",
        project={"deny": ["Agent(isolation:*)"]},
    ),
}


def _setup(world: World, row: Row) -> None:
    for scope in ("user", "project", "local"):
        lists = getattr(row, scope)
        if lists:
            world.write(
                scope, {"permissions": {k: [world.fmt(r) for r in v] for k, v in lists.items()}}
            )
    for link, target in row.symlinks.items():
        path = world.proj / link
        path.parent.mkdir(parents=True, exist_ok=True)
        real = world.root / world.fmt(target).removeprefix(str(world.root)).lstrip("/")
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text("secret")
        path.symlink_to(real)


@pytest.mark.parametrize("row_id", list(ROWS))
def test_documented_rule_behaviour(world: World, row_id: str) -> None:
    row = ROWS[row_id]
    _setup(world, row)
    checker = world.checker()
    assert checker.problems == [] or row_id.endswith("skipped") or row_id == "command-param-deny"
    decision = checker.check(row.tool, world.fmt(row.input))
    if row.expected is None:
        assert decision.source == "mode", decision
        assert decision.rule is None
    else:
        assert decision.behavior == row.expected, decision
        assert decision.rule is not None and decision.source is not None
        assert decision.source.endswith(".json"), decision
