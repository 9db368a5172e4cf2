"""Credentials of the spec's security schemes, and which ones a call sends.

A :class:`Credential` is where one scheme's secret goes (a header, the query or a
cookie) and the secret itself, or a callable that returns a fresh one for each call
(an OAuth2 or OpenID Connect access token). An operation's ``security`` is a list of
alternatives, each a list of scheme names; a call sends the first alternative whose
schemes all have a credential, and nothing for ``[]`` or an empty alternative.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence

import attrs

from ._errors import InvalidParameterError
from ._paths import header_value

__all__ = ["Credential", "basic_credential", "choose"]


@attrs.frozen
class Credential:
    """One scheme's secret: sent in ``location`` (header, query, cookie) as ``name``.

    ``prefix`` goes before the secret (``"Bearer "``); ``secret`` is the text, or a
    callable called once per call for a fresh one. Never shown in ``repr``. Errors
    name ``argument``, the client argument that gave it.
    """

    location: str
    name: str
    secret: str | Callable[[], str] = attrs.field(repr=False)
    prefix: str = ""
    argument: str = "credential"

    def value(self) -> str:
        """The value to send now (prefix included), checked safe for a header."""
        secret = self.secret() if callable(self.secret) else self.secret
        if not isinstance(secret, str) or not secret:
            raise InvalidParameterError(f"{self.argument} must give a non-empty string")
        return self.prefix + header_value(secret, name=self.argument)


def basic_credential(username: str | None, password: str | None) -> Credential:
    """HTTP basic: ``Authorization: Basic base64(username:password)``, UTF-8; both are needed."""
    if username is None or password is None:
        raise InvalidParameterError("HTTP basic needs both username and password")
    if ":" in username:
        raise InvalidParameterError("username may not contain ':' (HTTP basic separates on it)")
    for text, name in ((username, "username"), (password, "password")):
        header_value(text, name=name)  # no control characters
    try:
        pair = f"{username}:{password}".encode()
    except UnicodeEncodeError:
        raise InvalidParameterError("username and password must be valid Unicode text") from None
    secret = base64.b64encode(pair).decode("ascii")
    return Credential("header", "Authorization", secret, "Basic ", argument="username")


def choose(
    security: Sequence[Sequence[str]], credentials: dict[str, Credential]
) -> list[Credential]:
    """The credentials of the first alternative of ``security`` that can be met."""
    for alternative in security:
        if all(scheme in credentials for scheme in alternative):
            return [credentials[scheme] for scheme in alternative]
    return []
