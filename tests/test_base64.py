"""``format: byte``: the runtime, the schema layer and jsonschema-rs agree on base64."""

from __future__ import annotations

import base64
import binascii

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from specbind._validate._schema import _format_checker
from specbind.runtime._base64 import format_base64, is_base64, parse_base64

# Base64 look-alikes: the alphabet, both padding lengths, and what breaks it.
_NEAR = st.text(
    alphabet=st.sampled_from("AQgw+/=-_ \n" + "YWJj"), min_size=0, max_size=12
) | st.binary(max_size=9).map(lambda data: base64.b64encode(data).decode())


@given(st.binary(max_size=64))
def test_bytes_come_back(data: bytes) -> None:
    text = format_base64(data)
    assert text == base64.b64encode(data).decode("ascii")
    assert parse_base64(text) == data


@given(_NEAR | st.text(max_size=12))
def test_what_is_taken_gives_the_same_text_back(text: str) -> None:
    try:
        data = parse_base64(text)
    except ValueError:
        assert not is_base64(text)
        return
    assert is_base64(text)
    assert format_base64(data) == text


@given(_NEAR)
def test_what_is_taken_is_rfc_4648_base64(text: str) -> None:
    try:
        expected = base64.b64decode(text, validate=True)
    except binascii.Error:
        assert not is_base64(text)
        return
    # The standard decoder also takes non-zero bits after the last byte; we do not.
    assert is_base64(text) == (base64.b64encode(expected).decode() == text)


@given(_NEAR | st.integers() | st.none())
def test_the_schema_layer_and_jsonschema_rs_agree_with_the_models(value: object) -> None:
    schema = {"type": ["string", "integer", "null"], "format": "byte"}
    python = Draft202012Validator(schema, format_checker=_format_checker())
    rust = jsonschema_rs.Draft202012Validator(
        schema, validate_formats=True, formats={"byte": is_base64}
    )
    assert python.is_valid(value) == rust.is_valid(value) == is_base64(value)


@pytest.mark.parametrize("text", ["YQ", "YR==", "Y Q==", "YQ==\n", "YQ-_", "Y==="])
def test_refusals_name_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="base64") as caught:
        parse_base64(text)
    assert repr(text) in str(caught.value)
