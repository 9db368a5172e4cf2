"""The mock HTTP server: one spec's operations, answered as the spec says, on 127.0.0.1."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.wrappers import Request, Response

from .._spec._load import LoadedSpec
from .._validate._check import _read_parameter
from .._validate._operations import Operation
from ._api import Api, MockError, resolve_spec
from ._bodies import Bodies, encode
from ._jobs import OUTCOMES, Fault, Job, Reply
from ._serve import Serving
from ._states import make_states, waiter_of

__all__ = ["MockServer"]

#: What ``Prefer: code=N`` may ask for; anything else is ignored.
_STATUS = re.compile(r"[1-5][0-9][0-9]")


class MockServer:
    """A mock of one spec's API on ``host:port`` (port 0: a free one).

    ``spec`` is a spec name, a path or a loaded spec. Bodies come from the spec's
    examples, or are generated from its schemas when ``seed`` is given. Use it as a
    context manager, or call :meth:`start` and :meth:`stop`; :attr:`url` is its address.
    Every exchange is kept in :attr:`exchanges` as a HAR 1.2 entry, unless
    ``keep_exchanges`` is false (a long-running mock).
    """

    def __init__(
        self,
        spec: str | os.PathLike[str] | LoadedSpec,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int | None = None,
        keep_exchanges: bool = True,
    ) -> None:
        loaded = spec if isinstance(spec, LoadedSpec) else resolve_spec(spec)
        self.api = Api(loaded)
        self.bodies = Bodies(self.api, seed)
        self.jobs: list[Job] = []
        self.exchanges: list[dict[str, Any]] = []
        self._keep_exchanges = keep_exchanges
        self._serving = Serving(self._app, host, port, "specbind-mock")
        self._lock = threading.Lock()
        self._draws: dict[str, int] = {}

    @property
    def spec(self) -> LoadedSpec:
        return self.api.spec

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT`` (the mock must be started)."""
        return self._serving.url

    def start(self) -> MockServer:
        """Bind and serve in a background thread; return self. Raises :class:`MockError`."""
        self._serving.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._serving.stop()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def add_job(
        self,
        operation: str,
        params: Mapping[str, str],
        *,
        waiter: str,
        outcome: str = "success",
        after: int | float = 0,
        faults: Iterable[Fault] = (),
    ) -> Job:
        """Play a job on ``operation`` for requests with these ``params`` (by their names
        in the spec): pending until ``after`` answered polls (``int``) or seconds from the
        first poll (``float``), then ``outcome`` (``success``, ``failure`` or ``never``) as
        ``waiter``'s acceptors see it. Raises :class:`MockError`."""
        found = self.api.operations.get(operation)
        if found is None:
            known = ", ".join(sorted(self.api.operations))
            raise MockError(f"no operation {operation!r} in the spec (it has {known})")
        if outcome not in OUTCOMES:
            raise MockError(f"outcome {outcome!r}: not one of {', '.join(OUTCOMES)}")
        if isinstance(after, bool) or not (isinstance(after, int | float) and after >= 0):
            raise MockError(f"after {after!r}: a number of polls or of seconds, at least 0")
        states = make_states(
            self.bodies, found, waiter_of(self.bodies, found, waiter), _texts(params)
        )
        if outcome == "failure" and states.failure is None:
            raise MockError(f"waiter {waiter!r} of {operation} has no failure acceptor")
        job = Job(
            operation=operation,
            params=_texts(params),
            outcome=outcome,
            after=after,
            faults=tuple(faults),
            states=states,
            success_status=self.api.success_status(found),
        )
        with self._lock:
            self.jobs.append(job)
        return job

    # The WSGI application.

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        reply, operation = self._reply(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            connection = environ.get("werkzeug.socket")
            if isinstance(connection, socket.socket):
                connection.shutdown(socket.SHUT_RDWR)
            return Response(b"")(environ, start_response)
        response = self._response(operation, reply, request)
        if self._keep_exchanges:
            self._record(request, response)
        return response(environ, start_response)

    def _reply(self, request: Request) -> tuple[Reply, Operation | None]:
        match = self.api.index.match(request.method, request.url)
        if isinstance(match, tuple):
            return _undocumented(self.api, request, match[0]), None
        operation = match.operation
        values = _values(operation, request, match.path_values)
        prefer = _prefer(request.headers.get("Prefer", ""))
        example, generate = prefer.get("example", ""), prefer.get("dynamic") == "true"
        if _STATUS.fullmatch(prefer.get("code", "")):
            return Reply(prefer["code"], example=example, generate=generate), operation
        if not self._authorised(operation, request):
            return Reply("401"), operation
        if not self._parameters_valid(operation, values):
            return Reply("400"), operation
        job, known = self._job(operation, values)
        if job is None and not known:
            return Reply("404"), operation
        if job is not None and job.operation == operation.id:
            return job.poll(), operation
        status = self.api.success_status(operation)
        if job is not None:  # a cancel
            return Reply(status, job.cancel(), use_value=True), operation
        return Reply(status, example=example, generate=generate), operation

    def _authorised(self, operation: Operation, request: Request) -> bool:
        alternatives = self.api.credentials(operation)
        if not alternatives:
            return True
        for alternative in alternatives:
            sent = []
            for credential in alternative:
                if credential.where == "header":
                    value = request.headers.get(credential.name, "")
                    value = (
                        value[len(credential.prefix) :]
                        if value.lower().startswith(credential.prefix)
                        else ""
                    )
                elif credential.where == "query":
                    value = request.args.get(credential.name, "")
                else:
                    value = request.cookies.get(credential.name, "")
                sent.append(bool(value.strip()))
            if all(sent):
                return True
        return False

    def _parameters_valid(self, operation: Operation, values: Mapping[str, list[str]]) -> bool:
        for parameter in operation.parameters:
            given = values.get(parameter.name)
            if given is None:
                if parameter.required:
                    return False
                continue
            # Read as `specbind validate` reads a captured request's parameters.
            if parameter.schema and not self.bodies.valid(
                parameter.schema, _read_parameter(parameter, given)
            ):
                return False
        return True

    def _job(
        self, operation: Operation, values: Mapping[str, list[str]]
    ) -> tuple[Job | None, bool]:
        """The job a request is about (its poll, or its cancel), and whether the request
        may be answered at all: an operation that plays jobs knows no other ids."""
        texts = {name: given[0] for name, given in values.items()}
        with self._lock:
            jobs = list(self.jobs)
        polled = [job for job in jobs if job.operation == operation.id]
        if polled:
            job = next((job for job in polled if job.names(texts)), None)
            return job, job is not None
        if operation.method != "get" and "cancel" in operation.id.lower():
            cancelable = [job for job in jobs if set(job.params) <= set(texts)]
            if cancelable:
                job = next((job for job in cancelable if job.names(texts)), None)
                return job, job is not None
        return None, True

    def _response(self, operation: Operation | None, reply: Reply, request: Request) -> Response:
        headers = dict(reply.headers)
        if operation is None:
            return Response(b"", status=int(reply.status), headers=headers)
        answer = self.api.answer(operation, reply.status)
        if answer is None:
            return Response(b"", status=int(reply.status), headers=headers)
        if reply.use_value:
            value = reply.value
        else:
            draw = self._draw(operation)
            value = self.bodies.value(
                operation, answer, example=reply.example, draw=draw, generate=reply.generate
            )
        body, content_type = encode(answer, value)
        if content_type is not None:
            headers["Content-Type"] = content_type
        return Response(body, status=int(reply.status), headers=headers)

    def _draw(self, operation: Operation) -> int:
        with self._lock:
            self._draws[operation.id] = self._draws.get(operation.id, -1) + 1
            return self._draws[operation.id]

    def _record(self, request: Request, response: Response) -> None:
        entry = {
            "startedDateTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "time": 0,
            "request": {
                "method": request.method,
                "url": request.url,
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": k, "value": v} for k, v in request.headers.items()],
                "queryString": [{"name": k, "value": v} for k, v in request.args.items(multi=True)],
                "cookies": [],
                "headersSize": -1,
                "bodySize": -1,
            },
            "response": {
                "status": response.status_code,
                "statusText": "",
                "httpVersion": "HTTP/1.1",
                "headers": [{"name": k, "value": v} for k, v in response.headers.items()],
                "cookies": [],
                "content": {
                    "size": len(response.get_data()),
                    "mimeType": response.headers.get("Content-Type", ""),
                    "text": response.get_data(as_text=True),
                },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": 0, "receive": 0},
        }
        with self._lock:
            self.exchanges.append(entry)


def _texts(params: Mapping[str, Any]) -> dict[str, str]:
    return {str(name): str(value) for name, value in params.items()}


def _values(
    operation: Operation, request: Request, path: Mapping[str, str]
) -> dict[str, list[str]]:
    """Each parameter's values as sent, by name (absent parameters left out)."""
    values: dict[str, list[str]] = {}
    for parameter in operation.parameters:
        name, where = parameter.name, parameter.location
        if where == "path":
            found = [path[name]] if name in path else []
        elif where == "query":
            found = request.args.getlist(name)
        elif where == "header":
            found = request.headers.getlist(name)
        else:
            found = [request.cookies[name]] if name in request.cookies else []
        if found:
            values[name] = found
    return values


def _prefer(header: str) -> dict[str, str]:
    """``Prefer: code=404, example=unknown_job`` as ``{"code": "404", ...}``."""
    found: dict[str, str] = {}
    for part in header.replace(";", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key and value:
            found[key.strip().lower()] = value.strip().strip('"')
    return found


def _undocumented(api: Api, request: Request, reason: str) -> Reply:
    if reason != "undocumented method":
        return Reply("404")
    allowed = sorted(
        {op.method.upper() for op in api.operations.values() if op.pattern.fullmatch(request.path)}
    )
    return Reply("405", headers={"Allow": ", ".join(allowed)})
