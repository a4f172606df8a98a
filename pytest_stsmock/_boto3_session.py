"""What activation and exit do to boto3's cached default session.

``boto3.client(...)`` goes through ``boto3.DEFAULT_SESSION``, a botocore
session that resolves credentials once (from the environment, a profile, ...)
and keeps them.  The mock changes the environment on entry and restores it on
exit, so those cached credentials must go both times: credentials resolved
before activation are never used while it is active, and after exit boto3
resolves the restored environment again.

Design decisions:

* **Forget the credentials, keep the session.**  Dropping the whole session
  (``DEFAULT_SESSION = None``) is the public road, but the next
  ``boto3.client`` then rebuilds botocore's loader, endpoint data and service
  models, about 90 ms, in every test that enters the mock and in the first
  test after it.  What is forgotten instead, on the botocore session:
  ``_credentials`` and ``_auth_token`` (what was resolved) and ``_profile``
  (the cached profile name, which reads ``AWS_PROFILE``).
* **The resolvers are rebuilt only when the environment names a profile.**
  botocore's credential and token resolvers capture the profile name when
  they are built, and building the credential one costs about 1 ms (a
  quarter of a test's ``boto3.client`` plus one call).  The profile comes
  only from ``AWS_PROFILE`` / ``AWS_DEFAULT_PROFILE`` (an explicit one is
  handled below), and the mock unsets both: a resolver built while it is
  active captured none.  Outside the mock, then, it must be rebuilt when the
  environment names a profile; inside, the mock's keys come first in the
  chain (the environment provider) whatever the profile.  So the resolvers
  are registered again (lazily, as ``botocore.session.Session.__init__``
  does) exactly when a profile variable is set.
* **A session the user configured explicitly is dropped, as before.**  A
  default session made with ``boto3.setup_default_session(profile_name=...)``
  or with explicit keys would bypass the mock's environment (an explicit
  profile even disables botocore's environment provider), so it is dropped
  and the next ``boto3.client`` builds a plain one.  A plain
  ``boto3.setup_default_session()`` or ``(region_name=...)`` is kept.
* **Checked once per session object.**  Whether the session has every
  attribute relied on is checked at the first activation that meets it, and
  remembered (weakly) for that object: botocore never deletes them and this
  module only sets them, so the answer cannot change while it lives.
* **If botocore changes.**  These are private attributes of
  ``botocore.session.Session``, unchanged since botocore 1.x's early days.  When
  one of them is missing (or the default session is not a botocore-backed one)
  the session is dropped: correct, only slower.  A test checks that both roads
  give the same credentials.
"""

from __future__ import annotations

import contextlib
import sys
import weakref
from collections.abc import Callable
from typing import Any

from . import _fastpaths

_PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")

#: The botocore session attributes and methods this module relies on.
_NEEDED = (
    "_credentials",
    "_auth_token",
    "_profile",
    "_session_instance_vars",
    "_register_credential_provider",
    "_register_token_provider",
)
#: The last session found to have ``_NEEDED`` (weakly), and the ``_NEEDED`` it was checked for.
_checked: tuple[Callable[[], Any] | None, tuple[str, ...]] = (None, ())


def _has_what_we_need(core: Any) -> bool:
    """True when ``core`` has every name of ``_NEEDED`` (checked once per session object:
    botocore never deletes them, and this module only sets them)."""
    global _checked
    ref, needed = _checked
    if needed is _NEEDED and ref is not None and ref() is core:
        return True
    if not all(hasattr(core, a) for a in _NEEDED):
        return False
    with contextlib.suppress(TypeError):  # no weak references: check it every time
        _checked = (weakref.ref(core), _NEEDED)
    return True


def forget_resolved_credentials(*, profile_unset: bool = False) -> None:
    """Make boto3's default session resolve its credentials again at its next client.

    ``profile_unset``: the caller knows that neither profile variable is set (an
    activation has just unset both; a stop restored an environment without them),
    so the resolvers need no rebuilding and the environment is not read.
    """
    boto3 = sys.modules.get("boto3")
    if boto3 is None:
        return
    session = getattr(boto3, "DEFAULT_SESSION", None)
    if session is None:
        return
    core = getattr(session, "_session", None)
    ref, needed = _checked  # _has_what_we_need's memory, read inline: twice per activation
    known = needed is _NEEDED and ref is not None and ref() is core
    if core is None or not (known or _has_what_we_need(core)) or _user_configured(core):
        boto3.DEFAULT_SESSION = None  # type: ignore[attr-defined]
        return
    core._credentials = None
    core._auth_token = None
    core._profile = None
    if not profile_unset and _fastpaths.environ_names_any(_PROFILE_VARIABLES):
        core._register_credential_provider()
        core._register_token_provider()


def _user_configured(core: Any) -> bool:
    """True for a session given an explicit profile or explicit keys."""
    instance_vars = core._session_instance_vars
    if not isinstance(instance_vars, dict) or instance_vars.get("profile") is not None:
        return True
    credentials = core._credentials
    return credentials is not None and getattr(credentials, "method", None) == "explicit"
