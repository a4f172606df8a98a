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
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _fastpaths

UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")
SET = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
NAMES = (*UNSET, *SET)

Values = dict[str, "str | None"]


@dataclass(eq=False)
class Layer:
    """What one activation set (``ours``) and what it puts back (``saved``)."""

    saved: Values
    ours: Values


#: Active layers, outermost first.
_layers: list[Layer] = []
#: (name, value a stopped mock set, value it saved): see the module docstring.
_pending: list[tuple[str, str | None, str | None]] = []


def read() -> Values:
    """The variables the mock sets or clears, as ``os.environ`` holds them now."""
    return _fastpaths.read_environ(NAMES)


def _write(name: str, value: str | None) -> None:
    _fastpaths.write_environ(name, value)


def push(access_key_id: str, secret_access_key: str, region: str) -> Layer:
    """Point the environment at this key (and region, if none is named); return the layer."""
    if not _layers and _pending:
        sweep()
    saved = read()
    ours: Values = {
        "AWS_SESSION_TOKEN": None,
        "AWS_SECURITY_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        "AWS_ACCESS_KEY_ID": access_key_id,
        "AWS_SECRET_ACCESS_KEY": secret_access_key,
        "AWS_DEFAULT_REGION": saved["AWS_DEFAULT_REGION"] or region,
    }
    _fastpaths.write_environ_many([(n, v) for n, v in ours.items() if v != saved[n]])
    layer = Layer(saved, ours)
    _layers.append(layer)
    return layer


def pop(layer: Layer) -> None:
    """Take ``layer`` off the stack, restoring what it saved if it was on top."""
    index = len(_layers) - 1
    if not _layers or _layers[-1] is not layer:  # stopped out of order (or twice): search
        found = next((i for i, other in enumerate(_layers) if other is layer), None)
        if found is None:
            return
        index = found
    del _layers[index]
    if index < len(_layers):  # stopped out of order: the layer above inherits our duty
        above = _layers[index]
        for name, value in layer.saved.items():
            if above.saved[name] == layer.ours[name]:
                above.saved[name] = value
        return
    current = read()
    ours = layer.ours
    writes: list[tuple[str, str | None]] = []
    for name, value in layer.saved.items():
        now = current[name]
        if now == value:
            continue
        if now == ours[name]:
            writes.append((name, value))
        else:  # changed meanwhile: whoever changed it may put our value back later
            _pending.append((name, ours[name], value))
    _fastpaths.write_environ_many(writes)


def sweep() -> None:
    """Put back what a stopped mock saved where its value came back after it stopped."""
    if _layers or not _pending:
        return
    current = read()
    for name, ours, saved in _pending:
        if current[name] == ours:
            _write(name, saved)
            current[name] = saved
    _pending.clear()
