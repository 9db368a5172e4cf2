"""Give back the memory a finished stage no longer uses, before the next stage grows.

``generate`` runs its stages one after another (load, lint, compile view, models,
format, check), each making and dropping many objects. Python frees them, but the C
allocator keeps the freed pages of its heap mapped, so what a later stage allocates
outside them (compile()'s syntax trees, say) adds to the peak instead of reusing them.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
from collections.abc import Callable, Iterator

__all__ = ["kept_alive", "release_memory"]


def release_memory(*, collect: bool = True) -> None:
    """Hand the C heap's free pages back to the system, after collecting the garbage
    cycles unless ``collect`` is false."""
    if collect:
        gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@contextlib.contextmanager
def kept_alive() -> Iterator[None]:
    """Within, the garbage collector leaves out what is alive on entry (which the caller
    keeps to the end): a full collection of a large heap takes a fraction of a second,
    and what a stage leaves behind is collected in a fraction of that."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    # glibc's malloc_trim, among the process's own symbols; other C libraries (musl,
    # macOS, Windows) have none, and their allocators give memory back by themselves or
    # not at all.
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim
