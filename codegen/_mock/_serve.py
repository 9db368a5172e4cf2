"""A WSGI application served on a host and port from a background thread.

Why Werkzeug's threaded server: the mock serves a test fixture and ``specbind record`` a
proxy, both in front of a *synchronous* client. Werkzeug 3.1 is well kept (Pallets), a
thread per connection needs no event loop beside the test's code, it speaks HTTP/1.1
with keep-alive, streams request and response bodies (a WSGI body is an iterator),
hands the raw socket to the application (so a poll can drop its connection), and is the
fastest to start of the well-kept servers measured here: a fresh interpreter that imports
the server and binds a port took werkzeug 0.13 s of CPU (0.5 s wall), aiohttp 0.29 s
(1.1 s), the standard library's http.server 0.06 s (0.25 s), the interpreter alone
0.02 s (three runs each, load average 10 on 2 cores). The standard library's server
starts faster but leaves parsing headers, cookies, queries and chunked bodies to us;
aiohttp and uvicorn+starlette need an event loop in a thread of their own beside the
test's synchronous code (uvicorn and starlette were not installed here to measure).
"""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ._api import MockError

__all__ = ["Serving"]


class _QuietHandler(WSGIRequestHandler):
    """No line per request on stderr: the servers' output is their own."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class Serving:
    """Serves ``app`` on ``host:port`` (port 0: a free one) between start and stop."""

    def __init__(self, app: Any, host: str, port: int, name: str) -> None:
        self._app, self._host, self._port, self._name = app, host, port, name
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://HOST:PORT``; raises :class:`MockError` when not serving."""
        if self._server is None:
            raise MockError(f"the {self._name} is not started")
        shown = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{shown}:{self._server.server_port}"

    def start(self) -> None:
        """Bind, and serve from a daemon thread. Raises :class:`MockError`."""
        try:
            self._server = make_server(
                self._host, self._port, self._app, threaded=True, request_handler=_QuietHandler
            )
        except OSError as exc:
            raise MockError(f"cannot listen on {self._host}:{self._port}: {exc.strerror}") from None
        # A short poll interval: stop() waits for the loop to see it.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=self._name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
