"""The public face of ``specbind validate``: :class:`Validator`, which the command runs on.

A validator holds only its options: the spec, the checks it builds from it and the model
layer are loaded on first use, once per process, and kept by that process. So a validator
pickles in a few hundred bytes and can be sent to Dask workers, Spark executors or a
multiprocessing pool, each of which loads the spec once.
"""

from __future__ import annotations

import copy
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from .._generate._cache import Cache, default_cache_dir
from .._spec._config import ConfigError, load_config
from .._spec._find import SpecNotFound, find_spec
from .._spec._load import LoadedSpec, LoadError, load_spec
from ._check import Checker, Options
from ._finding import Checked, CleanLines, Finding, Result, ValidatorError
from ._inputs import (
    HarEntry,
    Unit,
    Unreadable,
    UnreadableInput,
    expand,
    is_url,
    open_input,
    open_stream,
)
from ._json import Parsed
from ._models import ModelLayer, load_model_layer
from ._operations import SpecError
from ._redact import cut
from ._run import check_inputs_in_processes

__all__ = [
    "ModelLayerWarning",
    "Validator",
    "ValidatorError",
    "build_checker",
    "checked_inputs",
    "checker_for",
]

_STATUS = re.compile(r"[1-5](?:[0-9][0-9]|XX)|default", re.IGNORECASE)
#: What ``check_inputs`` accepts: a path, ``-`` (standard input), a glob, an fsspec URL,
#: or an open binary file object.
Source = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class _Loaded:
    """What a process builds once per set of options."""

    spec: LoadedSpec
    checker: Checker
    notes: tuple[str, ...]


#: This process's loaded validators, by options.
_LOADED: dict[Options, _Loaded] = {}


class ModelLayerWarning(UserWarning):
    """A :class:`Validator` cannot check the model layer (the generated bindings of its
    spec are missing, stale or broken): it checks the JSON Schema layer only."""


class Validator:
    """Checks response bodies, HAR entries and whole captures against one spec.

    ``spec`` is a spec name (in the project's specs directory, else one specbind ships)
    or a path. The project is ``project``, else found from the current directory as the
    command finds it (the nearest ``pyproject.toml`` with ``[tool.specbind]``). The
    keywords are the command's options: ``operation`` and ``status`` (``200``, ``"200"``,
    ``"2XX"``, ``"default"``) name the response that bare JSON bodies are (``operation``
    may be left out when the spec has one operation; with HAR it keeps only that
    operation's entries), ``strict`` makes drift an error, ``servers`` are extra server
    URLs HAR entries may go to, ``bindings`` the generated package of the model layer
    (default: ``[tool.specbind] package``).

    When the model layer cannot be checked, it says so with a :class:`ModelLayerWarning`
    and in :attr:`notes`. Raises :class:`ValidatorError` when the spec cannot be loaded
    or checked against, or the operation or status is not in it.
    """

    def __init__(
        self,
        spec: str | os.PathLike[str],
        *,
        operation: str = "",
        status: str | int = "200",
        strict: bool = False,
        servers: Sequence[str] = (),
        bindings: str | None = None,
        project: str | os.PathLike[str] | None = None,
    ) -> None:
        try:
            config = load_config(None if project is None else Path(project))
            loaded = _load_spec(find_spec(os.fspath(spec), config.specs))
        except (ConfigError, SpecNotFound, LoadError) as exc:
            raise ValidatorError(str(exc)) from None
        options = Options(
            spec=os.path.abspath(loaded.path),
            operation="",
            status=_status(status),
            strict=strict,
            servers=tuple(servers),
            bindings=config.package if bindings is None else bindings,
            output=str(config.output) if bindings in (None, config.package) else "",
        )
        self._options = options
        self._shown_path = loaded.path
        _load(options, loaded)
        self._options = self._resolved(operation, options.status)
        if self._loaded.checker.models is None:
            # Stack level 2: the warning points at the caller's line.
            warnings.warn(self.notes[0], ModelLayerWarning, stacklevel=2)

    def _resolved(self, operation: str, status: str) -> Options:
        """The options with ``operation`` (the only one when "" and the spec has one) and
        ``status``, checked against the spec, their checker ready in this process."""
        first = replace(self._options, operation="")  # as constructed
        checker = _load(first).checker
        if not operation and len(checker.index.operations) == 1:
            operation = next(iter(checker.index.operations))
        if operation:
            problem = checker.body_schema_problem(operation, status)
            if problem:
                raise ValidatorError(problem)
        options = replace(first, operation=operation, status=status)
        if options not in _LOADED:
            # The same spec, schemas and models: only the options the checker reads differ.
            resolved = copy.copy(checker)
            resolved.options = options
            _LOADED[options] = replace(_LOADED[first], checker=resolved)
        return options

    def __reduce__(self) -> tuple[Any, ...]:
        # Only the options travel; the receiving process loads the spec on first use.
        return (_rebuild, (self._options, self._shown_path))

    def __repr__(self) -> str:
        return (
            f"Validator({self._shown_path!r}, operation={self.operation!r}, strict={self.strict})"
        )

    @property
    def options(self) -> Options:
        """The options, as worker processes receive them."""
        return self._options

    @property
    def operation(self) -> str:
        """The operation bare bodies are checked as ("" when the spec leaves it open)."""
        return self._options.operation

    @property
    def strict(self) -> bool:
        """Whether drift is an error."""
        return self._options.strict

    @property
    def spec(self) -> LoadedSpec:
        """The loaded spec (its name, the path as given, its SHA-256)."""
        return self._loaded.spec

    @property
    def spec_path(self) -> str:
        """The spec's path as it was found (relative when found in the project)."""
        return self._shown_path

    @property
    def operations(self) -> list[str]:
        """The spec's operationIds, sorted."""
        return sorted(self._loaded.checker.index.operations)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the report must say: about the model layer (skipped, or missing models),
        then each repair the loader made to the spec payloads are judged by."""
        return self._loaded.notes

    @property
    def _loaded(self) -> _Loaded:
        return _load(self._options)

    def check_body(
        self,
        body: bytes | str | Any,
        *,
        operation: str | None = None,
        status: str | int | None = None,
        label: str = "<body>",
    ) -> Result:
        """Check one response body: bytes or text (parsed as JSON here, duplicate keys
        and all), or a value already parsed from JSON. ``operation`` and ``status``
        default to the validator's."""
        operation = operation or self.operation
        shown = _status(status) if status is not None else self._options.status
        if not operation:
            raise ValidatorError(
                f"a body needs an operation: the spec has {', '.join(self.operations)}"
            )
        checker = self._loaded.checker
        problem = checker.body_schema_problem(operation, shown)
        if problem:
            raise ValidatorError(problem)
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        if isinstance(body, bytes | bytearray | memoryview):
            raw, parsed = bytes(body), None
        else:
            fault = _not_json(body)
            if fault:
                pointer, found, message = fault
                finding = Finding(
                    label, operation, shown, pointer, "error", "not-json", "a JSON value",
                    found, message,
                )  # fmt: skip
                return Result(label, operation, shown, (finding,))
            raw, parsed = b"", Parsed(body, ())
        return checker.body(label, raw, parsed, operation, shown)

    def check_har_entry(self, entry: Mapping[str, Any], *, label: str = "<entry>") -> Result:
        """Check one HAR 1.2 entry (its request and response), as parsed JSON."""
        return self._loaded.checker.check(HarEntry(label, entry))

    def check_inputs(
        self,
        inputs: Iterable[Source],
        *,
        operation: str | None = None,
        status: str | int | None = None,
        jobs: int = 1,
        engine: str = "processes",
        scheduler: str | Any | None = None,
        range_bytes: int | None = None,
        fallback: Callable[[str], None] | None = None,
    ) -> Iterator[Result]:
        """Results for every payload of every input, in input order.

        Each input is a path, ``-`` (standard input), a glob, an fsspec URL (``s3://``,
        ``gs://``, ``memory://``...) or an open binary file object. ``engine="processes"``
        checks in ``jobs`` local processes; ``engine="dask"`` on a Dask cluster:
        ``scheduler`` is its address or a ``distributed.Client`` (default: a local
        cluster, one worker per CPU), and JSON Lines files are cut into byte ranges of
        ``range_bytes``. Either way the results are the same, in the same order. When
        ``jobs`` processes cannot be started, ``fallback`` (if given) is told why and all
        is checked in this process; without it that is a ``RunError``. ``operation`` and
        ``status`` name, for this call, the response bare JSON bodies are (default: the
        validator's), as in :meth:`check_body`.

        Raises :class:`ValidatorError` when a JSON body has no operation to be checked
        as; an input that cannot be read is a result (``outcome == "unreadable"``).
        """
        checked = checked_inputs(
            self,
            inputs,
            operation=operation,
            status=status,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            range_bytes=range_bytes,
            fallback=fallback,
        )
        for item in checked:
            if isinstance(item, CleanLines):
                yield from item.results()
            else:
                yield item

    def units(self, names: Iterable[str | IO[bytes]]) -> Iterator[Unit]:
        """The units of the named inputs, in order (an unreadable input is one unit)."""
        for name in names:
            try:
                opened = (
                    open_input(name)
                    if isinstance(name, str)
                    else open_stream(getattr(name, "name", "<stream>"), name)
                )
            except UnreadableInput as exc:
                yield Unreadable("<stdin>" if name == "-" else str(name), str(exc))
                continue
            with opened:
                if opened.kind != "har" and not self.operation:
                    raise self.needs_operation(opened.kind)
                yield from opened.units()

    def require_operation(self, names: Sequence[str | IO[bytes]]) -> None:
        """Raise :class:`ValidatorError` when a named file is a bare body and no operation
        was given (standard input and file objects are looked at when they are read)."""
        if self.operation:
            return
        for name in names:
            if not isinstance(name, str) or name == "-" or is_url(name):
                continue  # looked at as it is read: it can be read only once, or is remote
            try:
                with open_input(name) as opened:
                    if opened.kind != "har":
                        raise self.needs_operation(opened.kind, name)
            except UnreadableInput:
                continue  # reported as unreadable when it is checked

    def needs_operation(self, kind: str, name: str = "") -> ValidatorError:
        """The error for a body of ``kind`` (in input ``name``) with no operation given."""
        bodies = "a JSON body" if kind == "json" else "JSON Lines bodies"
        what = f"{name} holds {bodies}" if name else bodies.capitalize()
        return ValidatorError(
            f"{what}: name the operation with --operation: the spec has "
            f"{', '.join(self.operations)}"
        )


def _name(source: Source) -> str | IO[bytes]:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return source


def _expand(source: str | IO[bytes]) -> list[str | IO[bytes]]:
    if not isinstance(source, str):
        return [source]
    try:
        return list(expand(source))
    except UnreadableInput:
        return [source]  # the URL is reported as unreadable, saying what to install


def _rebuild(options: Options, shown_path: str) -> Validator:
    validator = Validator.__new__(Validator)
    validator._options = options
    validator._shown_path = shown_path
    return validator


def checker_for(options: Options) -> Checker:
    """This process's checker for ``options`` (a worker's, built once)."""
    return _load(options).checker


def _load(options: Options, spec: LoadedSpec | None = None) -> _Loaded:
    """This process's checker for ``options``, built on first use."""
    loaded = _LOADED.get(options)
    if loaded is None:
        try:
            loaded = _build(options, spec or _load_spec(options.spec))
        except (LoadError, SpecError) as exc:
            raise ValidatorError(str(exc)) from None
        _LOADED[options] = loaded
    return loaded


def checked_inputs(
    validator: Validator,
    inputs: Iterable[Source],
    *,
    operation: str | None = None,
    status: str | int | None = None,
    jobs: int = 1,
    engine: str = "processes",
    scheduler: str | Any | None = None,
    range_bytes: int | None = None,
    fallback: Callable[[str], None] | None = None,
) -> Iterator[Checked]:
    """What :meth:`Validator.check_inputs` gives, with each run of clean lines of a large
    JSON Lines file as one :class:`CleanLines` (a report of findings only counts them)."""
    chosen = validator
    if operation is not None or status is not None:
        options = validator._resolved(
            operation or validator.operation,
            validator.options.status if status is None else _status(status),
        )
        chosen = _rebuild(options, validator.spec_path)
    named = [_name(source) for source in inputs]
    names = [name for source in named for name in _expand(source)]
    chosen.require_operation(names)
    if engine == "dask":
        from ._dask import check_on_dask

        yield from check_on_dask(chosen, names, scheduler=scheduler, range_bytes=range_bytes)
        return
    if engine != "processes":
        raise ValidatorError(f"--engine {engine}: not an engine (processes, dask)")
    yield from check_inputs_in_processes(
        chosen._loaded.checker,
        names,
        chosen.units,
        jobs,
        fallback=fallback,
    )


def build_checker(options: Options) -> Checker:
    """A new checker for ``options``: the spec and the model layer loaded afresh.

    Raises LoadError or SpecError.
    """
    return _build(options, _load_spec(options.spec)).checker


def _load_spec(path: str | Path) -> LoadedSpec:
    """The spec at ``path``, its read kept in (and taken from) ``generate``'s cache."""
    cache: Cache | None
    try:
        cache = Cache(default_cache_dir())
    except RuntimeError:
        cache = None  # no home directory to keep a cache in: the spec is read as it is
    return load_spec(path, cache=cache)


def _build(options: Options, spec: LoadedSpec) -> _Loaded:
    models = load_model_layer(spec, options.bindings, options.output)
    checker = Checker(spec, options, None if isinstance(models, str) else models)
    repaired = [
        f"payloads are judged by the spec as repaired on load: {problem}"
        for problem in spec.load_warnings
        if problem.rule == "openapi"
    ]
    return _Loaded(spec, checker, (*_notes(checker, models), *repaired))


def _status(status: str | int) -> str:
    """A status as the spec keys it (``200``, ``2XX``, ``default``); ValidatorError if not one."""
    text = str(status)
    text = text.upper() if text.lower().endswith("xx") else text
    if isinstance(status, bool) or not _STATUS.fullmatch(text):
        raise ValidatorError(f"--status {status}: not a status (e.g. 200, 4XX, default)")
    return text


def _not_json(value: Any) -> tuple[str, str, str] | None:
    """Where a value given already parsed holds what JSON cannot: (JSON pointer, what was
    found, message), or None when it is all JSON."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        pointer, item = pending.pop()
        if isinstance(item, dict):
            for key, member in item.items():
                if not isinstance(key, str):
                    return (
                        pointer,
                        cut(repr(key)),
                        f"an object key is a {type(key).__name__}, not a string: "
                        "JSON object keys are strings",
                    )
                escaped = key.replace("~", "~0").replace("/", "~1")
                pending.append((f"{pointer}/{escaped}", member))
        elif isinstance(item, list | tuple):
            pending.extend((f"{pointer}/{index}", member) for index, member in enumerate(item))
        elif not (item is None or isinstance(item, str | int | float)):
            return (
                pointer,
                cut(f"a {type(item).__name__}"),
                f"a {type(item).__name__} is not a JSON value "
                "(objects, arrays, strings, numbers, true, false, null)",
            )
    return None


def _notes(checker: Checker, models: ModelLayer | str) -> list[str]:
    """What the summary must say about the model layer: skipped, or missing models."""
    if isinstance(models, str):
        return [models]
    return [
        f"model layer: {models.package} has no model for {operation.id} {key}; "
        "those bodies get the schema layer only"
        for operation in checker.index.operations.values()
        for key, response in operation.responses.items()
        if response.json_schema() is not None and models.model_for(operation.id, key) is None
    ]
