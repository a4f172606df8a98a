"""The AWS credential environment while mocks are active: a stack correct in every order.

Each activation sets ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` to its
backend's default key, clears the session token and profile variables, and
names a default region if none is named.  What it must put back is kept in a
:class:`Layer` on one process-wide stack.

Design decisions:

* **Stopping the top layer** puts back what it saved, for every variable that
  still holds the value the layer set.  A variable changed since (by moto's
  ``mock_aws``, say, which is still active) is left alone, and noted as
  *pending*: a tool that changed it may later put *our* value back.
* **Stopping a layer below the top** (``a.start(); b.start(); a.stop()``)
  changes nothing in the environment; the layer above inherits what the
  stopped one would have restored, so the last stop leaves the environment as
  the first start found it.
* **Pending values** are swept: when no mock is active any more, a variable
  that holds exactly the value a stopped mock set (a fake key nobody else
  could have chosen) is put back to what that mock saved.  This is what makes
  ``monkeypatch`` safe in either fixture order: its teardown runs after the
  mock's and restores the mock's fake key, and the pytest plugin sweeps after
  every test's teardown (every start sweeps as well).
* **Values stay in the environment's own form.**  A layer keeps what it saved
  and set as the environment stores it (bytes on POSIX, see
  ``_fastpaths.environ_raw``), one slot per name of :data:`NAMES`: a start
  and a stop read and compare without decoding, and write without encoding
  again.  The encoding is one-to-one, so comparing stored forms is comparing
  the text.
"""

from __future__ import annotations

from . import _fastpaths

UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
SET = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
NAMES = (*UNSET, *SET)
#: ``NAMES`` as the environment stores them.
_KEYS = tuple(_fastpaths.environ_raw(name) for name in NAMES)
_REGION = NAMES.index("AWS_DEFAULT_REGION")
_PROFILE = NAMES.index("AWS_PROFILE")
_DEFAULT_PROFILE = NAMES.index("AWS_DEFAULT_PROFILE")
_ALL = range(len(NAMES))

#: One stored value (or None: unset) per name of ``NAMES``.
Values = list["_fastpaths.Raw | None"]
#: (stored name, stored value or None to unset).
Write = tuple["_fastpaths.Raw", "_fastpaths.Raw | None"]


class Layer:
    """What one activation set (``ours``) and what it puts back (``saved``); ``undo`` is
    the writes that put ``saved`` back while the environment still holds ``ours``."""

    __slots__ = ("ours", "saved", "undo")

    def __init__(self, saved: Values, ours: Values, undo: list[Write]) -> None:
        self.saved = saved
        self.ours = ours
        self.undo = undo


#: Active layers, outermost first.
_layers: list[Layer] = []
#: (index in NAMES, value a stopped mock set, value it saved): see the module docstring.
_pending: list[tuple[int, _fastpaths.Raw | None, _fastpaths.Raw | None]] = []


def push(access_key_id: str, secret_access_key: str, region: str) -> Layer:
    """Point the environment at this key (and region, if none is named); return the layer."""
    if not _layers and _pending:
        sweep()
    saved = _fastpaths.read_environ_raw(_KEYS)
    raw = _fastpaths.environ_raw
    # In NAMES' order: the four UNSET, then the key, its secret and the region.
    ours: Values = [
        None,
        None,
        None,
        None,
        raw(access_key_id),
        raw(secret_access_key),
        saved[_REGION] or raw(region),
    ]
    writes: list[Write] = []
    undo: list[Write] = []
    for key, value, was in zip(_KEYS, ours, saved, strict=True):
        if value != was:
            writes.append((key, value))
            undo.append((key, was))
    _fastpaths.write_environ_raw(writes)
    layer = Layer(saved, ours, undo)
    _layers.append(layer)
    return layer


def pop(layer: Layer) -> bool:
    """Take ``layer`` off the stack, restoring what it saved if it was on top.

    True when the environment is now known to name no profile (``AWS_PROFILE`` and
    ``AWS_DEFAULT_PROFILE`` unset or empty: what boto3's session needs to know);
    False when it may name one.
    """
    index = len(_layers) - 1
    if not _layers or _layers[-1] is not layer:  # stopped out of order (or twice): search
        found = next((i for i, other in enumerate(_layers) if other is layer), None)
        if found is None:
            return False
        index = found
    del _layers[index]
    saved, ours = layer.saved, layer.ours
    if index < len(_layers):  # stopped out of order: the layer above inherits our duty
        above = _layers[index]
        for i in _ALL:
            if above.saved[i] == ours[i]:
                above.saved[i] = saved[i]
        above.undo = [
            (k, was)
            for k, mine, was in zip(_KEYS, above.ours, above.saved, strict=True)
            if mine != was
        ]
        return False
    current = _fastpaths.read_environ_raw(_KEYS)
    if current == ours:  # as nearly always: nobody changed what we set
        _fastpaths.write_environ_raw(layer.undo)
        return not saved[_PROFILE] and not saved[_DEFAULT_PROFILE]
    writes: list[Write] = []
    for i in _ALL:
        now = current[i]
        value = saved[i]
        if now == value:
            continue
        if now == ours[i]:
            writes.append((_KEYS[i], value))
        else:  # changed meanwhile: whoever changed it may put our value back later
            _pending.append((i, ours[i], value))
    if writes:
        _fastpaths.write_environ_raw(writes)
    return False


def sweep() -> None:
    """Put back what a stopped mock saved where its value came back after it stopped."""
    if _layers or not _pending:
        return
    current = _fastpaths.read_environ_raw(_KEYS)
    for i, ours, saved in _pending:
        if current[i] == ours:
            _fastpaths.write_environ_raw([(_KEYS[i], saved)])
            current[i] = saved
    _pending.clear()
