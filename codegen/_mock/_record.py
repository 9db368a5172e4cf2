"""``specbind record``: a forwarding proxy that checks traffic against the spec and writes
a scrubbed HAR as it goes.

Each request is passed upstream and the answer back unchanged (status, headers, body
bytes, streamed as they come; keep-alive on both sides). An upstream that cannot be
reached or drops the connection gets the client a 502, and the proxy keeps serving. When
an answer has been passed on, the exchange is checked by the Validator (as
``specbind validate`` checks a HAR entry), its findings are reported, and the entry is
written to the HAR with its credentials scrubbed; the HAR file is a whole, valid HAR
after every entry.
"""

from __future__ import annotations

import json
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import urllib3
from werkzeug.wrappers import Request, Response

from .._spec._load import LoadedSpec
from .._validate._finding import Result
from .._validate._validator import Validator
from ._api import resolve_spec
from ._scrub import Scrubber
from ._serve import Serving

__all__ = ["RecordingProxy"]

#: Headers of one connection, not of the message (RFC 9110 section 7.6.1).
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
     "upgrade", "proxy-authenticate", "proxy-authorization", "host"}
)  # fmt: skip
#: Bodies larger than this are passed on whole but kept out of the HAR.
MAX_RECORDED_BYTES = 32 * 1024 * 1024
_CHUNK = 64 * 1024


class RecordingProxy:
    """Forwards ``host:port`` (port 0: a free one) to ``upstream``, checking each exchange
    against ``spec`` (a name, a path or a loaded spec), writing it to the HAR at ``har``,
    and handing each check's :class:`Result` to ``on_result`` (in order of completion)."""

    def __init__(
        self,
        spec: str | os.PathLike[str] | LoadedSpec,
        upstream: str,
        har: str | os.PathLike[str],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_result: Callable[[Result], None] = lambda result: None,
        timeout: float = 60.0,
    ) -> None:
        spec = spec if isinstance(spec, LoadedSpec) else resolve_spec(spec)
        self.spec = spec
        self.upstream = upstream.rstrip("/")
        self.results: list[Result] = []
        self._validator = Validator(spec.path, servers=[self.upstream])
        self._scrubber = Scrubber(spec)
        self._on_result = on_result
        self._pool = urllib3.PoolManager(
            retries=False, timeout=urllib3.Timeout(connect=10.0, read=timeout)
        )
        self._har = _HarFile(Path(har))
        self._lock = threading.Lock()
        self._serving = Serving(self._app, host, port, "specbind-record")

    @property
    def url(self) -> str:
        return self._serving.url

    def start(self) -> RecordingProxy:
        self._serving.start()
        return self

    def stop(self) -> None:
        self._serving.stop()
        self._pool.clear()
        self._har.close()

    def __enter__(self) -> RecordingProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        started = time.monotonic()
        when = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        target = request.path + (
            f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
        )
        sent_body = request.get_data()
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP]
        try:
            answer = self._pool.request(
                request.method,
                self.upstream + target,
                body=sent_body or None,
                headers=urllib3.HTTPHeaderDict(headers),
                preload_content=False,
                decode_content=False,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            message = f"specbind record: the upstream gave no answer: {type(exc).__name__}\n"
            response = Response(message, status=502, content_type="text/plain; charset=utf-8")
            return response(environ, start_response)
        passed = [(k, v) for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP]
        start_response(f"{answer.status} {answer.reason or ''}".rstrip(), passed)

        def body() -> Iterator[bytes]:
            # One chunk is held back until the exchange is checked and written, so that a
            # client that has its whole answer finds it in the HAR.
            kept: list[bytes] = []
            size = 0
            held = b""
            try:
                for chunk in answer.stream(_CHUNK):
                    size += len(chunk)
                    if size <= MAX_RECORDED_BYTES:
                        kept.append(chunk)
                    if held:
                        yield held
                    held = chunk
            finally:
                answer.release_conn()
            whole = b"".join(kept) if size <= MAX_RECORDED_BYTES else None
            entry = _entry(
                request,
                self.upstream + target,
                sent=sent_body,
                answer=answer,
                headers=passed,
                body=whole,
            )
            entry["startedDateTime"] = when
            entry["time"] = round((time.monotonic() - started) * 1000, 3)
            self._done(entry)
            if held:
                yield held

        return body()

    def _done(self, entry: dict[str, Any]) -> None:
        with self._lock:
            label = f"{self._har.path}#{len(self.results)}"
            result = self._validator.check_har_entry(entry, label=label)
            self.results.append(result)
            self._har.add(self._scrubber.entry(entry))
            self._on_result(result)


def _entry(
    request: Request,
    url: str,
    *,
    sent: bytes,
    answer: urllib3.BaseHTTPResponse,
    headers: list[tuple[str, str]],
    body: bytes | None,
) -> dict[str, Any]:
    """The HAR 1.2 entry of one exchange to ``url`` (the upstream's), not yet timed."""
    content: dict[str, Any] = {
        "size": -1 if body is None else len(body),
        "mimeType": answer.headers.get("Content-Type", ""),
    }
    if body is not None:
        content["text"] = _decoded(body, answer.headers.get("Content-Encoding", "")).decode(
            "utf-8", "surrogateescape"
        )
    entry: dict[str, Any] = {
        "startedDateTime": "",
        "time": 0,
        "request": {
            "method": request.method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in request.headers.items()],
            "queryString": [{"name": k, "value": v} for k, v in request.args.items(multi=True)],
            "cookies": [{"name": k, "value": v} for k, v in request.cookies.items(multi=True)],
            "headersSize": -1,
            "bodySize": len(sent),
        },
        "response": {
            "status": answer.status,
            "statusText": answer.reason or "",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": k, "value": v} for k, v in headers],
            "cookies": [],
            "content": content,
            "redirectURL": answer.headers.get("Location", ""),
            "headersSize": -1,
            "bodySize": -1 if body is None else len(body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }
    if sent:
        entry["request"]["postData"] = {
            "mimeType": request.headers.get("Content-Type", ""),
            "text": sent.decode("utf-8", "surrogateescape"),
        }
    return entry


def _decoded(body: bytes, encoding: str) -> bytes:
    """The body as the HAR shows it: decompressed, within the recorded size."""
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "deflate"):
        return body
    try:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, by its header
        return inflater.decompress(body, MAX_RECORDED_BYTES)
    except zlib.error:
        return body


class _HarFile:
    """A HAR file that is whole after every entry: each entry is written over the closing
    brackets, which are then written again."""

    _TRAILER = b"\n]}}\n"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] = path.open("wb")
        head = {"log": {"version": "1.2", "creator": {"name": "specbind record", "version": "1"}}}
        opening = json.dumps(head)[:-2] + ', "entries": ['
        self._file.write(opening.encode())
        self._end = self._file.tell()
        self._count = 0
        self._file.write(self._TRAILER)
        self._file.flush()

    def add(self, entry: dict[str, Any]) -> None:
        self._file.seek(self._end)
        separator = b",\n" if self._count else b"\n"
        self._file.write(
            separator + json.dumps(entry, ensure_ascii=False).encode("utf-8", "surrogateescape")
        )
        self._count += 1
        self._end = self._file.tell()
        self._file.write(self._TRAILER)
        self._file.truncate()
        self._file.flush()

    def close(self) -> None:
        self._file.close()
