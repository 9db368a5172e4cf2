"""Models and converters load without the HTTP layer; the client loads it on first use."""

from __future__ import annotations

import subprocess
import sys
import textwrap

_HTTP = ("urllib3", "ssl", "http.client")


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_models_and_converters_load_without_http() -> None:
    out = _run(
        f"""
        import sys
        import generated.prunner
        from generated.prunner import models, strict_converter, RESPONSE_MODELS
        import generated._runtime
        print(sorted(name for name in {_HTTP!r} if name in sys.modules))
        """
    )
    assert out == "[]"


def test_the_client_and_http_names_load_on_first_use() -> None:
    out = _run(
        """
        import sys
        import generated.prunner as prunner
        from generated._runtime import Transport, json_answer, DEFAULT_DEADLINE
        from generated._runtime._http import Transport as defined
        assert Transport is defined and callable(json_answer) and DEFAULT_DEADLINE
        assert prunner.Client.__module__ == "generated.prunner.client"
        assert prunner.ByteStream.__module__ == "generated._runtime._http"
        assert prunner.client.Client is prunner.Client
        names = {}
        exec("from generated.prunner import *", names)
        assert names["Client"] is prunner.Client
        try:
            prunner.NoSuchName
        except AttributeError as exc:
            print(exc)
        """
    )
    assert out == "module 'generated.prunner' has no attribute 'NoSuchName'"


def test_an_error_from_an_answer_keeps_its_headers_case_insensitive() -> None:
    from generated._runtime import ApiError

    error = ApiError(status=404, headers={"X-Request-Id": "a"}, body=b"", method="GET", url="u")
    assert error.headers["x-request-id"] == "a"
