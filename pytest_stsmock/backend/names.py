"""An account's table of users, roles or groups by name, with a case-folded index.

IAM names are unique regardless of case (``Deployer`` and ``deployer`` are
one role), so creating an entity and finding one by a name given in another
case both need a case-insensitive look-up.  Scanning the table made each
CreateRole cost time proportional to the roles the account holds; this table
keeps a second dict, lower-cased name to the stored name, updated by every
way the table changes, so the look-up is O(1).

Design decisions:

* It is a ``dict`` subclass: reads (``get``, ``in``, iteration) are the plain
  dict's, and every caller and test that treats the table as a dict keeps
  working.  Only the mutating methods are overridden; they are rare (a
  create or delete), the reads are per request.
* Names in the table are unique when folded (every creation path checks), so
  the index maps one stored name per folded name.  Should two keys differ
  only in case anyway, deleting one keeps the index pointing at the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, overload

V = TypeVar("V")
_MISSING: Any = object()


class NameTable(dict[str, V]):
    """A dict by IAM name that also answers :meth:`folded`, the case-insensitive look-up."""

    def _index(self) -> dict[str, str]:
        # Via __dict__, so unpickling (which sets items before the instance state) works.
        index: dict[str, str] = self.__dict__.setdefault("_folded", {})
        return index

    def folded(self, name: str) -> V | None:
        """The entity whose name equals ``name`` ignoring case, or None."""
        key = self._index().get(name.lower())
        return None if key is None else self.get(key)

    def __setitem__(self, key: str, value: V) -> None:
        super().__setitem__(key, value)
        self._index()[key.lower()] = key

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._unindex(key)

    def _unindex(self, key: str) -> None:
        index = self._index()
        folded = key.lower()
        if index.get(folded) == key:
            del index[folded]
            other = next((k for k in self if k.lower() == folded), None)
            if other is not None:
                index[folded] = other

    @overload
    def pop(self, key: str, /) -> V: ...
    @overload
    def pop(self, key: str, default: V, /) -> V: ...
    @overload
    def pop(self, key: str, default: Any, /) -> Any: ...

    def pop(self, key: str, default: Any = _MISSING, /) -> Any:
        if key not in self:
            if default is _MISSING:
                raise KeyError(key)
            return default
        value = super().pop(key)
        self._unindex(key)
        return value

    def popitem(self) -> tuple[str, V]:
        key, value = super().popitem()
        self._unindex(key)
        return key, value

    def clear(self) -> None:
        super().clear()
        self._index().clear()

    def setdefault(self, key: str, default: Any = None, /) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        items: Iterable[tuple[str, V]]
        for source in (*args, kwargs):
            items = source.items() if isinstance(source, Mapping) else source
            for key, value in items:
                self[key] = value

    def __ior__(self, other: Any) -> NameTable[V]:  # type: ignore[override,misc]
        self.update(other)
        return self
