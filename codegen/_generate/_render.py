"""Jinja2 rendering for specbind's own templates: strict, and escaping through ``repr()``."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

__all__ = ["TEMPLATES", "docstring", "literal", "render"]

#: The template directory; the models' templates for datamodel-code-generator sit in models/.
TEMPLATES = Path(__file__).parent.parent / "templates"


def literal(value: object) -> str:
    """Render a spec value as a Python literal; the one way a spec string reaches code.

    ``repr()`` escapes quotes, backslashes, newlines and every other character that
    could end a literal, so the text of a spec can only ever become data.
    """
    _require_plain(value)
    return repr(value)


def _require_plain(value: object) -> None:
    # Only JSON-shaped data has a repr() that is also a Python literal.
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} has no Python literal")
    if isinstance(value, (list, tuple)):
        for item in value:
            _require_plain(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _require_plain(key)
            _require_plain(item)
    elif not (value is None or isinstance(value, (bool, int, float, str))):
        raise TypeError(f"no literal for {type(value).__name__}")


def docstring(text: str, indent: str = "    ") -> str:
    """Render spec text as a docstring: triple-quoted where that is exact, else ``literal``.

    Triple quotes are used only for text with no backslash, no ``\"\"\"``, no
    trailing quote and no control character but newlines, so the literal means
    exactly the text (up to the indentation ``inspect.cleandoc`` removes).
    """
    body = text.strip()
    exact = (
        '"""' not in body
        and "\\" not in body
        and not body.endswith('"')
        and all(char == "\n" or char.isprintable() for char in body)
    )
    if not exact:
        return literal(body)
    first, *rest = body.split("\n")
    if not rest:
        return f'"""{first}"""'
    indented = "\n".join(f"{indent}{line}" if line.strip() else "" for line in rest)
    return f'"""{first}\n{indented}\n{indent}"""'


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - the output is Python; `literal` escapes spec strings
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["literal"] = literal
    environment.filters["docstring"] = docstring
    return environment


def render(template: str, **context: Any) -> str:
    """Render one of specbind's templates with ``context``; undefined names are errors."""
    return _environment().get_template(template).render(**context)
