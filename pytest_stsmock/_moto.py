"""The one place that knows moto's internals.

moto answers every AWS request from a ``before-send`` handler
(``moto.core.botocore_stubber.BotocoreStubber``), registered when moto is
imported, which runs before botocore's ``Endpoint._send``.  While a mock of
ours is active, its ``__call__`` is wrapped to decline STS requests, so they
reach our transport; everything else is still moto's.  moto may be imported
before or after activation: :func:`patch_stubber` covers the first case and
:func:`patch_stubber_if_imported_late` (called by the adapters before each
STS request) the second.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .transports import registry

_STUBBER_MODULE = "moto.core.botocore_stubber"


def _stubber() -> Any:
    return getattr(sys.modules.get(_STUBBER_MODULE), "BotocoreStubber", None)


def patch_stubber() -> Callable[[], None] | None:
    """Wrap moto's stubber to decline STS; the undo, or None if moto is absent or wrapped."""
    stubber = _stubber()
    if stubber is None or getattr(stubber.__call__, "_stsmock", False):
        return None
    original = stubber.__call__

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if registry.is_active() and event_name.startswith("before-send.sts."):
            return None  # STS is ours; let the request reach Endpoint._send
        return original(self, event_name, request, **kwargs)

    __call__._stsmock = True  # type: ignore[attr-defined]
    stubber.__call__ = __call__

    def undo() -> None:
        stubber.__call__ = original

    return undo


def patch_stubber_if_imported_late() -> None:
    """moto may be imported after activation: wrap its stubber before its first STS request."""
    stubber = _stubber()
    if stubber is not None and not getattr(stubber.__call__, "_stsmock", False):
        with registry.lock:
            undo = patch_stubber() if registry.is_active() else None
            if undo is not None:
                registry.add_late_undo(undo)


def aws_mock_active() -> bool:
    """True while moto's ``mock_aws`` is active (moto then answers IAM itself)."""
    module = sys.modules.get("moto.core.models")
    stubber = getattr(module, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))
