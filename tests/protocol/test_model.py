"""The service model is the one botocore's own loader gives its clients."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader

from pytest_stsmock.protocol import model


@pytest.mark.parametrize("service", ["sts", "iam"])
def test_service_data_is_what_loader_load_service_model_returns(service: str) -> None:
    assert model.load_service_data(service) == Loader().load_service_model(service, "service-2")


def test_sdk_extras_are_merged_as_botocore_merges_them(monkeypatch: pytest.MonkeyPatch) -> None:
    extras = {"merge": {"metadata": {"stsmockExtra": "yes"}}}
    original = Loader.load_data

    def load_data(self: Loader, name: str) -> object:
        if name.endswith("service-2.sdk-extras"):
            return extras
        return original(self, name)

    monkeypatch.setattr(Loader, "load_data", load_data)
    monkeypatch.setattr(model, "_loader", Loader)  # fresh loaders: no cached data
    assert model.load_service_data("sts")["metadata"]["stsmockExtra"] == "yes"
    assert Loader().load_service_model("sts", "service-2")["metadata"]["stsmockExtra"] == "yes"
