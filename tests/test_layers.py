"""The package's layering, checked from its source: what may import what."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import pytest_stsmock

PACKAGE = Path(pytest_stsmock.__file__).parent
PATCH = re.compile(r"\w\.(?:_send|send|_send_request|__init__|__call__) = ")
ADAPTERS = ("botocore_endpoint", "aiobotocore_endpoint", "requests_adapter", "http_server")


def _imported_modules(path: Path) -> set[str]:
    """Dotted names of the package's modules that ``path`` imports (at any depth)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("pytest_stsmock")}


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_no_transport_adapter_imports_another(adapter: str) -> None:
    imported = _imported_modules(PACKAGE / "transports" / f"{adapter}.py")
    others = {f"pytest_stsmock.transports.{name}" for name in ADAPTERS if name != adapter}
    assert not imported & others
    assert "pytest_stsmock.transports.install" not in imported


def test_only_the_transports_and_moto_module_patch_botocore_and_requests() -> None:
    patchers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if PATCH.search(path.read_text())
    }
    assert patchers == {
        "transports/botocore_endpoint.py",
        "transports/aiobotocore_endpoint.py",
        "transports/requests_adapter.py",
        "_moto.py",
    }


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _runtime_imports(path: Path, *, type_checking: bool = False) -> list[tuple[str, str]]:
    """(module, name) pairs ``path`` imports at run time (and under TYPE_CHECKING if asked)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST) -> None:
        if (
            not type_checking
            and isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test)
        ):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.extend((target, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return [(target, name) for target, name in found if target.startswith("pytest_stsmock")]


def _private_reach_ins(path: Path) -> list[str]:
    importer = _module_name(path)
    problems = []
    for target, name in _runtime_imports(path, type_checking=True):
        full = f"{target}.{name}" if name else target
        if name.startswith("_") and f"{target}.{name}" not in MODULES:
            problems.append(f"{importer} imports the private name {name} of {target}")
            continue
        parts = full.split(".")
        for depth, part in enumerate(parts):
            owner = ".".join(parts[:depth])
            if part.startswith("_") and not (importer == owner or importer.startswith(owner + ".")):
                problems.append(f"{importer} imports {full}, private to {owner}")
                break
    return problems


def test_no_module_reaches_into_another_modules_private_names() -> None:
    problems = [problem for path in PACKAGE.rglob("*.py") for problem in _private_reach_ins(path)]
    assert problems == []


def test_the_package_has_no_import_circle() -> None:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges = graph.setdefault(name, set())
        for target, imported in _runtime_imports(path):
            child = f"{target}.{imported}"
            edges.add(child if child in MODULES else target)
        edges.discard(name)
    # A package's __init__ importing its own submodules, which import siblings
    # through the package, is how Python packages are built: count only edges
    # between modules, not from a submodule up to its own package.
    for name in graph:
        graph[name] = {t for t in graph[name] if t in MODULES and not name.startswith(t + ".")}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                walk(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert cycles == []


def test_no_aws_error_names_its_own_status() -> None:
    # Statuses live in errors.HTTP_STATUS, by error code; a call site passing
    # one would be a second place to keep them.
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "AwsError"
                and (
                    len(node.args) > 2 or any(k.arg in ("status", "sender") for k in node.keywords)
                )
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []
