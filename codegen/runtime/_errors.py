"""The errors a generated client raises: all of them derive from ``SpecbindError``.

Every constructor but the parameter errors' (which take a message, as ``ValueError``
does) takes keyword arguments only, so that generated code can subclass ``ApiError``
per status without repeating its signature. Messages name the method and
the URL (with secret-looking query values already redacted by the caller) and never
carry a credential or a whole body.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

__all__ = [
    "ApiError",
    "DeadlineExceeded",
    "InvalidParameterError",
    "ParameterTypeError",
    "RedirectRefused",
    "RequestTimeout",
    "ResponseDecodeError",
    "ResponseTooLarge",
    "SpecbindError",
    "TransportError",
]

# How much of a server's own words an ApiError message quotes.
_DETAIL_LIMIT = 200


class SpecbindError(Exception):
    """The base of every error a generated client raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce replays cls(*args), which keyword-only constructors
        # refuse; restore the attributes instead, so errors cross process pools.
        return (_restore, (type(self), self.args), self.__dict__)


def _restore(cls: type[SpecbindError], args: tuple[object, ...]) -> SpecbindError:
    error = cls.__new__(cls)
    error.args = args
    return error


class InvalidParameterError(SpecbindError, ValueError):
    """A value the client refuses before sending anything: it breaks the spec or is unsafe.

    Raised for an operation's parameters (a pattern, length, range or UUID form of the
    spec; a path segment, query or header value that cannot be sent safely) and for
    the client's own options (``base_url``, credentials, headers). It is also a
    ``ValueError``, so code written for the plain ``ValueError`` of earlier releases
    still catches it. The message names the parameter; it never quotes a header value,
    which may be a credential.
    """


class ParameterTypeError(InvalidParameterError, TypeError):
    """A parameter of a type the client cannot send (a bool for a string, a list, ...).

    Also a ``TypeError``, as Python's own type errors are, and an
    ``InvalidParameterError``, so one ``except`` catches every refusal before sending.
    """


class TransportError(SpecbindError):
    """No usable HTTP answer: connection refused or reset, DNS, TLS, a protocol error.

    Raised once the retries the call allowed are used up; ``attempts`` counts the
    requests sent, the failing one included. ``unreachable`` is true when no connection
    could be made at all (the name did not resolve, or the connection was refused).
    """

    def __init__(
        self, *, method: str, url: str, reason: str, attempts: int, unreachable: bool = False
    ) -> None:
        self.method = method
        self.url = url
        self.reason = reason
        self.attempts = attempts
        self.unreachable = unreachable
        plural = "" if attempts == 1 else "s"
        super().__init__(f"{method} {url} failed after {attempts} attempt{plural}: {reason}")


class RequestTimeout(TransportError):
    """The server did not connect or answer within the timeout."""


class DeadlineExceeded(RequestTimeout):
    """The whole call (connect, every read, retries and their sleeps) outlasted its deadline.

    ``deadline`` is the call's budget in seconds. A server that keeps a call alive by
    sending a byte now and then never trips the per-read ``timeout``; this it trips.
    """

    def __init__(
        self, *, method: str, url: str, reason: str, attempts: int, deadline: float
    ) -> None:
        super().__init__(method=method, url=url, reason=reason, attempts=attempts)
        self.deadline = deadline


class ResponseTooLarge(SpecbindError):
    """The body (after decompression) is larger than the transport accepts."""

    def __init__(self, *, limit: int, method: str, url: str) -> None:
        self.limit = limit
        self.method = method
        self.url = url
        super().__init__(f"{method} {url}: the response body exceeds the limit of {limit} bytes")


class RedirectRefused(SpecbindError):
    """The server redirected somewhere the transport will not follow.

    ``location`` holds only the origin (scheme, host, port) of the target: its path
    and query may carry secrets of their own.
    """

    def __init__(self, *, status: int, location: str, method: str, url: str, reason: str) -> None:
        self.status = status
        self.location = location
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(f"{method} {url} -> {status} redirect to {location} refused: {reason}")


class ApiError(SpecbindError):
    """The server answered with a status outside 2xx.

    ``headers`` is a case-insensitive copy without credentials, ``body`` the raw body,
    ``error_model`` the parsed error model when the spec documents one and the body
    fits it (else ``None``). ``detail`` is the server's own short explanation, if any;
    the message quotes at most 200 characters of it.
    """

    def __init__(
        self,
        *,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
        error_model: object | None = None,
        request_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.status = status
        self.headers: Mapping[str, str] = _headers(headers)
        self.body = body
        self.method = method
        self.url = url
        self.error_model = error_model
        self.request_id = request_id
        self.message = _api_message(status, method, url, detail, request_id)
        super().__init__(self.message)


class ResponseDecodeError(SpecbindError):
    """A 2xx answer whose body is not the documented JSON.

    ``faults`` holds, for a body that is JSON but does not fit the model, every fault
    as a ``(JSON pointer, message)`` pair (the pointer ``""`` is the whole body); the
    message quotes at most the first three.
    """

    def __init__(
        self,
        *,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        method: str,
        url: str,
        reason: str,
        faults: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.status = status
        self.headers: Mapping[str, str] = _headers(headers)
        self.body = body
        self.method = method
        self.url = url
        self.reason = reason
        self.faults = faults
        super().__init__(f"{method} {url} -> {status}: {reason}")


def _api_message(
    status: int, method: str, url: str, detail: str | None, request_id: str | None
) -> str:
    message = f"{method} {url} -> {_status_text(status)}"
    if detail:
        message += f": {_one_line(detail)}"
    if request_id:
        message += f" (request id {_one_line(request_id)})"
    return message


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _one_line(text: str) -> str:
    """``text`` on one printable line, cut at 200 characters."""
    # Bodies are the server's words: a newline or a terminal escape in them must
    # not forge log lines or repaint a terminal.
    printable = "".join(char if char.isprintable() else " " for char in text[: _DETAIL_LIMIT * 4])
    collapsed = " ".join(printable.split())
    if len(collapsed) <= _DETAIL_LIMIT:
        return collapsed
    return collapsed[: _DETAIL_LIMIT - 1] + "…"


def _headers(headers: Mapping[str, str]) -> Mapping[str, str]:
    """A case-insensitive copy of ``headers``; urllib3 is imported only once an answer
    is in hand, so that models and converters load without the HTTP layer."""
    from urllib3 import HTTPHeaderDict

    return HTTPHeaderDict(headers)
