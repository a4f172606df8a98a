"""What activations reuse from one another is never stale: patches, wrappers, state.

Activation builds some things once (botocore's ``_send`` wrapper) and makes
others at first use (a backend's authorization messages); these tests fail if
a reused piece outlives what it was built for.
"""

from __future__ import annotations

from typing import Any

import botocore.endpoint
import pytest

from pytest_stsmock import mock_sts
from tests.helpers.clients import sts


def test_the_send_wrapper_is_reused_and_the_original_comes_back() -> None:
    original = botocore.endpoint.Endpoint._send
    with mock_sts():
        first = botocore.endpoint.Endpoint._send
        sts().get_caller_identity()
    assert botocore.endpoint.Endpoint._send is original
    with mock_sts() as backend:
        assert botocore.endpoint.Endpoint._send is first  # built once
        sts().get_caller_identity()
        assert backend.calls[-1].operation == "GetCallerIdentity"
    assert botocore.endpoint.Endpoint._send is original


def test_a_send_patched_by_someone_else_between_activations_is_wrapped_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = botocore.endpoint.Endpoint._send
    with mock_sts():
        first = botocore.endpoint.Endpoint._send
    seen: list[str] = []

    def spy(self: Any, request: Any) -> Any:
        seen.append(self._endpoint_prefix)
        return original(self, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", spy)
    with mock_sts() as backend:
        wrapper = botocore.endpoint.Endpoint._send
        assert wrapper is not first and wrapper is not spy
        sts().get_caller_identity()  # answered by the mock, before the spy
        assert backend.calls[-1].operation == "GetCallerIdentity" and seen == []
    assert botocore.endpoint.Endpoint._send is spy  # the undo puts back what it wrapped
    monkeypatch.undo()
    with mock_sts():
        # the wrapper of the spy is not reused for the real original
        assert botocore.endpoint.Endpoint._send is not wrapper
        sts().get_caller_identity()
    assert botocore.endpoint.Endpoint._send is original


def test_a_plain_mock_sts_is_the_mock_its_constructor_makes() -> None:
    from pytest_stsmock.mock import MockSTS

    quick, built = mock_sts(), MockSTS(_explicit=False)
    assert type(quick) is MockSTS
    assert vars(quick).keys() == vars(built).keys()
    assert {k: v for k, v in vars(quick).items() if k != "_stack"} == {
        k: v for k, v in vars(built).items() if k != "_stack"
    }
    assert quick._stack == [] and quick._stack is not mock_sts()._stack  # its own stack
    with quick as backend:
        sts().get_caller_identity()
        assert backend.calls[-1].operation == "GetCallerIdentity"


# -- requests' HTTPAdapter.send ---------------------------------------------------------


def _presigned() -> str:
    url: str = sts().generate_presigned_url("get_caller_identity", HttpMethod="GET")
    return url


def test_the_requests_wrapper_is_reused_and_the_original_comes_back() -> None:
    import requests
    import requests.adapters

    original = requests.adapters.HTTPAdapter.send
    with mock_sts():
        first = requests.adapters.HTTPAdapter.send
        assert first is not original
    assert requests.adapters.HTTPAdapter.send is original
    with mock_sts() as backend:
        assert requests.adapters.HTTPAdapter.send is first  # built once
        assert requests.get(_presigned(), timeout=5).status_code == 200
        assert backend.calls[-1].operation == "GetCallerIdentity"
    assert requests.adapters.HTTPAdapter.send is original


def test_a_requests_send_patched_between_activations_is_wrapped_anew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A user's transport installed between two activations (``responses``, say) is what
    the second activation passes other hosts to, and what its exit puts back."""
    import requests
    import requests.adapters

    original = requests.adapters.HTTPAdapter.send
    with mock_sts():
        first = requests.adapters.HTTPAdapter.send
    seen: list[str] = []

    def transport(self: Any, request: Any, **kwargs: Any) -> Any:
        seen.append(request.url)
        response = requests.Response()
        response.status_code, response._content, response.request = 200, b"mine", request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", transport)
    with mock_sts() as backend:
        wrapper = requests.adapters.HTTPAdapter.send
        assert wrapper is not first and wrapper is not transport
        assert requests.get(_presigned(), timeout=5).status_code == 200  # the mock's
        assert backend.calls[-1].operation == "GetCallerIdentity" and seen == []
        assert requests.get("https://example.com/x", timeout=5).text == "mine"
        assert seen == ["https://example.com/x"]
    assert requests.adapters.HTTPAdapter.send is transport
    monkeypatch.undo()
    with mock_sts():
        # the wrapper of the user's transport is not reused for the real original
        assert requests.adapters.HTTPAdapter.send not in (wrapper, transport, original)
    assert requests.adapters.HTTPAdapter.send is original
