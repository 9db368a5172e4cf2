"""Check inputs on a Dask cluster (``--engine dask``): the same results, in the same order.

Each input is one *part*, except a large JSON Lines file, which is cut into byte ranges
so that one big file spreads over the workers. A worker moves its range's nominal
bounds to line starts (the first line starting at or after each bound), so every line
belongs to exactly one range, and numbers its lines from the range's start; the client
takes the ranges back in order and shifts each one's numbers by the lines of those
before it, so line numbers stay the file's own. A clean line comes back as its number
alone: little to send, and little for the client to take in.

Tasks are pure functions of their arguments that return their results; the client
yields them in input order. A worker that dies is replaced by Dask and its tasks run
again: nothing is lost, and nothing is counted twice. At most a few ranges per worker
are in flight, and a range is streamed, so memory stays flat however large the inputs.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from ._finding import Checked, Result, ValidatorError
from ._inputs import UnreadableInput, import_fsspec, is_url, kind_of
from ._run import FileSoFar, RangeDone, RunError, check_range, range_results, usable_cpus

if TYPE_CHECKING:
    from ._validator import Validator

__all__ = ["DEFAULT_RANGE_BYTES", "RANGE_BYTES_ENV", "check_on_dask", "local_cluster"]

#: JSON Lines files larger than this are cut into ranges of this many bytes: enough to
#: amortise a task, small enough to keep every worker busy and its memory flat.
DEFAULT_RANGE_BYTES = 32 * 1024 * 1024
#: Overrides the range size (tests use it to make many ranges of a small file).
RANGE_BYTES_ENV = "SPECBIND_DASK_RANGE_BYTES"
_INSTALL = "--engine dask needs dask.distributed and fsspec: pip install 'specbind[dask]'"


@dataclass(frozen=True)
class _Range:
    """Bytes ``[start, end)`` of a JSON Lines file, nominal (not yet at line starts)."""

    name: str
    start: int
    end: int
    size: int


def check_on_dask(
    validator: Validator,
    names: Sequence[str | IO[bytes]],
    *,
    scheduler: str | Any | None = None,
    range_bytes: int | None = None,
) -> Iterator[Checked]:
    """Results for every payload of ``names``, in order, checked on a Dask cluster.

    ``scheduler`` is a scheduler address, a ``distributed.Client``, or None for a local
    cluster of one worker process per CPU on 127.0.0.1. Raises ValidatorError when the
    ``dask`` extra is not installed.
    """
    try:
        import distributed
    except ImportError:
        raise ValidatorError(_INSTALL) from None
    size = range_bytes or int(os.environ.get(RANGE_BYTES_ENV) or DEFAULT_RANGE_BYTES)
    with ExitStack() as stack:
        if isinstance(scheduler, distributed.Client):
            client = scheduler
        else:
            if scheduler is None:
                scheduler = stack.enter_context(local_cluster(usable_cpus()))
            try:
                client = stack.enter_context(distributed.Client(scheduler, timeout=30))  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError) as exc:
                raise RunError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        try:
            yield from _run(client, validator, _plan(validator, names, size))
        except distributed.KilledWorker as exc:
            # Dask re-ran the task on fresh workers, and they died each time.
            raise RunError(f"Dask workers kept dying while checking: {exc}") from None


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded worker processes on
    127.0.0.1, without a dashboard. Raises ValidatorError when dask is not installed."""
    try:
        import distributed
    except ImportError:
        raise ValidatorError(_INSTALL) from None
    return distributed.LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )


def _plan(
    validator: Validator, names: Sequence[str | IO[bytes]], size: int
) -> list[str | IO[bytes] | list[_Range]]:
    """The parts, in order: a whole input, or the ranges of a large JSON Lines file."""
    parts: list[str | IO[bytes] | list[_Range]] = []
    for name in names:
        found = _jsonl_size(name) if isinstance(name, str) and name != "-" else None
        if found is None or found <= size or not isinstance(name, str):
            parts.append(name)
            continue
        if not validator.operation:
            raise validator.needs_operation("jsonl", name)
        parts.append(
            [_Range(name, at, min(at + size, found), found) for at in range(0, found, size)]
        )
    return parts


def _jsonl_size(name: str) -> int | None:
    """The size of a JSON Lines file, None for any other input (or one not readable here:
    a worker reports why, as one process would)."""
    try:
        with _open(name) as stream:
            kind = kind_of(name, stream)
            return stream.seek(0, os.SEEK_END) if kind == "jsonl" else None
    except (OSError, ValueError, UnreadableInput):
        return None


def _run(
    client: Any, validator: Validator, parts: list[str | IO[bytes] | list[_Range]]
) -> Iterator[Checked]:
    workers = max(1, sum(client.nthreads().values()))
    options = validator.options
    pending: deque[tuple[Any, Callable[[Any], Iterable[Checked]]]] = deque()
    for part in parts:
        if isinstance(part, list):
            file = FileSoFar(part[0].name)
            for nominal in part:
                task = client.submit(_check_span, validator, nominal, pure=False)
                pending.append((task, functools.partial(range_results, options, file)))
                while len(pending) > 2 * workers:
                    yield from _taken(pending)
        elif isinstance(part, str) and part != "-":
            pending.append((client.submit(_check_whole, validator, part, pure=False), list))
        else:
            # Standard input and file objects exist in this process only.
            while pending:
                yield from _taken(pending)
            yield from _check_here(validator, part)
        while len(pending) > 2 * workers:
            yield from _taken(pending)
    while pending:
        yield from _taken(pending)


def _taken(pending: deque[tuple[Any, Callable[[Any], Iterable[Checked]]]]) -> Iterable[Checked]:
    """The results of the first task in flight, once it is done."""
    future, unpack = pending.popleft()
    return unpack(future.result())


def _check_here(validator: Validator, part: str | IO[bytes]) -> Iterator[Result]:
    checker = _checker(validator)
    for unit in validator.units([part]):
        yield checker.check(unit)


def _check_whole(validator: Validator, name: str) -> list[Result]:
    """A task: every result of one input."""
    return list(_check_here(validator, name))


def _check_span(validator: Validator, part: _Range) -> RangeDone:
    """A task: the results of the lines that start in a range, numbered within it."""
    opened = functools.partial(_open, part.name)
    checker = _checker(validator)
    return check_range(checker, opened, part.name, start=part.start, end=part.end, size=part.size)


def _checker(validator: Validator) -> Any:
    from ._validator import checker_for

    return checker_for(validator.options)


def _open(name: str) -> IO[bytes]:
    """A local file or an fsspec URL, opened for reading bytes."""
    if is_url(name):
        opened: IO[bytes] = import_fsspec().open(name, "rb").open()
        return opened
    return open(name, "rb")
