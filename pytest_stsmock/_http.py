"""Plain HTTP value types shared by every way a request reaches the backend.

botocore, ``requests`` and the standalone server each convert their own
request objects into :class:`HttpRequest` and take back an
:class:`HttpResponse`; nothing below the interception layer knows which one
it is talking to.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

_NOT_PLAIN = re.compile(r"[@:\[\]%]").search

#: The domains of AWS's endpoints in every partition: aws, aws-cn, the
#: dual-stack ``api.aws`` names and the European Sovereign Cloud.
AWS_DOMAINS = (
    "amazonaws.com",
    "amazonaws.com.cn",
    "api.aws",
    "api.amazonwebservices.com.cn",
    "amazonaws.eu",
)

#: A URL on an STS host of AWS: global, regional, FIPS and dual-stack forms.
STS_URL = re.compile(
    r"^https?://sts(?:-fips)?(?:\.[a-z0-9-]+)?\."
    r"(?:" + "|".join(re.escape(domain) for domain in AWS_DOMAINS) + r")"
    r"(?::\d+)?(?:/|\?|$)"
)


#: A URL on an IAM host of AWS (IAM is global: one host per partition).
IAM_URL = re.compile(
    r"^https?://iam(?:-fips)?\.(?:amazonaws\.com|global\.api\.aws|cn-north-1\.amazonaws\.com\.cn|"
    r"us-gov\.amazonaws\.com)(?::\d+)?(?:/|\?|$)"
)


def plain_host(netloc: str) -> str | None:
    """The lower-cased host of a netloc with no user, port or IPv6 literal (the usual
    case, nothing to take apart); None for any other netloc."""
    return None if _NOT_PLAIN(netloc) else netloc.lower()


@functools.lru_cache(maxsize=256)
def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)`` (remembered for the few URLs a test uses); None when it cannot
    be parsed."""
    try:
        return urlsplit(url)
    except ValueError:  # e.g. an unbalanced '[' in the host
        return None


_split_url = split_url


@functools.lru_cache(maxsize=256)
def host_and_query(url: str) -> tuple[str, str]:
    """(lower-cased host, query string) of a URL (a pure function of it, remembered for
    the few URLs a test uses); a URL that cannot be parsed has neither."""
    parts = _split_url(url)
    if parts is None:
        return "", ""
    host = plain_host(parts.netloc)
    if host is not None:
        return host, parts.query
    try:
        return parts.hostname or "", parts.query
    except ValueError:
        return "", ""


class HttpRequest(NamedTuple):
    """One incoming HTTP request.  ``headers`` keys are lower-case.

    A named tuple, as :class:`HttpResponse` is: one is made per request, and a
    frozen dataclass costs several times more to build.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def url_parts(self) -> SplitResult | None:
        """The URL split (a pure function of it, remembered for the few URLs a test
        uses); None when it cannot be parsed."""
        return _split_url(self.url)


class HttpResponse(NamedTuple):
    """One answer: status, body and headers.  (A named tuple: one is made per request,
    and it is cheaper than a frozen dataclass; every maker passes its own headers.)"""

    status: int
    body: bytes
    headers: dict[str, str]
