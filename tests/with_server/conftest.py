"""Fixtures for the tests that need real servers: HTTP and HTTPS, on 127.0.0.1."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _server import TestServer


def _running_server(**kwargs: Any) -> Iterator[TestServer]:
    with TestServer(**kwargs) as server:
        yield server
    assert server.errors == [], f"the test server's scripts failed: {server.errors!r}"


@pytest.fixture
def server() -> Iterator[TestServer]:
    """A scriptable server; by default it answers 200 ``{"ok": true}``."""
    yield from _running_server()


@pytest.fixture
def other_server() -> Iterator[TestServer]:
    """A second server: another port, so another origin."""
    yield from _running_server()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[TestServer]:
    """A server speaking HTTPS with the self-signed ``certificate``."""
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    yield from _running_server(tls=context)
