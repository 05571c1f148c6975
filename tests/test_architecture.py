"""The shape of the package: no import cycle (also not through imports inside functions),
no module named like a standard-library one, no module over 400 lines, and deferred imports
only where start-up time needs them."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "laojia_feed"

#: The only modules that may import inside functions (start-up time; see their docstrings).
DEFERRING = frozenset({"laojia_feed", "laojia_feed.cli.commands", "laojia_feed.cli.entry"})


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, name: str) -> Iterator[tuple[str, bool]]:
    """Every module ``name`` imports from the package, and whether inside a function
    (imports only for type checking are left out)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def walk(node: ast.AST, nested: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                yield from ((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.rsplit(".", child.level - 1)[0]
                    base = f"{parent}.{base}".rstrip(".")
                yield base, inner
                yield from ((f"{base}.{alias.name}", inner) for alias in child.names)
            yield from walk(child, inner)

    tree = ast.parse(path.read_text(encoding="utf-8"))
    yield from ((m, nested) for m, nested in walk(tree, False) if m.startswith("laojia_feed"))


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, _nested in imports(path, name):
            if target in known and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle() -> None:
    edges = graph()
    # the package itself re-exports from its submodules: a package may import its children
    for name in edges:
        edges[name] = {t for t in edges[name] if not name.startswith(t + ".")}
    assert cycles(edges) == []


def test_the_cycle_check_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_imports_inside_functions_only_where_start_up_needs_them() -> None:
    deferring = {
        name
        for name, path in modules().items()
        if any(nested for _target, nested in imports(path, name))
    }
    assert deferring <= DEFERRING


def test_no_module_is_named_like_a_standard_library_module() -> None:
    stdlib = sys.stdlib_module_names
    clashes = {path.stem for path in PACKAGE.rglob("*.py") if path.stem in stdlib}
    folders = {path.name for path in PACKAGE.rglob("*") if path.is_dir() and path.name in stdlib}
    assert clashes | folders == set()


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if len(path.read_text(encoding="utf-8").splitlines()) > 400
    }
    assert long == set()
