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
