"""The shape of the code, checked: public surfaces, private modules, file size, hidden cycles.

import-linter (``lint-imports``) keeps the arrows between packages pointing down; these tests
check what it cannot.
"""

from __future__ import annotations

import ast
import concurrent.futures
import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {
    "claude_server": ROOT / "server" / "claude_server",
    "claude_cli": ROOT / "clients" / "cli" / "claude_cli",
}
MAX_LINES = 800
GENERATED = {ROOT / "clients" / "cli" / "claude_cli" / "_wire.py"}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def package(self) -> str:
        """The module's own package (itself when it is a package's ``__init__``)."""
        if self.path.name == "__init__.py":
            return self.name
        return self.name.rpartition(".")[0]


def _parse(path: Path) -> ast.Module:
    # In a fresh thread: CPython 3.11 can fail ast.parse ("AST constructor recursion depth
    # mismatch") in a thread whose recursion counter an earlier, caught RecursionError left off.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(ast.parse, path.read_text(encoding="utf-8"), str(path)).result()


def _modules() -> Iterator[Module]:
    for root_name, root in SOURCES.items():
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([root_name, *parts])
            yield Module(name, path, _parse(path))


MODULES = list(_modules())
BY_NAME = {m.name: m for m in MODULES}


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imported(module: Module, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The project modules one import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        target = _resolve(module, node)
        names = [
            f"{target}.{a.name}" if f"{target}.{a.name}" in BY_NAME else target for a in node.names
        ]
    return list(dict.fromkeys(n for n in names if n.split(".")[0] in SOURCES))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(module: Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported (not under TYPE_CHECKING, not in functions)."""
    stack: list[ast.stmt] = list(module.tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                stack.extend(handler.body)


def _function_imports(module: Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner


def _all_imports(module: Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def _load_time_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m.name: set() for m in MODULES}
    for module in MODULES:
        for node in _top_level_imports(module):
            for target in _imported(module, node):
                # Importing a.b.c runs a/__init__ and a.b/__init__ too.
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    name = ".".join(parts[:i])
                    # Its own enclosing packages are already being imported: no new edge.
                    enclosing = module.name.startswith(name + ".")
                    if name in graph and name != module.name and not enclosing:
                        graph[module.name].add(name)
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def test_no_function_local_import_hides_an_import_cycle() -> None:
    # A lazy import is fine (start-up speed); one that would close a cycle at load time is not.
    graph = _load_time_graph()
    hidden = [
        f"{module.name} imports {target} inside a function, and {target} imports it back"
        for module in MODULES
        for node in _function_imports(module)
        for target in _imported(module, node)
        if target != module.name and _reaches(graph, target, module.name)
    ]
    assert hidden == []


def _private_part(name: str) -> str | None:
    for part in name.split(".")[1:]:
        if part.startswith("_") and not part.startswith("__"):
            return part
    return None


def test_no_module_reaches_into_another_packages_private_modules() -> None:
    leaks = []
    for module in MODULES:
        for node in _all_imports(module):
            for target in _imported(module, node):
                private = _private_part(target)
                if private is None:
                    continue
                owner = target.split("." + private)[0]
                inside = module.name == owner or module.name.startswith(owner + ".")
                if not inside:
                    leaks.append(f"{module.name} imports {target}")
    assert leaks == []


def _packages() -> list[str]:
    return sorted(
        m.name
        for m in MODULES
        if m.path.name == "__init__.py" and m.name.startswith("claude_server")
    )


@pytest.mark.parametrize("name", _packages())
def test_each_package_declares_its_public_surface(name: str) -> None:
    package = importlib.import_module(name)
    exported = getattr(package, "__all__", None)
    assert isinstance(exported, list | tuple), f"{name} has no __all__"
    assert len(set(exported)) == len(exported), f"{name}.__all__ names something twice"
    missing = [n for n in exported if not hasattr(package, n)]
    assert missing == []
    # What its private modules define and it re-exports is public, so it must be declared.
    public = {
        n
        for n, v in vars(package).items()
        if not n.startswith("_") and str(getattr(v, "__module__", "")).startswith(name + "._")
    }
    undeclared = public - set(exported)
    assert undeclared == set(), f"{name} re-exports names outside __all__: {sorted(undeclared)}"


def test_every_private_module_is_importable_as_a_package_part() -> None:
    # pkgutil agrees with the files: no stray module outside a package.
    for root_name in SOURCES:
        root = importlib.import_module(root_name)
        names = {m.name for m in pkgutil.walk_packages(root.__path__, root_name + ".")}
        files = {m.name for m in MODULES if m.name.startswith(root_name + ".")}
        assert files - names == set()


def test_source_files_stay_small() -> None:
    large = [
        f"{m.path.relative_to(ROOT)}: {n} lines"
        for m in MODULES
        if m.path not in GENERATED
        and (n := len(m.path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert large == []
