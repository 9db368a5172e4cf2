"""Argument types the commands share."""

from __future__ import annotations

import argparse

__all__ = ["whole_number"]


def whole_number(text: str, *, alternative: str = "") -> int:
    """``text`` as a whole number of 1 or more (argparse's ``type``); ``alternative`` is
    the other word the option takes, named in the message."""
    try:
        number = int(text)
    except ValueError:
        other = f"neither a whole number nor {alternative}" if alternative else "not a whole number"
        raise argparse.ArgumentTypeError(f"{text!r} is {other}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return number
