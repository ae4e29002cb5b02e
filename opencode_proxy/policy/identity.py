"""Who the user is, for what the proxy keeps per user: the name the trusted ingress sends.

In Kubeflow the ingress sets ``kubeflow-userid`` (``--client-id-header``) on every
request and removes any copy a browser sent; without it (a notebook run locally) there
is one local user, ``""``.
"""

from __future__ import annotations

from aiohttp import web

from ..edge.errors import BadUser

LOCAL_USER = ""
MAX_USER_LENGTH = 256


def user_of(request: web.Request, header: str) -> str:
    """The ingress-named user, else the local user; BadUser for an absurdly long name."""
    if not header:
        return LOCAL_USER
    user = request.headers.get(header)
    if not user:
        return LOCAL_USER
    if len(user) > MAX_USER_LENGTH:
        raise BadUser(
            f"The {header} header is longer than {MAX_USER_LENGTH} characters; no state is "
            "kept for it."
        )
    return user
