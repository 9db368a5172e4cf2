"""Versions as PEP 440 writes them, and the version of a project's generated bindings.

The bindings' distribution version follows their specs, so that a wheel rebuilt after a
spec change is a new version, which ``pip install`` puts in place of the old one:

- ``[tool.specbind] version``, when set, is the version, as written (normalised);
- else the specs' ``info.version``, normalised, when it is a PEP 440 version and every
  spec of the project has the same one, else ``0``;
- plus the local segment ``+g`` and the first 12 hex digits of a sha256 over every
  spec (``1.4.0+g3f9c2a71b0de``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

__all__ = ["VersionError", "bindings_version", "normalise_version"]

# PEP 440, appendix B: every spelling a version may have.
_PEP440 = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PRE = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "c": "rc", "pre": "rc", "preview": "rc"}
_HASH_DIGITS = 12


class VersionError(ValueError):
    """Not a PEP 440 version."""


def normalise_version(text: str) -> str:
    """``text`` in PEP 440's normal form (``1.0-RC1`` is ``1.0rc1``); raises VersionError."""
    match = _PEP440.fullmatch(text.strip())
    if match is None:
        raise VersionError(f"{text!r} is not a PEP 440 version (such as 1.2.0 or 2.0rc1)")
    parts = []
    if match["epoch"] and int(match["epoch"]):
        parts.append(f"{int(match['epoch'])}!")
    parts.append(".".join(str(int(number)) for number in match["release"].split(".")))
    if match["pre"]:
        parts.append(f"{_PRE.get(match['pre_l'].lower(), 'rc')}{int(match['pre_n'] or 0)}")
    if match["post"]:
        parts.append(f".post{int(match['post_n1'] or match['post_n2'] or 0)}")
    if match["dev"]:
        parts.append(f".dev{int(match['dev_n'] or 0)}")
    if match["local"]:
        local = re.split(r"[-_.]", match["local"].lower())
        parts.append("+" + ".".join(str(int(p)) if p.isdigit() else p for p in local))
    return "".join(parts)


def bindings_version(configured: str | None, specs: Iterable[tuple[str, str, str]]) -> str:
    """The bindings' version from ``[tool.specbind] version`` (``configured``) or their
    specs, given as (package name, sha256, ``info.version``) each."""
    if configured is not None:
        return configured
    listed = sorted(specs)
    digest = hashlib.sha256("".join(f"{name}\0{sha}\0" for name, sha, _ in listed).encode())
    local = f"g{digest.hexdigest()[:_HASH_DIGITS]}"
    versions = set()
    for _, _, version in listed:
        try:
            versions.add(normalise_version(version))
        except VersionError:
            versions.add("0")
    public = versions.pop() if len(versions) == 1 else "0"
    # A spec's own local segment is kept, the hash appended to it.
    return f"{public}.{local}" if "+" in public else f"{public}+{local}"
