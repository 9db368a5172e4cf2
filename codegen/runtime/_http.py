"""The HTTP transport under every generated client, and the helpers that read its answers.

``Transport.request`` sends one call and returns the final answer whatever its status;
``raise_for_status`` turns a non-2xx answer into an ``ApiError`` and ``decode_json`` reads
a 2xx body. The transport drives urllib3 one request at a time (urllib3's own retries
and redirects are off) so that it can decide, log and count every attempt itself.

Retries, precisely:

- An idempotent call (``idempotent=True``) follows the client's policy: ``DEFAULT_RETRY``
  (3 retries on connection errors, broken connections and 429, 502, 503, 504, with
  exponential backoff, jitter and Retry-After honoured up to 30 s), or
  ``DEFAULT_RETRY`` with another ``total`` when the client was given an int, or the
  ``Retry`` the client was given.
- A non-idempotent call is sent once, unless its own ``retries`` argument says
  otherwise, or the client was given a ``Retry`` whose ``allowed_methods`` admits its
  method (``None`` admits every method).
- The ``retries`` argument of one call wins over the client's: ``False`` sends once;
  ``True`` or an int applies ``DEFAULT_RETRY`` (with that ``total``) whatever the method;
  a ``Retry`` is used as it is, with urllib3's meaning of its fields.
- A read timeout is never retried: the server has the request and is slow, and
  sending it again would multiply the wait the timeout was meant to bound.
- When status retries run out, the last answer is returned (the caller raises
  ``ApiError`` with its real status and body): ``Retry.raise_on_status`` is ignored,
  and so are ``Retry.redirect`` and ``remove_headers_on_redirect``, since redirects are
  handled here.

Time, precisely:

- ``timeout`` bounds each socket operation on its own: the connect, and every wait for
  data from the server (each read). It does not bound a call: a server that sends a
  byte a second keeps a call alive for as long as it likes, and retries add their sleeps.
- ``deadline`` bounds the whole call, in seconds: connect, every read, redirects,
  retries and their sleeps. Each attempt's timeouts are cut to the time left; a
  watchdog shuts the call's socket down when the time is up (for a ``pool`` given by
  the caller, only from the moment the headers have arrived); a retry whose sleep
  would end past the deadline is not made, and the last answer or error stands.
  When the time runs out, ``DeadlineExceeded`` (a ``RequestTimeout``) is raised.
  ``DEFAULT_DEADLINE`` (300 s) applies unless the client says otherwise;
  ``deadline=None`` on the client means no deadline.

Redirects: up to 5 are followed, for GET and HEAD only, and only within the origin
(scheme, host, port) of ``base_url``; any other redirect raises ``RedirectRefused``
before anything is sent to its target, so credentials never leave the origin. So does
a redirect whose Location is not a well-formed http or https URL (empty, garbled,
with a control character or an impossible port): it is never repaired and followed.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, cast
from urllib.parse import quote, unquote_plus, urljoin

import attrs
import urllib3
from urllib3 import HTTPHeaderDict
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.response import BaseHTTPResponse, HTTPResponse
from urllib3.util import Retry, Timeout, parse_url

from . import _deadlines
from ._errors import (
    ApiError,
    DeadlineExceeded,
    InvalidParameterError,
    RedirectRefused,
    RequestTimeout,
    ResponseDecodeError,
    ResponseTooLarge,
    TransportError,
)
from ._json import parse_json
from ._paths import check_path, header_name, header_value
from ._security import Credential, choose

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_RETRY",
    "DEFAULT_TIMEOUT",
    "ByteStream",
    "RawResponse",
    "Transport",
    "check_json",
    "decode_json",
    "raise_for_status",
]

#: The largest body, after decompression, that a transport accepts unless told otherwise.
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024

#: The timeout of every call that sets none: without one, urllib3 waits forever.
DEFAULT_TIMEOUT = Timeout(connect=10.0, read=60.0)

#: The whole-call deadline, in seconds, of a client that sets none: a bound on hostile
#: servers, far above any honest answer.
DEFAULT_DEADLINE = 300.0

#: The retry policy of idempotent calls. urllib3 sleeps nothing before the first retry,
#: then ``backoff_factor * 2 ** (retries - 1)`` plus up to ``backoff_jitter`` seconds,
#: at most ``backoff_max``; a Retry-After header replaces that sleep, up to
#: ``retry_after_max`` seconds. ``other=0``: TLS and decoding errors are final.
DEFAULT_RETRY = Retry(
    total=3,
    other=0,
    allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,
    status_forcelist=frozenset({429, 502, 503, 504}),
    backoff_factor=0.5,
    backoff_jitter=0.5,
    backoff_max=30.0,
    respect_retry_after_header=True,
    retry_after_max=30,
)

_NO_RETRY = Retry(total=0)
_MAX_REDIRECTS = 5
_REDIRECTED_METHODS = frozenset({"GET", "HEAD"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A URL (RFC 3986) has no space or control character: a Location holding one is garbled.
_NOT_IN_LOCATION = re.compile(r"[\x00-\x20\x7f]")
# A Location that starts with a scheme is an absolute URL, never a relative reference.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Bodies are read in chunks of this many (decompressed) bytes, so a gzip bomb never
# inflates past the limit by more than one chunk.
_CHUNK_SIZE = 64 * 1024
# A redirect or retried answer whose body is longer than this is not worth reading to
# keep its connection: the connection is closed instead.
_DRAIN_LIMIT = 64 * 1024
# Connections kept per host: one per thread for typical thread pools.
_POOL_MAXSIZE = 10
# Response headers that carry credentials whatever the API.
_HIDDEN_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# Query parameters whose value is redacted wherever a URL is shown.
_SECRET_QUERY_NAME = re.compile(
    r"token|key|secret|passw|pwd|auth|sig|credential|jwt|session|code", re.IGNORECASE
)
_REDACTED = "REDACTED"
# Fresh tokens from credential callables kept for redaction: the latest ones only.
_REMEMBERED_SECRETS = 16
_JSON_MEDIA_TYPE = "application/json"
_REQUEST_ID_HEADERS = ("x-request-id", "request-id")
# Where error bodies usually say what went wrong, in order of preference.
_DETAIL_KEYS = ("message", "messages", "error", "errors", "detail", "title", "error_description")


def _unchanged(text: str) -> str:
    return text


@attrs.frozen
class RawResponse:
    """The final answer to one call.

    ``headers`` is case-insensitive and holds no credential; ``body`` is decompressed;
    ``url`` is the URL that answered, secret-looking query values redacted; ``elapsed``
    counts seconds from the first send to the end of the body, retries and redirects
    included. ``redact`` hides the call's credentials in a text: every error message
    that quotes the server's words goes through it, since a server may echo a
    credential back (``invalid token: Bearer ...``).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes = attrs.field(repr=lambda body: f"<{len(body)} bytes>")
    url: str
    elapsed: float
    redact: Callable[[str], str] = attrs.field(default=_unchanged, repr=False, eq=False)


@attrs.frozen
class _Call:
    """What one ``request`` sends, fixed before the first attempt."""

    method: str
    headers: HTTPHeaderDict = attrs.field(repr=False)
    body: bytes | None = attrs.field(repr=False)
    stream: bool
    timeout: Timeout
    started: float
    budget: float  # the deadline in seconds, math.inf for none
    deadline: float  # time.monotonic() at which the call gives up
    shown_url: str  # the URL first requested, as errors and logs show it


class Transport:
    """Sends the requests of one generated client to one API; safe to share between threads.

    ``credentials`` maps header names to secret values (``{"x-api-key": "..."}``) sent
    with every request; ``schemes`` maps security scheme names to the
    :class:`Credential` sent when a call's ``security`` picks it (in a header, the
    query or a cookie). Neither ever shows in ``repr``, errors or log records.
    ``headers`` go with every request; ``credentials`` override them, and the headers
    of one call override both (a chosen scheme's header overrides all). ``timeout`` and
    ``retries`` are the client-wide defaults (see the module docstring); ``pool`` is
    used as it is and left open by ``close``; ``deadline`` bounds each whole call
    (seconds, ``None`` for no bound); ``ca_certs`` sets the CA bundle of the
    pool made here, which always verifies certificates. Bodies longer than
    ``max_body_bytes`` after decompression raise ``ResponseTooLarge``.
    """

    def __init__(
        self,
        *,
        base_url: str,
        credentials: Mapping[str, str] | None = None,
        user_agent: str,
        logger_name: str,
        timeout: float | Timeout | None = None,
        retries: int | Retry | None = None,
        headers: Mapping[str, str] | None = None,
        pool: urllib3.PoolManager | None = None,
        ca_certs: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        deadline: float | None = DEFAULT_DEADLINE,
        schemes: Mapping[str, Credential] | None = None,
    ) -> None:
        if pool is not None and ca_certs is not None:
            raise InvalidParameterError(
                "ca_certs configures the pool made here: set it on your pool"
            )
        if max_body_bytes <= 0:
            raise InvalidParameterError("max_body_bytes must be positive")
        self._base_url = _base_url(base_url)
        self._origin = _origin(self._base_url)
        fixed = _checked_headers({"User-Agent": user_agent})
        fixed.update(_checked_headers(headers or {}))
        credentials = credentials or {}
        fixed.update(_checked_headers(credentials))
        self._headers = fixed
        self._schemes = dict(schemes or {})
        fixed_secrets = [*credentials.values()]
        for credential in self._schemes.values():
            if isinstance(credential.secret, str):
                fixed_secrets += _credential_secrets(credential, credential.value())
        self._fixed_secrets = _secret_strings(fixed_secrets)
        self._secrets = self._fixed_secrets
        self._remembered: list[str] = []
        self._secrets_lock = threading.Lock()
        self._hidden_headers = _HIDDEN_HEADERS | {name.lower() for name in credentials}
        self._hidden_headers |= {
            c.name.lower() for c in self._schemes.values() if c.location == "header"
        }
        self._secret_query_names = frozenset(
            quote(c.name, safe="") for c in self._schemes.values() if c.location == "query"
        )
        self._credential_names = tuple(sorted({*credentials, *self._schemes}))
        self._logger = logging.getLogger(logger_name)
        self._timeout = _timeout(timeout, DEFAULT_TIMEOUT)
        self._deadline = math.inf if deadline is None else _budget(deadline, math.inf)
        self._retry = _client_retry(retries)
        self._retry_is_explicit = isinstance(retries, Retry)
        self._owns_pool = pool is None
        self._pool = (
            pool
            if pool is not None
            else urllib3.PoolManager(
                maxsize=_POOL_MAXSIZE, cert_reqs="CERT_REQUIRED", ca_certs=ca_certs
            )
        )
        self._max_body_bytes = max_body_bytes
        # The path of base_url: the start of every request target sent to the origin pool.
        self._base_path = parse_url(self._base_url).path or ""
        self._origin_pool = self._own_origin_pool()

    def __repr__(self) -> str:
        names = ", ".join(self._credential_names) or "none"
        return f"Transport(base_url={self._base_url!r}, credentials=<{names}: hidden>)"

    def __enter__(self) -> Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections, unless the pool was given by the caller."""
        if self._owns_pool:
            self._pool.clear()
            # Its origin pool is closed now: a later call gets a fresh one, as it
            # would from the PoolManager.
            self._origin_pool = self._own_origin_pool()

    def _own_origin_pool(self) -> HTTPConnectionPool | None:
        """The connection pool of base_url's origin, used directly when the pool is ours.

        A pool made here only ever reaches that origin, since redirects elsewhere are
        refused: ``PoolManager.urlopen`` would parse the URL and look this pool up again
        on every call, about a sixth of a fast call. A pool given by the caller may be
        a ``ProxyManager``, or share its origins with other code, so it is always used
        through its ``urlopen``.
        """
        if not self._owns_pool:
            return None
        pool = self._pool.connection_from_url(self._base_url)
        # Our connections hand their socket to the deadline watchdog as soon as the
        # request is sent, so that a server dripping its headers is cut off too.
        pool.ConnectionCls = (
            _deadlines.DeadlineHTTPSConnection
            if self._origin[0] == "https"
            else _deadlines.DeadlineHTTPConnection
        )
        return pool

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | Timeout | None = None,
        retries: int | Retry | bool | None = None,
        deadline: float | None = None,
        idempotent: bool,
        body: bytes | None = None,
        encoded_query: str = "",
        security: Sequence[Sequence[str]] | None = None,
    ) -> RawResponse:
        """Send ``method`` to ``path`` (already percent-encoded, under the base URL's path).

        ``query`` is encoded here; ``encoded_query`` (``a=1&b=2``, already encoded) is
        appended to it. ``body`` is sent as it is, with the Content-Type the caller puts
        in ``headers``; being bytes, it is sent again as it was on a retry.
        ``security`` lists the alternatives of scheme names the operation accepts (see
        ``_security.choose``); ``None`` sends no scheme's credential.

        Returns the final answer whatever its status. Raises ``TransportError`` (or its
        ``RequestTimeout``) when no answer came, ``DeadlineExceeded`` when the call
        outlasted ``deadline`` seconds (``None``: the client's), ``ResponseTooLarge``,
        ``RedirectRefused``, and ``InvalidParameterError`` (a ``ValueError``) for a bad
        path or header before anything is sent.
        """
        return cast(
            RawResponse,
            self._call(
                method,
                path,
                query=query,
                headers=headers,
                timeout=timeout,
                retries=retries,
                deadline=deadline,
                idempotent=idempotent,
                body=body,
                encoded_query=encoded_query,
                security=security,
                stream=False,
            ),
        )

    def open(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | Timeout | None = None,
        retries: int | Retry | bool | None = None,
        deadline: float | None = None,
        idempotent: bool,
        body: bytes | None = None,
        encoded_query: str = "",
        security: Sequence[Sequence[str]] | None = None,
    ) -> RawResponse | ByteStream:
        """Like :meth:`request`, but a 2xx answer's body is left to read as a :class:`ByteStream`.

        Any other answer is read whole and returned as a ``RawResponse``.
        """
        return self._call(
            method,
            path,
            query=query,
            headers=headers,
            timeout=timeout,
            retries=retries,
            deadline=deadline,
            idempotent=idempotent,
            body=body,
            encoded_query=encoded_query,
            security=security,
            stream=True,
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        timeout: float | Timeout | None,
        retries: int | Retry | bool | None,
        deadline: float | None,
        idempotent: bool,
        body: bytes | None,
        encoded_query: str,
        security: Sequence[Sequence[str]] | None,
        stream: bool,
    ) -> RawResponse | ByteStream:
        method = method.upper()
        path = check_path(path)
        query_string = _query_string(query)
        call_headers = self._headers
        if headers:
            call_headers = HTTPHeaderDict(self._headers)
            call_headers.update(_checked_headers(headers))
        extra_query = [encoded_query] if encoded_query else []
        if security:
            call_headers = self._with_credentials(security, call_headers, extra_query)
        if extra_query:
            query_string += ("&" if query_string else "?") + "&".join(extra_query)
        # What _shown would make of the URL, built from its parts instead of parsing it
        # back (a tenth of a fast call): base_url has no userinfo, query or fragment,
        # and path and query are encoded already.
        shown_query = "?" + self._redacted_query(query_string[1:]) if query_string else ""
        started = time.monotonic()
        budget = _budget(deadline, self._deadline)
        call = _Call(
            method=method,
            headers=call_headers,
            body=body,
            stream=stream,
            timeout=_timeout(timeout, self._timeout),
            started=started,
            budget=budget,
            deadline=started + budget,
            shown_url=self._scrub(self._base_url + path + shown_query),
        )
        url = self._base_url + path + query_string
        target = self._base_path + path + query_string
        return self._run(call, url, target, self._policy(method, retries, idempotent=idempotent))

    def _with_credentials(
        self,
        security: Sequence[Sequence[str]],
        headers: HTTPHeaderDict,
        query: list[str],
    ) -> HTTPHeaderDict:
        """``headers`` with the chosen credentials added; query credentials go to ``query``."""
        chosen = choose(security, self._schemes)
        if not chosen:
            return headers
        headers = HTTPHeaderDict(headers)
        cookies = []
        for credential in chosen:
            value = credential.value()
            if callable(credential.secret):
                self._remember(_credential_secrets(credential, value))
            if credential.location == "header":
                headers[credential.name] = value
            elif credential.location == "query":
                query.append(f"{quote(credential.name, safe='')}={quote(value, safe='')}")
            else:
                cookies.append(f"{header_name(credential.name)}={quote(value, safe='')}")
        if cookies:
            headers["Cookie"] = "; ".join(filter(None, [headers.get("Cookie"), *cookies]))
        return headers

    def _remember(self, secrets: list[str]) -> None:
        """Hide fresh secrets from now on: the latest few, with the fixed ones."""
        with self._secrets_lock:
            if all(secret in self._secrets for secret in secrets if secret):
                return
            self._remembered = [*self._remembered, *secrets][-_REMEMBERED_SECRETS:]
            self._secrets = _secret_strings([*self._fixed_secrets, *self._remembered])

    def _redacted_query(self, query: str) -> str:
        return _redacted_query(query, self._secret_query_names)

    def _policy(
        self, method: str, retries: int | Retry | bool | None, *, idempotent: bool
    ) -> Retry:
        if retries is None:
            if idempotent or (self._retry_is_explicit and _admits(self._retry, method)):
                return self._retry
            return _NO_RETRY
        if retries is False:
            return _NO_RETRY
        if isinstance(retries, Retry):
            return retries
        # True or an int, given for this very call: the caller knows this call may be
        # repeated, whatever its method.
        total = DEFAULT_RETRY.total if retries is True else retries
        return DEFAULT_RETRY.new(total=total, allowed_methods=None)

    def _run(self, call: _Call, url: str, target: str, policy: Retry) -> RawResponse | ByteStream:
        """Send ``call`` to ``url`` (whose path and query are ``target``) until it is
        answered, following redirects and retrying as ``policy`` says, by its deadline."""
        guard = _deadlines.arm(call.deadline)
        try:
            return self._attempts(call, url, target, policy, guard)
        finally:
            guard.disarm()

    def _attempts(
        self, call: _Call, url: str, target: str, policy: Retry, guard: _deadlines.Guard
    ) -> RawResponse | ByteStream:
        redirects = 0
        shown = call.shown_url
        while True:
            sent = time.monotonic()
            if sent >= call.deadline:
                raise self._deadline_error(call, url, policy, "no time left for another attempt")
            try:
                response = self._send(call, url, target, left=call.deadline - sent)
                if not self._owns_pool:
                    guard.attach(_socket_of(response))
                location = self._redirect_target(call, url, response, redirects)
                if location is not None:
                    self._log(
                        call,
                        url,
                        outcome=response.status,
                        sent=sent,
                        policy=policy,
                        then="redirected",
                    )
                    _discard(response)
                    url, target, redirects = (
                        location,
                        parse_url(location).request_uri,
                        redirects + 1,
                    )
                    shown = self._shown(url)
                    continue
                retry = self._status_retry(call, url, response, policy)
                if retry is not None:
                    retry_policy, delay = retry
                    then = f"retrying in {delay:.2f} s"
                    self._log(
                        call, url, outcome=response.status, sent=sent, policy=policy, then=then
                    )
                    _discard(response)
                    guard.attach(None)
                    time.sleep(delay)
                    policy = retry_policy
                    continue
                if call.stream and 200 <= response.status < 300:
                    self._log(
                        call,
                        url,
                        outcome=response.status,
                        sent=sent,
                        policy=policy,
                        then="streaming",
                    )
                    return ByteStream(
                        response,
                        status=response.status,
                        headers=self._public_headers(response.headers),
                        url=shown,
                        method=call.method,
                        deadline=call.deadline,
                        redact=self._scrub,
                    )
                body = self._read_body(call, url, response)
            except HTTPError as error:
                if guard.fired or time.monotonic() >= call.deadline:
                    reason = self._scrub(f"{type(error).__name__}: {error}")
                    raise self._deadline_error(call, url, policy, reason) from error
                guard.attach(None)
                policy = self._error_retry(call, url, error, sent, policy)
                continue
            except (RedirectRefused, ResponseTooLarge) as refusal:
                then = f"refused ({type(refusal).__name__})"
                self._log(call, url, outcome=response.status, sent=sent, policy=policy, then=then)
                raise
            guard.attach(None)
            if guard.fired:
                # The watchdog ended a body that runs to the end of the connection:
                # what was read looks complete, and is not.
                raise self._deadline_error(call, url, policy, "the body was still arriving")
            self._log(call, url, outcome=response.status, sent=sent, policy=policy, then="done")
            return RawResponse(
                status=response.status,
                headers=self._public_headers(response.headers),
                body=body,
                url=shown,
                elapsed=time.monotonic() - call.started,
                redact=self._scrub,
            )

    def _deadline_error(
        self, call: _Call, url: str, policy: Retry, reason: str
    ) -> DeadlineExceeded:
        self._log(call, url, outcome=reason, sent=call.started, policy=policy, then="deadline")
        return DeadlineExceeded(
            method=call.method,
            url=self._shown(url),
            reason=f"the deadline of {call.budget:g} s passed ({reason})",
            attempts=len(policy.history) + 1,
            deadline=call.budget,
        )

    def _send(self, call: _Call, url: str, target: str, *, left: float) -> BaseHTTPResponse:
        """One attempt, its body left unread; urllib3's retries and redirects are off."""
        options: dict[str, Any] = {
            "headers": call.headers,
            "body": call.body,
            "timeout": _cut(call.timeout, left),
            "retries": False,
            "redirect": False,
            "preload_content": False,
            "decode_content": True,
        }
        if self._origin_pool is not None:
            return self._origin_pool.urlopen(call.method, target, **options)
        return self._pool.urlopen(call.method, url, **options)

    def _redirect_target(
        self, call: _Call, url: str, response: BaseHTTPResponse, redirects: int
    ) -> str | None:
        """Where a redirect we follow leads; ``None`` for an answer that is not a redirect."""
        location = response.get_redirect_location()
        if not isinstance(location, str):
            # Not a redirect status (False), or one without a Location (None): the
            # answer is final.
            return None
        target = _redirect_url(url, location)
        origin = None if target is None else _origin(target)
        if target is None:
            reason = "its Location is not a well-formed http or https URL"
        elif origin != self._origin:
            reason = "it leads to another origin"
        elif call.method not in _REDIRECTED_METHODS:
            reason = f"{call.method} requests are not redirected"
        elif redirects >= _MAX_REDIRECTS:
            reason = f"more than {_MAX_REDIRECTS} redirects"
        else:
            return target
        _discard(response)
        raise RedirectRefused(
            status=response.status,
            location=_shown_origin(origin),
            method=call.method,
            url=self._shown(url),
            reason=reason,
        )

    def _status_retry(
        self, call: _Call, url: str, response: BaseHTTPResponse, policy: Retry
    ) -> tuple[Retry, float] | None:
        """The policy for the next attempt and the sleep before it, when ``response`` is
        worth retrying within the deadline; else ``None``, and ``response`` is final."""
        # Retry reads Retry-After only for these statuses; a header lookup is not free.
        has_retry_after = response.status in policy.RETRY_AFTER_STATUS_CODES and bool(
            response.headers.get("Retry-After")
        )
        if not policy.is_retry(call.method, response.status, has_retry_after):
            return None
        try:
            retry = policy.increment(call.method, self._shown(url), response=response)
        except HTTPError:
            # MaxRetryError: no retries left, so this answer is the final one.
            return None
        delay = _delay(retry, response)
        # A retry that could not start before the deadline is not worth the wait: the
        # answer in hand (its Retry-After included) tells the caller more.
        return (retry, delay) if time.monotonic() + delay < call.deadline else None

    def _error_retry(
        self, call: _Call, url: str, error: HTTPError, sent: float, policy: Retry
    ) -> Retry:
        """The policy for the next attempt after ``error``; raises when there is none."""
        retry = None
        if not isinstance(error, ReadTimeoutError):
            # increment() raises MaxRetryError when retries are used up, and re-raises
            # ``error`` itself when the policy does not retry this kind of error.
            with contextlib.suppress(HTTPError):
                retry = policy.increment(call.method, self._shown(url), error=error)
        reason = self._scrub(f"{type(error).__name__}: {error}")
        delay = 0.0 if retry is None else _delay(retry, None)
        if retry is not None and time.monotonic() + delay >= call.deadline:
            reason += " (no time left to retry before the deadline)"
            retry = None
        if retry is None:
            self._log(call, url, outcome=reason, sent=sent, policy=policy, then="giving up")
            error_class = RequestTimeout if _is_timeout(error) else TransportError
            raise error_class(
                method=call.method,
                url=self._shown(url),
                reason=reason,
                attempts=len(policy.history) + 1,
                unreachable=isinstance(error, NewConnectionError),
            ) from error
        then = f"retrying in {delay:.2f} s"
        self._log(call, url, outcome=reason, sent=sent, policy=policy, then=then)
        time.sleep(delay)
        return retry

    def _read_body(self, call: _Call, url: str, response: BaseHTTPResponse) -> bytes:
        declared = None if call.method == "HEAD" else _content_length(response.headers)
        body = None
        if declared is None or declared <= self._max_body_bytes:
            body = _read_at_most(
                response, self._max_body_bytes, declared=declared, deadline=call.deadline
            )
        else:
            _close(response)
        if body is None:
            raise ResponseTooLarge(
                limit=self._max_body_bytes, method=call.method, url=self._shown(url)
            )
        return body

    def _public_headers(self, headers: HTTPHeaderDict) -> HTTPHeaderDict:
        """``headers`` without any that carries or echoes a credential: a copy if one does."""
        if not any(self._hides(name, value) for name, value in headers.iteritems()):
            return headers
        kept = HTTPHeaderDict()
        for name, value in headers.iteritems():
            if not self._hides(name, value):
                kept.add(name, value)
        return kept

    def _hides(self, name: str, value: str) -> bool:
        return name.lower() in self._hidden_headers or any(
            secret in value for secret in self._secrets
        )

    def _shown(self, url: str) -> str:
        """``url`` as errors and logs show it: no userinfo, no fragment, secrets redacted."""
        parsed = parse_url(url)
        query = self._redacted_query(parsed.query) if parsed.query else parsed.query
        return self._scrub(parsed._replace(auth=None, query=query, fragment=None).url)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def _log(
        self, call: _Call, url: str, *, outcome: int | str, sent: float, policy: Retry, then: str
    ) -> None:
        """One DEBUG record per attempt: never a header value, never a secret."""
        if not self._logger.isEnabledFor(logging.DEBUG):
            return
        shown = self._shown(url)
        elapsed_ms = (time.monotonic() - sent) * 1000
        attempt = len(policy.history) + 1
        self._logger.debug(
            "%s %s -> %s in %.1f ms (attempt %d): %s",
            call.method,
            shown,
            outcome,
            elapsed_ms,
            attempt,
            then,
            extra={
                "http_method": call.method,
                "http_url": shown,
                "http_status": outcome if isinstance(outcome, int) else None,
                "elapsed_ms": elapsed_ms,
                "attempt": attempt,
            },
        )


def raise_for_status(
    response: RawResponse,
    *,
    method: str,
    error_models: Mapping[int | str, Callable[[Any], object]],
    error_class_for: Callable[[int], type[ApiError]],
) -> None:
    """Raise the ``ApiError`` for a non-2xx ``response``; return for a 2xx one.

    ``error_models`` maps a status, an OpenAPI range like ``"4XX"`` or ``"default"`` to
    a callable that builds the error model from the parsed JSON body. Whatever the body
    holds (plain text, HTML, invalid JSON, binary, nothing) and whatever the callable
    raises, the result is the ``ApiError``, with ``error_model`` left ``None`` when the
    body does not fit. The request id and the detail that its message quotes go through
    ``response.redact``; ``body`` and ``error_model`` stay as the server sent them.
    """
    if 200 <= response.status < 300:
        return
    data = _error_json(response)
    request_id = _request_id(response.headers, data)
    detail = _detail(response, data)
    raise error_class_for(response.status)(
        status=response.status,
        headers=response.headers,
        body=response.body,
        method=method,
        url=response.url,
        error_model=_error_model(error_models, response.status, data),
        request_id=None if request_id is None else response.redact(request_id),
        detail=None if detail is None else response.redact(detail),
    )


def check_json(response: RawResponse, *, method: str) -> None:
    """``ResponseDecodeError`` unless a 2xx ``response`` says it is JSON: its content type
    is JSON (``application/json`` or ``+json``) or absent, and its body is not empty."""
    media_type = _media_type(response.headers)
    if media_type is not None and not _is_json(media_type):
        raise _decode_error(response, method, f"the content type {media_type!r} is not JSON")
    if not response.body:
        raise _decode_error(response, method, "the body is empty")


def decode_json(response: RawResponse, *, method: str) -> Any:
    """The parsed JSON body of a 2xx ``response``; ``ResponseDecodeError`` when it is not JSON.

    The content type must be JSON (``application/json`` or ``+json``) or absent. The
    body must be UTF-8 and strict JSON: ``NaN``, ``Infinity`` and numbers that overflow
    a float are refused, as are nesting too deep and integers too long for Python.
    """
    check_json(response, method=method)
    try:
        return parse_json(response.body)
    except RecursionError:
        raise _decode_error(response, method, "the JSON is nested too deeply") from None
    except ValueError as exc:
        raise _decode_error(response, method, f"the body is not valid JSON: {exc}") from None


def _base_url(base_url: str) -> str:
    try:
        parsed = parse_url(base_url)
    except LocationParseError:
        raise InvalidParameterError(f"base_url {base_url!r} is not a URL") from None
    if parsed.scheme not in _DEFAULT_PORTS or not parsed.host:
        raise InvalidParameterError(
            f"base_url {base_url!r} must be an http or https URL with a host"
        )
    if parsed.auth or parsed.query is not None or parsed.fragment is not None:
        raise InvalidParameterError("base_url may not hold credentials, a query or a fragment")
    return parsed.url.rstrip("/")


def _origin(url: str) -> tuple[str, str, int]:
    parsed = parse_url(url)
    scheme = (parsed.scheme or "").lower()
    return scheme, (parsed.host or "").lower(), parsed.port or _DEFAULT_PORTS.get(scheme, 0)


def _redirect_url(url: str, location: str) -> str | None:
    """The absolute URL a redirect's ``location`` leads to from ``url``, or ``None``.

    ``None`` when it is not a well-formed http or https URL (or reference to one):
    empty, with a space or control character, unparsable, without a host, or with port
    0. urljoin alone would take ``http://``, ``http:///x`` and ``//`` for the base URL
    itself, and urllib3 would percent-encode control characters and send them on.
    """
    if not location or _NOT_IN_LOCATION.search(location):
        return None
    if location.startswith("//"):
        # A network-path reference: urljoin would keep the base's host for "//".
        location = url.partition(":")[0] + ":" + location
    try:
        target = location if _SCHEME.match(location) else urljoin(url, location)
        # The origin is read with urllib3's own parser, the one that picks where the
        # next request goes: Python's urlsplit disagrees on URLs like
        # "http://evil\@origin/", and such a disagreement would leak credentials.
        parsed = parse_url(target)
    except ValueError:  # urljoin's "Invalid IPv6 URL", urllib3's LocationParseError
        return None
    if (parsed.scheme or "").lower() not in _DEFAULT_PORTS or not parsed.host:
        return None
    return None if parsed.port == 0 else target


def _shown_origin(origin: tuple[str, str, int] | None) -> str:
    if origin is None:
        return "an unparsable URL"
    scheme, host, port = origin
    return f"{scheme}://{host}:{port}"


def _checked_headers(headers: Mapping[str, str]) -> HTTPHeaderDict:
    checked = HTTPHeaderDict()
    for name, value in headers.items():
        checked[header_name(name)] = header_value(value, name=name)
    return checked


def _secret_strings(values: Iterable[str]) -> tuple[str, ...]:
    """The strings to hide: each credential value, and its token without the scheme."""
    secrets = set()
    for value in values:
        secrets.add(value)
        _scheme, _space, token = value.partition(" ")
        secrets.add(token.strip())
    # Longest first, so that hiding a token does not leave part of a longer secret.
    return tuple(sorted((secret for secret in secrets if secret), key=len, reverse=True))


def _client_retry(retries: int | Retry | None) -> Retry:
    if retries is None:
        return DEFAULT_RETRY
    if isinstance(retries, Retry):
        return retries
    return DEFAULT_RETRY.new(total=retries)


def _admits(policy: Retry, method: str) -> bool:
    return policy.allowed_methods is None or method in policy.allowed_methods


def _timeout(timeout: float | Timeout | None, default: Timeout) -> Timeout:
    # A Timeout given by the caller is used as it is: a part it leaves unset falls back
    # to socket.getdefaulttimeout(), normally "wait forever", as urllib3 documents.
    if timeout is None:
        return default
    if isinstance(timeout, Timeout):
        return timeout
    return Timeout(connect=timeout, read=timeout)


def _budget(deadline: float | None, default: float) -> float:
    """A deadline in seconds: ``None`` takes ``default``; ``math.inf`` means none."""
    if deadline is None:
        return default
    if not deadline > 0:  # NaN included
        raise ValueError(f"deadline must be a positive number of seconds, not {deadline!r}")
    return float(deadline)


def _cut(timeout: Timeout, left: float) -> Timeout:
    """``timeout`` with no part longer than ``left`` seconds (urllib3's ``total``)."""
    if left == math.inf:
        return timeout
    cut = timeout.clone()
    total = timeout.total
    cut.total = min(total, left) if isinstance(total, (int, float)) else left
    return cut


def _socket_of(response: BaseHTTPResponse) -> Any:
    """The socket a response is read from, if urllib3 lets it be known."""
    connection = getattr(response, "connection", None)
    return getattr(connection, "sock", None)


def _query_string(query: Mapping[str, str] | None) -> str:
    if not query:
        return ""
    # What urlencode(query, quote_via=quote) makes, without its checks per pair.
    return "?" + "&".join(
        f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in query.items()
    )


def _credential_secrets(credential: Credential, value: str) -> list[str]:
    """The texts that would give ``credential`` away: as sent, and percent-encoded."""
    secret = value[len(credential.prefix) :]
    return [value, secret, quote(secret, safe="")]


def _redacted_query(query: str, names: frozenset[str] = frozenset()) -> str:
    pairs = []
    for pair in query.split("&"):
        name, equals, _value = pair.partition("=")
        secret = equals and (name in names or _SECRET_QUERY_NAME.search(unquote_plus(name)))
        pairs.append(f"{name}={_REDACTED}" if secret else pair)
    return "&".join(pairs)


def _delay(policy: Retry, response: BaseHTTPResponse | None) -> float:
    """Seconds before the next attempt: Retry-After if the policy honours it, else backoff."""
    if response is not None and policy.respect_retry_after_header:
        # urllib3 raises InvalidHeader for a Retry-After it cannot parse; a server's
        # garbled hint should fall back to backoff, not fail the call.
        with contextlib.suppress(HTTPError):
            retry_after = policy.get_retry_after(response)
            if retry_after:
                return retry_after
    return policy.get_backoff_time()


def _is_timeout(error: HTTPError) -> bool:
    # NewConnectionError (connection refused, DNS) subclasses ConnectTimeoutError in
    # urllib3 2.x for backward compatibility, but is no timeout.
    if isinstance(error, NewConnectionError):
        return False
    return isinstance(error, (ConnectTimeoutError, ReadTimeoutError))


def _content_length(headers: HTTPHeaderDict) -> int | None:
    value = headers.get("Content-Length", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def _is_bounded(response: BaseHTTPResponse, declared: int) -> bool:
    """Whether ``read()`` returns the ``declared`` Content-Length, no more.

    Not so for a chunked body, whose Content-Length http.client ignores, nor for a
    compressed one, which may inflate a thousandfold as it is read.
    """
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    return (
        isinstance(response, HTTPResponse)
        and response.length_remaining == declared
        and encoding in ("", "identity")
    )


class _BodyDeadline(HTTPError):
    """The deadline passed between two chunks of a body."""


def _read_at_most(
    response: BaseHTTPResponse,
    limit: int,
    *,
    declared: int | None = None,
    deadline: float = math.inf,
) -> bytes | None:
    """The whole decompressed body, or ``None`` as soon as it proves longer than ``limit``.

    A body known to be no longer than its ``declared`` Content-Length (at most ``limit``)
    is read in one read, a tenth of a fast call less than streaming it. Either way the
    connection goes back to the pool: reusable after a complete body, closed otherwise,
    since the rest of the body would still be on the wire. ``_BodyDeadline`` is
    raised when ``deadline`` (``time.monotonic()`` time) passes between chunks.
    """
    chunks: list[bytes] = []
    size = 0
    complete = False
    try:
        if declared is not None and _is_bounded(response, declared):
            chunks.append(response.read())
            complete = True
        else:
            for chunk in response.stream(_CHUNK_SIZE, decode_content=True):
                if time.monotonic() >= deadline:
                    raise _BodyDeadline("the deadline passed while the body was read")
                size += len(chunk)
                if size > limit:
                    break
                chunks.append(chunk)
            else:
                complete = True
    finally:
        if not complete:
            _close(response)
        response.release_conn()
    return b"".join(chunks) if complete else None


def _discard(response: BaseHTTPResponse) -> None:
    """Throw away an answer that will not be returned, keeping its connection if cheap."""
    with contextlib.suppress(HTTPError):
        _read_at_most(response, _DRAIN_LIMIT)


def _close(response: BaseHTTPResponse) -> None:
    response.close()
    response.release_conn()


def _media_type(headers: Mapping[str, str]) -> str | None:
    content_type = headers.get("Content-Type")
    if content_type is None:
        return None
    return content_type.partition(";")[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == _JSON_MEDIA_TYPE or media_type.endswith("+json")


def _error_json(response: RawResponse) -> Any:
    """The parsed JSON of an error body, or ``None`` when it is not JSON."""
    media_type = _media_type(response.headers)
    if not response.body or (media_type is not None and not _is_json(media_type)):
        return None
    try:
        return parse_json(response.body)
    except (ValueError, RecursionError):
        return None


def _error_model(
    error_models: Mapping[int | str, Callable[[Any], object]], status: int, data: Any
) -> object | None:
    if data is None:
        return None
    build = (
        error_models.get(status)
        or error_models.get(f"{status // 100}XX")
        or error_models.get("default")
    )
    if build is None:
        return None
    try:
        return build(data)
    except Exception:
        # The error model is a convenience: a body that does not fit it must not hide
        # the ApiError, which keeps the raw body anyway.
        return None


def _request_id(headers: Mapping[str, str], data: Any) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    if isinstance(data, dict):
        value = data.get("request_id")
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def _detail(response: RawResponse, data: Any) -> str | None:
    """The server's own words for the message: from a JSON or plain-text body only."""
    media_type = _media_type(response.headers)
    if data is not None:
        found = _words(data, depth=3)
        if found:
            return found
    elif media_type != "text/plain" and not (media_type and _is_json(media_type)):
        return None
    return response.body.decode("utf-8", errors="replace") or None


def _words(value: Any, *, depth: int) -> str | None:
    """Text under a message-like key of a parsed JSON error body, looked for ``depth`` deep."""
    if isinstance(value, str):
        return value or None
    if depth == 0:
        return None
    if isinstance(value, list):
        texts = [text for text in (_words(item, depth=depth - 1) for item in value[:5]) if text]
        return "; ".join(texts) or None
    if isinstance(value, dict):
        for key in _DETAIL_KEYS:
            found = _words(value.get(key), depth=depth - 1)
            if found:
                return found
    return None


def _decode_error(response: RawResponse, method: str, reason: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        status=response.status,
        headers=response.headers,
        body=response.body,
        method=method,
        url=response.url,
        reason=response.redact(reason),
    )


class ByteStream:
    """A 2xx answer whose body is read chunk by chunk: memory stays bounded by the chunk size.

    Iterate it for the decompressed chunks (each at most ``chunk_size`` bytes); the
    connection is released when the body ends, on :meth:`close`, or when used as a
    context manager. The call's deadline still bounds the reading: ``DeadlineExceeded``
    when it passes between chunks, ``TransportError`` when the connection breaks. The
    client's ``max_body_bytes`` does not apply: a stream is for bodies too large to hold.
    """

    def __init__(
        self,
        response: BaseHTTPResponse,
        *,
        status: int,
        headers: Mapping[str, str],
        url: str,
        method: str,
        deadline: float,
        redact: Callable[[str], str],
        chunk_size: int = _CHUNK_SIZE,
    ) -> None:
        self.status = status
        self.headers = headers
        self.url = url
        self.chunk_size = chunk_size
        self._response = response
        self._method = method
        self._deadline = deadline
        self._redact = redact

    def __repr__(self) -> str:
        return f"ByteStream(status={self.status}, url={self.url!r})"

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._response.stream(self.chunk_size, decode_content=True):
                if time.monotonic() >= self._deadline:
                    raise DeadlineExceeded(
                        method=self._method,
                        url=self.url,
                        reason="the deadline passed while the body was streamed",
                        attempts=1,
                        deadline=self._deadline,
                    )
                yield chunk
        except HTTPError as error:
            reason = self._redact(f"{type(error).__name__}: {error}")
            raise TransportError(
                method=self._method, url=self.url, reason=reason, attempts=1
            ) from error
        finally:
            self.close()

    def read(self) -> bytes:
        """The whole rest of the body (for small answers; it is held in memory)."""
        return b"".join(self)

    def close(self) -> None:
        """Release the connection; the unread rest of the body is dropped."""
        _close(self._response)

    def __enter__(self) -> ByteStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
