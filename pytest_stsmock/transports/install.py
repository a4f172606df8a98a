"""Activation: the patches of every in-process adapter go in with the first mock, out with the last.

The only module that imports every adapter; ``mock_sts`` calls it and nothing
else of the transports.  Patch points, as class attributes so clients made
before activation are caught too:

* ``botocore.endpoint.Endpoint._send`` (``botocore_endpoint``);
* moto's ``before-send`` stubber, wrapped to decline STS (``_moto``), now or
  right after its late import (``_late_import``: no per-request check);
* aiobotocore's ``AioEndpoint._send``, now or at its late import
  (``aiobotocore_endpoint``);
* ``requests.adapters.HTTPAdapter.send`` for STS hosts, now or at its late import
  (``requests_adapter``);
* botocore's ``JSONFileCache`` directory, kept out of the user's home
  (``file_cache``; not a way in, but it must not outlive the backend).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_stsmock import _moto, _observe

from . import (
    _late_import,
    aiobotocore_endpoint,
    botocore_endpoint,
    file_cache,
    registry,
    requests_adapter,
)

if TYPE_CHECKING:
    from pytest_stsmock.backend import STSBackend


def _install() -> list[registry.Undo]:
    undo = [botocore_endpoint.patch()]
    moto_undo = _moto.patch_stubber()
    if moto_undo is not None:
        undo.append(moto_undo)
    elif not _moto.stubber_imported():
        undo.append(
            _late_import.after_import(_moto.STUBBER_MODULE, _moto.patch_stubber_if_imported_late)
        )
    undo.append(aiobotocore_endpoint.install())
    undo.append(requests_adapter.install())
    undo.append(file_cache.patch())
    return undo


def activate(backend: STSBackend, *, iam: bool = True) -> None:
    """Make ``backend`` answer STS (and IAM, unless ``iam`` is False); install the patches
    if this is the first activation."""
    if backend.external is None:  # read moto's IAM state whenever its mock_aws is active
        backend.external = _moto.MotoIam()
    registry.push(backend, _install, iam=iam)
    _observe.activated(backend)


def deactivate(backend: STSBackend) -> None:
    """Stop ``backend`` answering; remove every patch when no mock is left active."""
    registry.pop(backend)


def active_backend() -> STSBackend | None:
    """The innermost active backend, or None."""
    return registry.innermost()
