"""Lists that want to hear of every backend activated (the pytest plugin's report).

Kept apart from ``transports`` so the plugin can register without importing
botocore in test runs that never touch STS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .backend import STSBackend

observers: list[list[STSBackend]] = []


def activated(backend: STSBackend) -> None:
    for seen in observers:
        if backend not in seen:
            seen.append(backend)
