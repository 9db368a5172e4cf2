"""Drive inputs through the checks, in one process or several, always in input order."""

from __future__ import annotations

import dataclasses
import functools
import io
import itertools
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from ._check import Checker, Options
from ._finding import Checked, CleanLines, Result, clean_result
from ._inputs import Body, Unit, Window, is_url, json_lines, kind_of, line_start

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = [
    "AUTO_MIN_BYTES",
    "FileSoFar",
    "RangeDone",
    "RunError",
    "auto_jobs",
    "check_inputs_in_processes",
    "check_range",
    "check_units",
    "range_results",
    "usable_cpus",
]

#: Units per batch sent to a worker, and raw bytes per batch: enough to amortise the
#: hand-off, small enough to keep memory flat and all workers busy.
_BATCH_UNITS = 256
_BATCH_BYTES = 8 * 1024 * 1024

#: ``--jobs auto`` checks in one process per CPU (at most ``_AUTO_MAX_JOBS``) once the
#: inputs hold at least this many bytes: about a second of work for one process,
#: several times what starting the workers costs.
AUTO_MIN_BYTES = 4 * 1024 * 1024
_AUTO_MAX_JOBS = 8

#: A local JSON Lines file of at least twice this many bytes is cut into ranges of this
#: many, each of which a worker reads and checks itself: the process that reports then
#: neither reads its lines nor sends them, and gets back little but line numbers.
_RANGE_BYTES = 2 * 1024 * 1024

#: A unit as sent to a worker: a body as its label and bytes, anything else as it is.
_Sent = tuple[str, bytes] | Unit

#: The checker of this process. A worker forked from the process that set it inherits it
#: and need not load the spec again; a worker started any other way builds its own.
_worker: Checker | None = None


class RunError(Exception):
    """The run could not go on (a worker process died). ``str()`` is one line."""


def auto_jobs(inputs: Sequence[str], cpus: int | None = None) -> int:
    """How many processes ``--jobs auto`` uses: one per CPU for large inputs, else one.

    Standard input and other streams count as small: their size is not known up front.
    """
    total = 0
    for name in inputs:
        if name == "-":
            continue
        try:
            found = os.stat(name)
        except OSError:
            continue  # reported as unreadable when it is opened
        if stat.S_ISREG(found.st_mode):
            total += found.st_size
    if total < AUTO_MIN_BYTES:
        return 1
    return max(1, min(cpus if cpus is not None else usable_cpus(), _AUTO_MAX_JOBS))


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform (macOS, Windows)
        return os.cpu_count() or 1


def check_units(
    checker: Checker,
    units: Iterator[Unit],
    jobs: int,
    *,
    fallback: Callable[[str], None] | None = None,
) -> Iterator[Result]:
    """Results for every unit, in order, whatever ``jobs`` is.

    When the worker processes cannot be started, ``fallback`` (if given) is told why and
    every unit is checked in this process; without ``fallback`` that is a ``RunError``.
    """
    if jobs > 1:
        # Imported here: multiprocessing takes a while to import, and one process needs none of it.
        from concurrent.futures.process import BrokenProcessPool

        try:
            yield from _in_workers(checker, units, jobs)
            return
        except _NoWorkers as exc:
            reason = f"cannot start {jobs} worker processes ({exc.reason})"
            if fallback is None:
                raise RunError(f"{reason}; run with --jobs 1") from None
            fallback(f"{reason}; checking in this process")
            # The batch that was to go first has been read from the inputs already.
            units = itertools.chain(exc.batch, units)
        except BrokenProcessPool as exc:
            raise RunError(f"a worker process died: {exc}") from None
    yield from map(checker.check, units)


class _NoWorkers(Exception):
    """The pool could not start: nothing was checked, and ``batch`` was not sent."""

    def __init__(self, reason: str, batch: list[Unit]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.batch = batch


def _batches(units: Iterable[Unit]) -> Iterator[list[Unit]]:
    batch: list[Unit] = []
    size = 0
    for unit in map(_unparsed, units):
        batch.append(unit)
        size += len(unit.raw) if isinstance(unit, Body) else 1024
        if len(batch) >= _BATCH_UNITS or size >= _BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _unparsed(unit: Unit) -> Unit:
    """A worker parses a body again: let go of any parse made here at once, before
    workers are forked with a copy of it."""
    return (
        Body(unit.label, unit.raw) if isinstance(unit, Body) and unit.parsed is not None else unit
    )


def _in_workers(checker: Checker, units: Iterable[Unit], jobs: int) -> Iterator[Result]:
    """Check batches in ``jobs`` processes, yielding results in submission order.

    At most two batches per worker are in flight, so a huge input is never read ahead
    into memory.
    """
    from concurrent.futures import ProcessPoolExecutor

    global _worker  # noqa: PLW0603 -- handed down to forked workers
    _worker = checker
    batches = _batches(units)
    first = next(batches, None)
    if first is None:
        return
    try:
        # Semaphores are made here, and the workers forked at the first submit: either
        # fails where processes or shared memory are not to be had.
        pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(checker.options,))
    except OSError as exc:
        raise _NoWorkers(str(exc), first) from None
    options = checker.options
    with pool:
        try:
            pending: deque[tuple[list[str], Future[list[Result | None]]]] = deque(
                [_submit(pool, first)]
            )
        except OSError as exc:
            raise _NoWorkers(str(exc), first) from None
        try:
            for batch in batches:
                pending.append(_submit(pool, batch))
                if len(pending) >= 2 * jobs:
                    yield from _unpacked(options, *pending.popleft())
            while pending:
                yield from _unpacked(options, *pending.popleft())
        finally:
            for _, future in pending:
                future.cancel()


def _submit(
    pool: ProcessPoolExecutor, batch: list[Unit]
) -> tuple[list[str], Future[list[Result | None]]]:
    """Send a batch, a body as its label and bytes (quicker to pickle than a ``Body``);
    return its labels, to fill in the results that come back as ``None``."""
    sent: list[_Sent] = [
        (unit.label, unit.raw) if isinstance(unit, Body) else unit for unit in batch
    ]
    return [unit.label for unit in batch], pool.submit(_check_batch, sent)


def _unpacked(
    options: Options, labels: list[str], future: Future[list[Result | None]]
) -> Iterator[Result]:
    """A batch's results, each ``None`` (a body with nothing found) filled in again."""
    for label, result in zip(labels, future.result(), strict=True):
        yield clean_result(label, options.operation, options.status) if result is None else result


def _start_worker(options: Options) -> None:
    global _worker  # noqa: PLW0603 -- one checker per worker process, built once
    if _worker is None or _worker.options != options:
        from ._validator import checker_for

        _worker = checker_for(options)


def _check_batch(batch: list[_Sent]) -> list[Result | None]:
    """The results of a batch. Most bodies are clean: for one with no findings (its
    result is its label, the command line's operation and status, nothing else) ``None``
    goes back instead, less to pickle here and to unpickle in the process that reports."""
    if _worker is None:
        raise RunError("worker used before it was started")
    operation, status = _worker.options.operation, _worker.options.status
    results: list[Result | None] = []
    for unit in batch:
        if isinstance(unit, tuple):
            result = _worker.body(*unit, None, operation, status)
            results.append(result if result.findings else None)
        else:
            results.append(_worker.check(unit))
    return results


#: Work for a worker: the function, its arguments, and what turns its answer into results.
_Task = tuple[Callable[..., Any], tuple[Any, ...], Callable[[Any], Iterable[Checked]]]
#: The inputs in order: a run of inputs read here, or a large local JSON Lines file.
_Part = list[str | IO[bytes]] | tuple[str, int]


def check_inputs_in_processes(
    checker: Checker,
    names: Sequence[str | IO[bytes]],
    units_of: Callable[[Sequence[str | IO[bytes]]], Iterator[Unit]],
    jobs: int,
    *,
    fallback: Callable[[str], None] | None = None,
) -> Iterator[Checked]:
    """What :func:`check_units` gives for the units of ``names`` (``units_of`` reads
    them), with each large local JSON Lines file read by the workers, a range each."""
    parts = _plan(checker, names) if jobs > 1 else []
    if not any(isinstance(part, tuple) for part in parts):
        yield from check_units(checker, units_of(names), jobs, fallback=fallback)
        return
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield from _tasks_in_workers(checker, _tasks(checker, parts, units_of), jobs)
    except _NoWorkers as exc:
        reason = f"cannot start {jobs} worker processes ({exc.reason})"
        if fallback is None:
            raise RunError(f"{reason}; run with --jobs 1") from None
        fallback(f"{reason}; checking in this process")
        # Nothing was read yet: every input is read again, here.
        yield from map(checker.check, units_of(names))
    except BrokenProcessPool as exc:
        raise RunError(f"a worker process died: {exc}") from None


def _plan(checker: Checker, names: Sequence[str | IO[bytes]]) -> list[_Part]:
    parts: list[_Part] = []
    run: list[str | IO[bytes]] = []
    for name in names:
        size = _ranged_size(checker, name) if isinstance(name, str) else None
        if not isinstance(name, str) or size is None:
            run.append(name)
            continue
        if run:
            parts.append(run)
            run = []
        parts.append((name, size))
    if run:
        parts.append(run)
    return parts


def _ranged_size(checker: Checker, name: str) -> int | None:
    """The size of a local JSON Lines file large enough to be cut into ranges, else None
    (a file that cannot be read is read as before, to say why)."""
    if not checker.options.operation or name == "-" or is_url(name):
        return None
    try:
        found = os.stat(name)
        if not stat.S_ISREG(found.st_mode) or found.st_size < 2 * _RANGE_BYTES:
            return None
        with open(name, "rb") as stream:
            return found.st_size if kind_of(name, stream) == "jsonl" else None
    except (OSError, ValueError):
        return None


def _tasks(
    checker: Checker,
    parts: list[_Part],
    units_of: Callable[[Sequence[str | IO[bytes]]], Iterator[Unit]],
) -> Iterator[_Task]:
    """The work, in input order: batches of units read here, and the nominal byte ranges
    of large JSON Lines files, which the workers move to line starts and read."""
    options = checker.options
    for part in parts:
        if isinstance(part, list):
            for batch in _batches(units_of(part)):
                labels = [unit.label for unit in batch]
                sent: list[_Sent] = [
                    (unit.label, unit.raw) if isinstance(unit, Body) else unit for unit in batch
                ]
                yield _check_batch, (sent,), functools.partial(_filled, options, labels)
            continue
        name, size = part
        file = FileSoFar(name)
        for start in range(0, size, _RANGE_BYTES):
            end = min(start + _RANGE_BYTES, size)
            yield (
                _check_range,
                (name, start, end, size),
                functools.partial(range_results, options, file),
            )


def _filled(options: Options, labels: list[str], results: list[Result | None]) -> Iterator[Result]:
    for label, result in zip(labels, results, strict=True):
        yield clean_result(label, options.operation, options.status) if result is None else result


class FileSoFar:
    """What the ranges of one file reported so far: how many lines they held, and
    whether reading it failed (after which, as when one process reads the file,
    nothing more of it is reported)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines = 0
        self.failed = False


class RangeDone(NamedTuple):
    """A range's results: how many line ends it held, each run of consecutive clean
    bodies as the range of their line numbers within the range, every other result with
    its own number, and a read error if any."""

    newlines: int
    found: list[range | tuple[int, Result]]
    failure: Result | None


def range_results(options: Options, file: FileSoFar, done: RangeDone) -> Iterator[Checked]:
    """A range's results, numbered after the lines of the ranges before it (ranges come
    back in order), each run of clean bodies as one :class:`CleanLines`."""
    if file.failed:
        return
    before, name = file.lines, file.name
    for item in done.found:
        if isinstance(item, range):
            yield CleanLines(name, before, item, options.operation, options.status)
        else:
            yield _relabelled(item[1], f"{name}:{before + item[0]}")
    if done.failure is not None:
        file.failed = True
        yield done.failure
    file.lines += done.newlines


def _relabelled(result: Result, label: str) -> Result:
    """``result`` with its payload's label (and its findings') made ``label``."""
    old = result.input
    findings = tuple(
        dataclasses.replace(finding, input=label) if finding.input == old else finding
        for finding in result.findings
    )
    return dataclasses.replace(result, input=label, findings=findings)


def _check_range(name: str, start: int, end: int, size: int) -> RangeDone:
    """A task: :func:`check_range` of a local file, by this worker's checker."""
    if _worker is None:
        raise RunError("worker used before it was started")
    return check_range(_worker, lambda: open(name, "rb"), name, start=start, end=end, size=size)


def check_range(
    checker: Checker,
    opened: Callable[[], IO[bytes]],
    name: str,
    *,
    start: int,
    end: int,
    size: int,
) -> RangeDone:
    """The results of the lines of ``name`` (``size`` bytes, read from what ``opened``
    opens) that start in bytes ``[start, end)``, numbered from 1 within the range: the
    results :func:`range_results` numbers after the ranges before it."""
    operation, status = checker.options.operation, checker.options.status
    found: list[range | tuple[int, Result]] = []
    prefix = len(name) + 1
    window: Window | None = None
    try:
        with opened() as stream:
            start, end = line_start(stream, start, size), line_start(stream, end, size)
            stream.seek(start)
            window = Window(stream, end - start)
            # The default buffer, as open() gives: peek() would copy out a larger one on
            # every line, and Dask's workers allocate anything over 64 KiB with mmap.
            for unit in json_lines(io.BufferedReader(window), name):
                number = int(unit.label[prefix:])
                if isinstance(unit, Body):
                    result = checker.body(unit.label, unit.raw, None, operation, status)
                    if not result.findings:
                        last = found[-1] if found else None
                        if isinstance(last, range) and last.stop == number:
                            found[-1] = range(last.start, number + 1)
                        else:
                            found.append(range(number, number + 1))
                        continue
                else:
                    result = checker.check(unit)
                found.append((number, result))
    except OSError as exc:
        failure = Result(name, unreadable=f"read failed: {exc.strerror or exc}")
        return RangeDone(0, found, failure)
    return RangeDone(window.newlines, found, None)


def _ping() -> None:
    """A task that does nothing: the pool has started when it comes back."""


def _tasks_in_workers(checker: Checker, tasks: Iterator[_Task], jobs: int) -> Iterator[Checked]:
    """Run ``tasks`` in ``jobs`` processes, yielding their results in order, at most two
    per worker in flight. Raises _NoWorkers before any task is taken when the pool
    cannot start."""
    from concurrent.futures import ProcessPoolExecutor

    global _worker  # noqa: PLW0603 -- handed down to forked workers
    _worker = checker
    checker.warm()
    try:
        pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(checker.options,))
    except OSError as exc:
        raise _NoWorkers(str(exc), []) from None
    with pool:
        try:
            pool.submit(_ping).result()
        except OSError as exc:
            raise _NoWorkers(str(exc), []) from None
        pending: deque[tuple[Future[Any], Callable[[Any], Iterable[Checked]]]] = deque()
        try:
            for function, arguments, unpack in tasks:
                pending.append((pool.submit(function, *arguments), unpack))
                if len(pending) >= 2 * jobs:
                    done, finish = pending.popleft()
                    yield from finish(done.result())
            while pending:
                done, finish = pending.popleft()
                yield from finish(done.result())
        finally:
            for future, _ in pending:
                future.cancel()
