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
* **Without listing every service.**  ``Loader.load_service_model`` first lists
  every service botocore knows (about 450 folders, some 10 ms) only to check
  the name; the model is read instead as that method reads it once the name
  is known, with the loader's public pieces: the latest API version, the
  data file, and the SDK extras merged by botocore's ``ExtrasProcessor``.  A
  test compares the result with ``load_service_model``'s.
* **The codec takes the model as a parameter everywhere**, so IAM (the same
  query protocol) can reuse it with ``load_service_model("iam")``.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from botocore.exceptions import DataNotFoundError
from botocore.loaders import ExtrasProcessor, Loader
from botocore.model import ServiceModel

__all__ = ["load_service_model", "wire_name"]


@functools.cache
def _loader() -> Any:
    return Loader()


@functools.cache
def load_service_model(name: str = "sts") -> ServiceModel:
    """Return botocore's ``ServiceModel`` for ``name`` (latest API version), cached."""
    return ServiceModel(load_service_data(name), service_name=name)


def load_service_data(name: str) -> Any:
    """The ``service-2`` model data of ``name``, as ``Loader.load_service_model`` returns it."""
    loader = _loader()
    version = loader.determine_latest_version(name, "service-2")
    data = loader.load_data(os.path.join(name, version, "service-2"))
    extras = []
    for extras_type in loader.extras_types:
        try:
            extras.append(
                loader.load_data(os.path.join(name, version, f"service-2.{extras_type}-extras"))
            )
        except DataNotFoundError:
            continue
    ExtrasProcessor().process(data, extras)
    return data


def wire_name(member: Any, name: str) -> str:
    """The element (or query key) name of structure member ``name``, as botocore's query
    protocol spells it: ``locationName`` when given; for a flattened list, its
    member's ``locationName``."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        element_name = member.member.serialization.get("name")
        if element_name:
            return str(element_name)
    return str(member.serialization.get("name", name))
