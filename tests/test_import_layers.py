"""The core's modules import one way: the core never imports a plugin, the layers below the pages never import
the pages, and the tables' modules do not import one another in a circle.

Read from the sources' module-level imports (an import inside a function is deferred on purpose and runs only
when called; one under `if TYPE_CHECKING:` never runs).
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import trato

CORE = Path(trato.__file__).parent
# The web layer: the generic pages, the app's own pages, the REST API, and each concern's page modules (any
# module that makes a blueprint or adds routes to one).
WEB_PACKAGES = ("trato.views", "trato.web", "trato.api")
VERBS = {"get", "post", "put", "patch", "delete", "route"}
# What puts the layers together may import every one of them (activity.setup mounts the activity pages).
ASSEMBLY = ("trato", "trato.app", "trato.wsgi", "trato.cli", "trato.hooks.adopt", "trato.testing",
            "trato.activity.setup")


def _name(path: Path) -> str:
    parts = path.relative_to(CORE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in CORE.rglob("*.py")}


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def is_web(name: str) -> bool:
    return _within(name, WEB_PACKAGES) or _adds_routes(name)


@cache
def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text())


@cache
def _adds_routes(name: str) -> bool:
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Blueprint":
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in VERBS
                for d in node.decorator_list):
            return True
    return False


def _top_level(tree: ast.Module) -> Iterator[ast.stmt]:
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        yield from (node.body + node.orelse if isinstance(node, (ast.If, ast.Try)) else [node])


@cache
def imports(name: str, *, top_level: bool = True) -> frozenset[str]:
    """The modules (of any project) `name` imports, resolved to absolute names."""
    tree = _tree(name)
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _top_level(tree) if top_level else ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            found |= {f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target
                      for alias in node.names}
    return frozenset(found)


def test_the_core_never_imports_a_plugin():
    offenders = {name: sorted(m for m in imports(name, top_level=False) if m.startswith("trato_"))
                 for name in MODULES}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_layers_below_the_pages_never_import_the_pages():
    offenders = {}
    for name in MODULES:
        if is_web(name) or _within(name, ASSEMBLY[1:]) or name == "trato":
            continue
        web = sorted(m for m in imports(name) if m.startswith("trato.") and is_web(m))
        if web:
            offenders[name] = web
    assert offenders == {}


def test_no_models_module_imports_another_in_a_circle():
    models = [n for n in MODULES if n.endswith(".models") or n == "trato.models"]
    graph = {n: {m for m in imports(n) if m in MODULES} for n in MODULES}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            for nxt in graph.get(current, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    circles = sorted((a, b) for a in models for b in models if a < b and reaches(a, b) and reaches(b, a))
    assert circles == []
