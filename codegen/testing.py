"""A pytest helper: check, inside a test, a response against the spec.

::

    from specbind import Validator
    from specbind.testing import assert_valid_response

    VALIDATOR = Validator("prunner")

    def test_job_detail(client):
        response = client.get_job_detail_with_response(id=JOB_ID)   # an ApiResponse
        assert_valid_response(VALIDATOR, response, operation="getJobDetail")

The response may be a generated client's ``ApiResponse`` (what a ``*_with_response``
method returns), a ``urllib3`` or ``requests`` response, or given as ``body=`` and
``status=``. A test fails with one line per error
finding, as ``specbind validate`` prints them; warnings (drift) fail it only with
``Validator(..., strict=True)``.
"""

from __future__ import annotations

from typing import Any

from ._validate._finding import Result
from ._validate._report import finding_line
from ._validate._validator import Validator

__all__ = ["assert_valid_response"]


def assert_valid_response(
    validator: Validator,
    response: Any = None,
    *,
    operation: str | None = None,
    status: int | str | None = None,
    body: bytes | str | None = None,
) -> Result:
    """Fail the calling test when ``response`` (or ``body`` and ``status``) breaks the spec.

    ``operation`` defaults to the validator's; ``status`` to the response's. Returns the
    result, so a test can look at the warnings too.
    """
    __tracebackhide__ = True  # pytest shows the caller's line, not this one
    if response is not None:
        found_body, found_status = _read(response)
        body = found_body if body is None else body
        status = found_status if status is None else status
    if body is None or status is None:
        raise TypeError("give a response, or body= and status=")
    result = validator.check_body(body, operation=operation, status=status, label="response")
    if result.outcome == "invalid":
        errors = [finding_line(f) for f in result.findings if f.severity == "error"]
        raise AssertionError(
            f"the response breaks the spec ({len(errors)} finding"
            f"{'s' * (len(errors) != 1)}):\n" + "\n".join(errors)
        )
    return result


def _read(response: Any) -> tuple[bytes, int]:
    """The body and status of a requests, urllib3 or generated-client response."""
    if hasattr(response, "status_code") and hasattr(response, "content"):
        return bytes(response.content), int(response.status_code)  # requests
    if isinstance(getattr(response, "body", None), bytes):
        return bytes(response.body), int(response.status)  # a generated ApiResponse
    if hasattr(response, "data") and hasattr(response, "status"):
        return bytes(response.data), int(response.status)  # urllib3
    if hasattr(type(response), "__attrs_attrs__"):
        raise TypeError(
            f"a {type(response).__name__} is a parsed model, with no status or body left to "
            "check: pass what the client's *_with_response method returns"
        )
    raise TypeError(
        f"cannot read a body and status from a {type(response).__name__}: pass body= and status="
    )
