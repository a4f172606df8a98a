"""Random signed forms for every operation, asking for JSON: every answer is JSON, in shape.

The XML fuzz (test_fuzz_pipeline.py) checks what the operations do; this one
checks that whatever they answer, success or refusal, the JSON encoder writes
a document a JSON client can read, with the call's own code and message.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pytest_stsmock import _pipeline
from tests.fuzz.strategies import form_pairs, new_world, sign

ACCEPTS = ["application/json", "application/json, text/xml;q=0.5", "Application/JSON"]


def _q(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pairs=form_pairs(real_actions=True),
    who=st.sampled_from(["default", "alice", "root", "session", "federated"]),
    presign=st.booleans(),
    accept=st.sampled_from(ACCEPTS),
)
def test_every_answer_to_a_json_request_is_json(
    pairs: list[tuple[str, Any]], who: str, presign: bool, accept: str
) -> None:
    world = new_world()
    form = "&".join(f"{_q(str(k))}={_q(str(world.resolve(v)))}" for k, v in pairs)
    request = sign(world.creds[who], form.encode("utf-8", "surrogatepass"), presign=presign)
    request = request._replace(headers={**request.headers, "accept": accept})

    response = _pipeline.handle(world.backend, request)

    call = world.backend.calls[-1]
    event(f"{response.status} {call.operation[:20]} {call.error_code}")
    if response.status == 302:  # no Action: AWS redirects to the console, no body
        assert response.body == b"" and call.error_code == "MissingAction"
        return
    assert response.headers["Content-Type"] == "application/json"
    document = json.loads(response.body.decode("utf-8"))
    request_id = response.headers["x-amzn-RequestId"]
    if response.status == 200:
        assert call.error_code is None
        assert list(document) == [f"{call.operation}Response"]
        inner = document[f"{call.operation}Response"]
        assert inner["ResponseMetadata"] == {"RequestId": request_id}
        assert len(inner) == 2
        return
    assert document == {
        "Error": {
            "Code": call.error_code,
            "Message": call.error_message,
            "Type": "Sender" if response.status < 500 else "Receiver",
        },
        "RequestId": request_id,
    }
    assert call.error_code != "InternalFailure", call.error_message
