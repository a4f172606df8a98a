"""Activation: the patches of every in-process adapter go in with the first mock, out with the last.

The only module that imports every adapter; ``mock_sts`` calls it and nothing
else of the transports.  Patch points, as class attributes so clients made
before activation are caught too:

* ``botocore.endpoint.Endpoint._send`` (``botocore_endpoint``);
* moto's ``before-send`` stubber, wrapped to decline STS (``_moto``), now or
  right after its late import (``_late_import``: no per-request check);
* aiobotocore's ``AioEndpoint._send``, now or at the first endpoint made after
  its late import (``aiobotocore_endpoint``);
* ``requests.adapters.HTTPAdapter.send`` for STS hosts, now or at its late import
  (``requests_adapter``);

The late imports (moto, aiobotocore, requests) are watched by one
``sys.meta_path`` finder (``_late_import.after_imports``): one insert and one
removal per activation, whatever the number of libraries not yet imported.
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
    late: dict[str, registry.Undo] = {}  # module name -> what to patch right after its import
    moto_undo = _moto.patch_stubber()
    if moto_undo is not None:
        undo.append(moto_undo)
    elif not _moto.stubber_imported():
        late[_moto.STUBBER_MODULE] = _moto_imported_late
    aio_undo = aiobotocore_endpoint.install()
    if aio_undo is not None:
        undo.append(aio_undo)
    else:
        late[aiobotocore_endpoint.MODULE] = aiobotocore_endpoint.watch_endpoints_if_active
    if requests_adapter.imported():
        undo.append(requests_adapter.patch())
    else:
        late[requests_adapter.MODULE] = requests_adapter.patch_if_active
    if late:
        undo.append(_late_import.after_imports(late))  # one finder watches them all
    undo.append(file_cache.patch())
    return undo


def _read_moto(backend: STSBackend) -> None:
    """Give ``backend`` moto's IAM to read whenever moto's ``mock_aws`` is active."""
    if backend.external is None:
        backend.external = _moto.MotoIam()


def _moto_imported_late() -> None:
    """Right after moto's stubber is imported while a mock is active: wrap it, and let the
    active backends read moto's IAM (no ``mock_aws`` can have started before this)."""
    _moto.patch_stubber_if_imported_late()
    with registry.lock:
        for backend in registry.active():
            _read_moto(backend)


def activate(backend: STSBackend, *, iam: bool = True) -> None:
    """Make ``backend`` answer STS (and IAM, unless ``iam`` is False); install the patches
    if this is the first activation.

    A backend reads moto's IAM state (``backend.external``) once moto is imported:
    now if it is, else right after its import (``_moto_imported_late``), before
    any ``mock_aws`` can be active.  Most processes never import moto, and their
    activations make no reader.
    """
    if _moto.stubber_imported():
        _read_moto(backend)
    registry.push(backend, _install, iam=iam)
    _observe.activated(backend)


def deactivate(backend: STSBackend) -> None:
    """Stop ``backend`` answering; remove every patch when no mock is left active."""
    registry.pop(backend)


def active_backend() -> STSBackend | None:
    """The innermost active backend, or None."""
    return registry.innermost()
