"""The botocore service models the protocol codec is driven by.

Design decisions:

* **The installed botocore is the source of truth.**  Models are read with
  botocore's own loader (the same search path its clients use, so a model
  the user's botocore knows is the model we speak), never copied into this
  project.  A newer botocore that adds an operation is picked up as is.
* **Loaded once per process.**  Reading and decompressing a model costs
  milliseconds; :func:`load_service_model` is cached, and botocore's
  ``ServiceModel`` caches its operation and shape objects, which lets the
  codec cache its per-shape decoders and encoders by shape identity.  No
  botocore ``Session`` is created.
* **The codec takes the model as a parameter everywhere**, so IAM (the same
  query protocol) can reuse it with ``load_service_model("iam")``.
"""

from __future__ import annotations

import functools
from typing import Any

from botocore.loaders import Loader
from botocore.model import ServiceModel

__all__ = ["load_service_model", "wire_name"]


@functools.cache
def _loader() -> Any:
    return Loader()


@functools.cache
def load_service_model(name: str = "sts") -> ServiceModel:
    """Return botocore's ``ServiceModel`` for ``name`` (latest API version), cached."""
    data = _loader().load_service_model(name, "service-2")
    return ServiceModel(data, service_name=name)


def wire_name(member: Any, name: str) -> str:
    """The element (or query key) name of structure member ``name``, as botocore's query
    protocol spells it: ``locationName`` when given; for a flattened list, its
    member's ``locationName``."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        element_name = member.member.serialization.get("name")
        if element_name:
            return str(element_name)
    return str(member.serialization.get("name", name))
