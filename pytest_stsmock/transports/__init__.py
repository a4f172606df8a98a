"""The ways a request reaches the backend, one thin adapter each.

* ``botocore_endpoint``: botocore's ``Endpoint._send`` (boto3, botocore, the
  AWS CLI in-process, botocore's credential providers).
* ``aiobotocore_endpoint``: aiobotocore's ``AioEndpoint._send``.
* ``requests_adapter``: ``requests``' ``HTTPAdapter.send`` for STS hosts.
* ``registry``: the state they share (active backends, lock, undo list).
* ``install``: activation and deactivation, the only module that knows every
  adapter.

Each adapter turns its request into an :class:`~pytest_stsmock._http.HttpRequest`,
asks ``registry.answer`` and turns the :class:`~pytest_stsmock._http.HttpResponse`
back into its own response type.  No adapter imports another.
"""
