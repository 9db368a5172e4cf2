"""A real HTTP/1.1 server on 127.0.0.1 for the transport tests, scripted per test.

Each request is recorded as the server read it (raw request line included), then
answered by the next script in the queue given to ``serve``; the last script keeps
answering once the queue is used up. Scripts get an ``Exchange`` and answer through it:
a plain reply, a streamed body, or a dropped connection.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

Script = Callable[["Exchange"], None]


@dataclasses.dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    target: str
    request_line: str
    headers: dict[str, str]
    body: bytes
    connection: int  # the client's port: equal values shared one connection
    at: float  # time.monotonic() when the request was read


class Exchange:
    """One request being answered by a script."""

    def __init__(self, handler: _Handler, request: Seen, stopping: threading.Event) -> None:
        self._handler = handler
        self._stopping = stopping
        self.request = request

    def reply(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str | None = "application/json",
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Answer with ``body`` and a Content-Length."""
        self._head(status, content_type, headers)
        self._handler.send_header("Content-Length", str(len(body)))
        self._handler.end_headers()
        self._handler.wfile.write(body)

    def json(self, status: int, data: Any, *, headers: Iterable[tuple[str, str]] = ()) -> None:
        """Answer with ``data`` as JSON."""
        self.reply(status, json.dumps(data).encode(), headers=headers)

    def stream(
        self,
        status: int,
        chunks: Iterable[bytes],
        *,
        chunked: bool,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Answer with ``chunks`` written one by one, never held together in memory.

        Without ``chunked`` the body has no length and ends when the connection closes.
        """
        self._head(status, "application/json", headers)
        if chunked:
            self._handler.send_header("Transfer-Encoding", "chunked")
        else:
            self._handler.send_header("Connection", "close")
            self._handler.close_connection = True
        self._handler.end_headers()
        write = self._handler.wfile.write
        for chunk in chunks:
            if chunked:
                write(b"%x\r\n" % len(chunk))
                write(chunk)
                write(b"\r\n")
            else:
                write(chunk)
        if chunked:
            write(b"0\r\n\r\n")

    def head_only(self, status: int, headers: Iterable[tuple[str, str]]) -> None:
        """Send the status line and headers, then nothing until the server stops."""
        self._head(status, "application/json", headers)
        self._handler.end_headers()
        self._handler.close_connection = True
        self.wait(30)

    def drip(self, body: bytes, *, every: float, framing: str, headers_too: bool = False) -> bool:
        """Answer 200 with ``body`` one byte every ``every`` seconds; True if all was sent.

        ``framing`` is ``length`` (a Content-Length), ``chunked``, or ``close`` (the body
        ends with the connection). With ``headers_too`` the head drips as well.
        """
        head = [b"HTTP/1.1 200 OK", b"Content-Type: application/json"]
        if framing == "length":
            head.append(b"Content-Length: %d" % len(body))
        elif framing == "chunked":
            head.append(b"Transfer-Encoding: chunked")
        else:
            head.append(b"Connection: close")
        self._handler.close_connection = True
        head_bytes = b"\r\n".join(head) + b"\r\n\r\n"
        pieces = (
            [head_bytes[i : i + 1] for i in range(len(head_bytes))] if headers_too else [head_bytes]
        )
        for byte in body:
            one = bytes([byte])
            pieces.append(b"1\r\n" + one + b"\r\n" if framing == "chunked" else one)
        if framing == "chunked":
            pieces.append(b"0\r\n\r\n")
        try:
            for piece in pieces:
                if self._stopping.is_set():
                    return False
                self._handler.wfile.write(piece)
                self._handler.wfile.flush()
                self.wait(every)
        except OSError:
            return False  # the client hung up
        return True

    def drop(self) -> None:
        """Close the connection without answering."""
        self._handler.close_connection = True

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the server is stopping."""
        self._stopping.wait(seconds)

    def _head(
        self, status: int, content_type: str | None, headers: Iterable[tuple[str, str]]
    ) -> None:
        self._handler.send_response(status)
        if content_type is not None:
            self._handler.send_header("Content-Type", content_type)
        for name, value in headers:
            self._handler.send_header(name, value)


def ok(exchange: Exchange) -> None:
    """The default script: 200 with a small JSON body."""
    exchange.json(200, {"ok": True})


class TestServer:
    """A ThreadingHTTPServer on 127.0.0.1, port chosen by the OS; a context manager."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._requests: list[Seen] = []
        self._scripts: list[Script] = [ok]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()  # joins the handler threads
        self._thread.join()

    @property
    def requests(self) -> list[Seen]:
        """The requests read so far, in order."""
        with self._lock:
            return list(self._requests)

    def serve(self, *scripts: Script) -> None:
        """Answer the next requests with ``scripts`` in turn; the last one repeats."""
        with self._lock:
            self._scripts = list(scripts)

    def _record(self, seen: Seen) -> Script:
        with self._lock:
            self._requests.append(seen)
            return self._scripts.pop(0) if len(self._scripts) > 1 else self._scripts[0]


class _Server(ThreadingHTTPServer):
    # Non-daemon handler threads are the ones server_close() joins: a test ends only
    # once every exchange of its server has.
    daemon_threads = False
    owner: TestServer

    def __init__(self, address: tuple[str, int], handler: type[_Handler]) -> None:
        super().__init__(address, handler)
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def close_connections(self) -> None:
        """Shut down every open client connection, so that handler threads end now."""
        with self.connections_lock:
            for connection in self.open_connections:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-exchange is part of the tests; anything else is a
        # bug in a script, kept for the fixture to report.
        error = sys.exc_info()[1]
        if error is not None and not isinstance(
            error, (ConnectionError, TimeoutError, ssl.SSLError)
        ):
            self.owner.errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection ends its thread after this
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Head and body go out in separate writes: without this, Nagle's algorithm and
        # the client's delayed ACK add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.open_connections.discard(self.connection)
        with contextlib.suppress(OSError):  # the client is gone: nothing left to flush
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines on stderr."""

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(
            method=self.command,
            target=self.path,
            request_line=self.requestline,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            connection=self.client_address[1],
            at=time.monotonic(),
        )
        script = self.server.owner._record(seen)
        try:
            script(Exchange(self, seen, self.server.owner.stopping))
        except (ConnectionError, ssl.SSLError):
            # The client hung up, as some tests make it do.
            self.close_connection = True

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch


def repeat(chunk: bytes, times: int) -> Iterator[bytes]:
    """``chunk`` ``times`` times, the same object each time: no memory grows."""
    for _ in range(times):
        yield chunk
