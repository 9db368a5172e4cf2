"""Models of a large spec in chunks, each run of datamodel-code-generator in a worker process.

datamodel-code-generator's working set grows with the schemas of one run (about 210 MB for
OpenAI's 3,502): a large spec's models are made in chunks instead, a few in parallel, by
worker processes that hold one chunk at a time, and put together into one module.

- **Order.** The components are grouped into strongly connected groups of the references
  between them, taken dependencies first, and consecutive groups are packed into chunks up
  to a weight (the size of their schemas as JSON). Every reference that leaves a chunk so
  points to an earlier one, and the chunks' outputs, concatenated in order, define every
  name before a type alias's value (evaluated at import) uses it; class annotations are
  not evaluated (``from __future__ import annotations``).
- **Stubs.** A chunk's document holds, for each component it refers to outside itself, a
  stub ``{"type": "object"}``, ``nullable`` as the component is: of the target of a plain
  ``$ref`` (nothing but annotations beside it), datamodel-code-generator reads only its
  name (``model_name_map``) and whether it admits null (``get_ref_data_type``), and the
  templates render a stub as nothing (``specbind.stub``). Where it reads more (a ``$ref``
  with schema keywords beside it, which it merges with its target; an ``allOf``; a union
  member that admits only null, which it drops), both ends are put in one chunk. Each
  chunk's definitions are those of one run over the whole document, but for the import
  aliases each run picks for itself (``date as date_aliased`` where a field is named
  ``date``): tests/test_models_chunks.py compares them on the shapes fixture and random
  specs; they were the same on every corpus document in chunks of 20 KB.
- **Names.** Every name of a chunk comes from ``model_name_map``, except the few
  datamodel-code-generator invents (the constraint keywords, which make most of them, are
  left out of a chunked document: the models' checks come from the compile view). A name
  two chunks define, or one defines and another imports, merges the chunks between them
  into one and runs it again, until no name is defined twice: the output is never
  silently wrong, at worst made in fewer chunks.
- **Imports.** Each chunk's output has its own import block; the module has their union
  (``models/chunked.py.jinja2``).

The output depends on the chunks, never on how many workers ran them nor in what order.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import unquote

from .._spec._graph import strongly_connected
from .._spec._load import escape_pointer_token, iter_pointer
from .._spec._walk import map_subschemas
from ._hoist import SCHEMAS
from ._ir import CompileError
from ._render import render

__all__ = [
    "CHUNK_WEIGHT",
    "MAX_WORKERS",
    "PREWARM_BYTES",
    "Plan",
    "Workers",
    "plan_chunks",
    "run_chunked",
    "worker_count",
]

#: The weight of one chunk: the size, as compact JSON, of the schemas it holds. A spec whose
#: schemas weigh no more is made in one run, in this process, as it always was.
CHUNK_WEIGHT = 128_000
#: Worker processes at most (each holds datamodel-code-generator and one chunk).
MAX_WORKERS = 4
#: Specs of this many bytes in all likely have schemas enough to be made in chunks:
#: ``generate`` starts the workers before it loads them (see ``Workers.start``).
PREWARM_BYTES = 4 * CHUNK_WEIGHT

#: What a chunk's document holds for a component it refers to outside itself.
_STUB: dict[str, Any] = {"type": "object"}
#: The template data of a stub: the models' templates render it as nothing.
_STUB_DATA: dict[str, Any] = {"specbind": {"stub": True}}
#: The template that puts the chunks' outputs together.
_MODULE_TEMPLATE = "models/chunked.py.jinja2"


@dataclass(frozen=True)
class Plan:
    """The chunks of a document's components, in order, and each component's references."""

    chunks: tuple[tuple[str, ...], ...]
    refs: Mapping[str, frozenset[str]]


def plan_chunks(schemas: Mapping[str, Any], weight: int) -> Plan | None:
    """The chunks to make the models of ``schemas`` in, or None to make them in one run:
    when they weigh no more than one chunk, when they make one chunk anyway, or when a
    ``$ref`` names anything but a whole component (a stub could not stand for it)."""
    weights = {
        name: len(json.dumps(schema, separators=(",", ":"))) for name, schema in schemas.items()
    }
    if sum(weights.values()) <= weight:
        return None
    refs: dict[str, frozenset[str]] = {}
    edges: dict[str, set[str]] = {name: set() for name in schemas}
    for name, schema in schemas.items():
        found = _component_refs(schema, schemas)
        if found is None:
            return None
        plain, bound = found
        refs[name] = frozenset(plain | bound)
        edges[name] |= plain | bound
        # What no stub stands for is made in the same chunk as what refers to it: an edge
        # back puts both in one strongly connected group.
        for target in bound | {target for target in plain if not _stubbable(target, schemas)}:
            edges[target].add(name)
    ordered = {name: sorted(edges[name]) for name in sorted(schemas)}
    chunks: list[list[str]] = []
    load = 0
    # Tarjan's algorithm closes a group after every group it refers to: dependencies first.
    for group in strongly_connected(ordered):
        group_weight = sum(weights[name] for name in group)
        if not chunks or (load + group_weight > weight and load > 0):
            chunks.append([])
            load = 0
        chunks[-1].extend(sorted(group))
        load += group_weight
    if len(chunks) < 2:
        return None
    return Plan(tuple(tuple(chunk) for chunk in chunks), refs)


#: The keywords beside a ``$ref`` that leave it a plain reference, of which
#: datamodel-code-generator reads only whether its target admits null
#: (``get_ref_data_type``). With any other (``type``, ``properties``, ``const``, ...) it
#: merges the target's schema into the site (``merge_ref_with_schema``), for which no stub
#: stands in.
_PLAIN_SIBLINGS = frozenset(
    {
        "$comment",
        "default",
        "deprecated",
        "description",
        "example",
        "examples",
        "externalDocs",
        "nullable",
        "readOnly",
        "title",
        "writeOnly",
        "xml",
    }
)


def _component_refs(schema: Any, schemas: Mapping[str, Any]) -> tuple[set[str], set[str]] | None:
    """The components a schema refers to through every subschema: those by a plain
    ``$ref``, and the others (every one, in a schema with an ``allOf``, which reads its
    parts' schemas); None when a ``$ref`` names anything but a component."""
    plain: set[str] = set()
    bound: set[str] = set()
    combined = False
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        combined = combined or "allOf" in node
        if "$ref" in node:
            names = _ref_targets(node["$ref"], schemas)
            if not names:
                return None
            siblings = (key for key in node if key != "$ref")
            is_plain = all(key in _PLAIN_SIBLINGS or key.startswith("x-") for key in siblings)
            (plain if is_plain else bound).update(names)
        map_subschemas(node, stack.append)
    if combined:
        return set(), plain | bound
    return plain - bound, bound


def _ref_targets(ref: Any, schemas: Mapping[str, Any]) -> set[str]:
    """The components a ``$ref`` may name, read as written and URI-decoded."""
    if not isinstance(ref, str):
        return set()
    names: set[str] = set()
    for written in {ref, unquote(ref)}:
        if not written.startswith(SCHEMAS):
            continue
        try:
            tokens = list(iter_pointer(written))
        except KeyError:
            continue
        if len(tokens) == 3 and tokens[2] in schemas:
            names.add(tokens[2])
    return names


def _stubbable(name: str, schemas: Mapping[str, Any]) -> bool:
    """Whether a stub can stand for a component in a chunk that refers to it: an object
    schema that does not admit only null (datamodel-code-generator drops such a member of
    a union, through a chain of ``$ref``)."""
    seen: set[str] = set()
    while name not in seen:
        seen.add(name)
        schema = schemas[name]
        if not isinstance(schema, dict) or _null_only(schema):
            return False
        targets = _ref_targets(schema.get("$ref"), schemas)
        if len(targets) != 1:
            return not targets
        (name,) = targets
    return True


def _null_only(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") in ("null", ["null"])
        or schema.get("enum") == [None]
        or ("const" in schema and schema["const"] is None)
    )


def _stub(schema: Any) -> dict[str, Any]:
    """What a chunk's document holds for a component it refers to outside itself: an
    object that admits null as the component does (all datamodel-code-generator reads of a
    plain reference's target)."""
    return {**_STUB, "nullable": True} if schema.get("nullable") is True else dict(_STUB)


def worker_count(chunks: int, limit: int | None = None) -> int:
    """How many workers make ``chunks`` chunks: one per chunk, at most one per processor
    this process may run on, and at most ``limit`` (:data:`MAX_WORKERS` by default)."""
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    return max(1, min(chunks, processors, MAX_WORKERS if limit is None else limit))


#: One chunk's run: what ``_models._generate`` takes (the spec's name and shown path, the
#: document, the template data, the class names and the header).
Request = tuple[str, str, dict[str, Any], dict[str, Any], dict[str, str], str]


def run_chunked(
    plan: Plan,
    request: Callable[[Sequence[str], Sequence[str]], Request],
    header: str,
    *,
    workers: int | Workers | None,
    progress: Callable[[str], None],
) -> tuple[str, list[list[str]]]:
    """The models module made chunk by chunk: ``request(members, stubs)`` is the run of one
    chunk, ``header`` the module's. Returns the module and the chunks it was put together
    from (fewer than planned when names collided).

    Raises the CompileError of the first chunk (in order) that datamodel-code-generator
    refused, as a run of the whole document raises it.
    """
    if not isinstance(workers, Workers):
        with Workers(workers) as own:
            return run_chunked(plan, request, header, workers=own, progress=progress)
    chunks = [list(chunk) for chunk in plan.chunks]
    made: dict[tuple[str, ...], _Output] = {}
    while True:
        missing = [chunk for chunk in chunks if tuple(chunk) not in made]
        outputs = workers.run(
            [functools.partial(_request, request, chunk, plan) for chunk in missing], progress
        )
        for chunk, output in zip(missing, outputs, strict=True):
            made[tuple(chunk)] = output
        outputs = [made[tuple(chunk)] for chunk in chunks]
        merged = _merge_colliding(chunks, outputs)
        if merged is None:
            break
        chunks = merged
    return _assemble(render("models/head.py.jinja2", header=header), outputs), chunks


def _request(
    request: Callable[[Sequence[str], Sequence[str]], Request], chunk: list[str], plan: Plan
) -> Request:
    return request(chunk, _stubs(chunk, plan))


def _stubs(chunk: Sequence[str], plan: Plan) -> list[str]:
    members = set(chunk)
    return sorted({ref for name in chunk for ref in plan.refs[name]} - members)


def chunk_document(
    title: str,
    version: str,
    schemas: Mapping[str, Any],
    members: Sequence[str],
    stubs: Sequence[str],
) -> dict[str, Any]:
    """The document of one chunk: its members' schemas, and a stub for each of ``stubs``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "components": {
            "schemas": {
                **{name: schemas[name] for name in members},
                **{name: _stub(schemas[name]) for name in stubs},
            }
        },
    }


def chunk_template_data(
    template_data: Mapping[str, dict[str, Any]], members: Sequence[str], stubs: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """The template data of one chunk's classes, keyed by pointer; stubs render as nothing."""
    pointers = [_pointer(name) for name in members]
    data = {pointer: template_data[pointer] for pointer in pointers if pointer in template_data}
    data.update({_pointer(name): _STUB_DATA for name in stubs})
    return data


def chunk_class_names(
    class_names: Mapping[str, str], members: Sequence[str], stubs: Sequence[str]
) -> dict[str, str]:
    """The class names of one chunk's components and stubs, keyed by pointer."""
    return {_pointer(name): class_names[_pointer(name)] for name in [*members, *stubs]}


def _pointer(name: str) -> str:
    return SCHEMAS + escape_pointer_token(name)


@dataclass(frozen=True)
class _Output:
    """One chunk's output, split: its imports (module, level, name, alias) and the rest."""

    imports: frozenset[tuple[str | None, int, str, str | None]]
    body: str
    #: The names it defines at the top level, in order.
    defined: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> _Output:
        """Split a chunk's output. Only its import block is parsed (a whole chunk takes
        ast 0.05 s per 100 KB); the names it defines are read from the lines that start a
        top-level statement (at column 0, as every one does): a line inside a string that
        looked like one could only name a definition that is not there, which merges
        chunks for nothing, never misses one."""
        lines = text.splitlines(keepends=True)
        body_line = next(
            (
                number
                for number, line in enumerate(lines, start=1)
                if _STATEMENT.match(line) and not _IMPORT.match(line)
            ),
            len(lines) + 1,
        )
        imports: set[tuple[str | None, int, str, str | None]] = set()
        for node in ast.parse("".join(lines[: body_line - 1])).body:
            if isinstance(node, ast.ImportFrom):
                imports.update(
                    (node.module, node.level, alias.name, alias.asname) for alias in node.names
                )
            elif isinstance(node, ast.Import):
                imports.update((None, 0, alias.name, alias.asname) for alias in node.names)
            else:
                raise RuntimeError("datamodel-code-generator wrote a statement among imports")
        defined: list[str] = []
        for line in lines[body_line - 1 :]:
            if _IMPORT.match(line):
                raise RuntimeError("datamodel-code-generator wrote an import below the models")
            if found := _DEFINITION.match(line):
                defined.append(found.group(1))
        return cls(frozenset(imports), "".join(lines[body_line - 1 :]).strip("\n"), tuple(defined))

    def imported_names(self) -> set[str]:
        return {alias or name.partition(".")[0] for _, _, name, alias in self.imports}


#: A line that starts a top-level statement (not a comment, not a continuation).
_STATEMENT = re.compile(r"[^\s#)\]}]")
_IMPORT = re.compile(r"(?:import|from)\s")
#: The name a top-level line defines: ``class Name``, ``Name: ...``, ``Name = ...``.
_DEFINITION = re.compile(r"(?:class\s+)?([A-Za-z_]\w*)\s*[:=(]")


def _merge_colliding(chunks: list[list[str]], outputs: Sequence[_Output]) -> list[list[str]] | None:
    """The chunks with every run of chunks between two that define the same name (or one
    that defines a name another imports) merged into one; None when there is no such pair."""
    first: dict[str, int] = {}
    spans: list[tuple[int, int]] = []
    for index, output in enumerate(outputs):
        for name in output.defined:
            if name in first and first[name] != index:
                spans.append((first[name], index))
            first.setdefault(name, index)
    for index, output in enumerate(outputs):
        for name in output.imported_names():
            if name in first and first[name] != index:
                spans.append(tuple(sorted((first[name], index))))  # type: ignore[arg-type]
    if not spans:
        return None
    # Each span [low, high] of chunks becomes one chunk; overlapping spans join.
    joined: list[list[int]] = []
    for low, high in sorted(spans):
        if joined and low <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], high)
        else:
            joined.append([low, high])
    merged: list[list[str]] = []
    index = 0
    for low, high in joined:
        merged.extend(chunks[index:low])
        merged.append([name for chunk in chunks[low : high + 1] for name in chunk])
        index = high + 1
    merged.extend(chunks[index:])
    return merged


def _assemble(head: str, outputs: Sequence[_Output]) -> str:
    """One module: the head, the union of the chunks' imports (but those of the head), and
    the chunks' bodies in order."""
    own = _Output.parse(head).imports
    imports = sorted(
        {item for output in outputs for item in output.imports} - own,
        key=lambda item: (item[1], item[0] or "", item[0] is None, item[2], item[3] or ""),
    )
    modules: dict[tuple[str | None, int], list[tuple[str, str | None]]] = {}
    for module, level, name, alias in imports:
        modules.setdefault((module, level), []).append((name, alias))
    return render(
        _MODULE_TEMPLATE,
        head=head,
        plain=[names for (module, _), names in modules.items() if module is None],
        imports=[
            ("." * level + module, names) for (module, level), names in modules.items() if module
        ],
        bodies=[output.body for output in outputs if output.body],
    )


class Workers:
    """The worker processes that make the models' chunks: started when first needed (or
    ahead, by :meth:`start`), used by every run of chunks, stopped by :meth:`close`.

    ``limit`` caps their number (by default :data:`MAX_WORKERS`); there are never more
    than processors this process may run on, nor than chunks to make at once.

    One new interpreter (not a fork of this one, whose pages are not the workers')
    loads datamodel-code-generator and warms it up, then forks the other workers, which
    so start warm at the cost of a fork; where there is no ``fork``, each worker is an
    interpreter of its own. They run in a session of their own, so that Ctrl-C reaches
    only this process, which stops them all.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.processes: list[subprocess.Popen[bytes]] = []
        self.channels: list[_Channel] = []
        #: Whether any chunk was handed out (workers started ahead for nothing are killed).
        self.used = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *failure: object) -> None:
        self.close(kill=failure[0] is not None)

    def start(self, chunks: int | None = None) -> None:
        """Start the workers that ``chunks`` chunks need (all there may be by default);
        once started, their number is fixed until :meth:`close`."""
        if self.channels:
            return
        count = worker_count(MAX_WORKERS if chunks is None else chunks, self.limit)
        if hasattr(os, "fork"):
            process, channels = _start_workers(count)
            self.processes, self.channels = [process], channels
        else:  # pragma: no cover - Windows
            for _ in range(count):
                process, channels = _start_workers(1)
                self.processes.append(process)
                self.channels.extend(channels)

    def run(
        self, requests: Sequence[Callable[[], Request]], progress: Callable[[str], None]
    ) -> list[_Output]:
        """The output of each request, each made by the next free worker."""
        if not requests:
            return []
        self.start(len(requests))
        self.used = True
        batch = _Batch(requests, progress)
        threads = [
            threading.Thread(target=batch.serve, args=(channel,), daemon=True)
            for channel in self.channels[: len(requests)]
        ]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        except BaseException:
            # Ctrl-C: the chunks under way are not waited for.
            self.close(kill=True)
            raise
        if batch.failed:
            # A worker that failed may be in any state: none is reused.
            self.close(kill=True)
        return batch.results()

    def close(self, *, kill: bool = False) -> None:
        """Stop every worker: idle ones by the end of their input; with ``kill``, or when
        none was used (maybe still warming up), at once."""
        processes, self.processes = self.processes, []
        channels, self.channels = self.channels, []
        if kill or not self.used:
            for process in processes:
                _kill(process)
        for channel in channels:
            channel.close()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()


@dataclass
class _Channel:
    """The two pipes between this process and one worker."""

    requests: IO[bytes]
    answers: IO[bytes]

    def close(self) -> None:
        for stream in (self.requests, self.answers):
            with contextlib.suppress(OSError):  # a worker that died with a request unread
                stream.close()


class _Batch:
    """Requests handed out to workers in order, as each is free; the answers by index."""

    def __init__(
        self, requests: Sequence[Callable[[], Request]], progress: Callable[[str], None]
    ) -> None:
        self.requests = requests
        self.progress = progress
        self.lock = threading.Lock()
        self.next = 0
        self.done = 0
        self.answers: dict[int, _Output | BaseException] = {}
        self.failed = False

    def _take(self) -> int | None:
        with self.lock:
            if self.failed or self.next >= len(self.requests):
                return None
            self.next += 1
            return self.next - 1

    def serve(self, channel: _Channel) -> None:
        """Make the next request through ``channel`` until none is left or one failed."""
        while (index := self._take()) is not None:
            try:
                answer: _Output | BaseException = _ask(channel, self.requests[index]())
            except BaseException as exc:  # raised again in the caller
                answer = exc
            with self.lock:
                self.answers[index] = answer
                if isinstance(answer, BaseException):
                    # No new chunk starts; the ones under way finish, so that every chunk
                    # before this one has an answer and the first failure is reported.
                    self.failed = True
                    return
                self.done += 1
                self.progress(f"models: chunk {self.done}/{len(self.requests)}")

    def results(self) -> list[_Output]:
        texts: list[_Output] = []
        for index in range(len(self.requests)):
            answer = self.answers.get(index)
            if isinstance(answer, BaseException):
                raise answer
            if answer is None:
                raise RuntimeError(f"the models of chunk {index + 1} were not made")
            texts.append(answer)
        return texts


def _start_workers(count: int) -> tuple[subprocess.Popen[bytes], list[_Channel]]:
    """One new interpreter that serves ``count`` workers (itself and its forks), and a
    channel to each."""
    theirs: list[int] = []
    ours: list[tuple[int, int]] = []
    for _ in range(count):
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        theirs += [request_read, answer_write]
        ours.append((request_write, answer_read))
    # `-c` puts the working directory first on its path, where a directory of the user's
    # could stand in for one of ours: it is taken out again (as in _views).
    command = (
        'import sys; sys.path[:1] = [] if sys.path[:1] == [""] else sys.path[:1]; '
        f"from {__name__} import _workers; sys.exit(_workers(sys.argv[1:]))"
    )
    try:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", command, *map(str, theirs)],
            pass_fds=theirs,
            start_new_session=True,
        )
    finally:
        for descriptor in theirs:
            os.close(descriptor)
    channels = [_Channel(os.fdopen(write, "wb"), os.fdopen(read, "rb")) for write, read in ours]
    return process, channels


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill a worker and the workers it forked (its session)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # no process groups (Windows), or already gone
        process.kill()


def _ask(channel: _Channel, request: Request) -> _Output | BaseException:
    _write(channel.requests, pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
    raw = _read(channel.answers)
    if raw is None:
        raise RuntimeError("a models worker exited before it answered")
    answer: _Output | BaseException = pickle.loads(raw)  # noqa: S301 - our worker's
    return answer


def _write(stream: IO[bytes], data: bytes) -> None:
    stream.write(len(data).to_bytes(8, "big"))
    stream.write(data)
    stream.flush()


def _read(stream: IO[bytes]) -> bytes | None:
    size = stream.read(8)
    if len(size) < 8:
        return None
    data = stream.read(int.from_bytes(size, "big"))
    return data if len(data) == int.from_bytes(size, "big") else None


def _workers(descriptors: Sequence[str]) -> int:
    """The workers' interpreter: warms up, forks a worker for each channel but the first,
    and serves the first itself; returns when all have seen their input end."""
    pairs = [
        (int(request), int(answer))
        for request, answer in zip(descriptors[::2], descriptors[1::2], strict=True)
    ]
    # Only answers go to the pipes: anything printed on the way goes to stderr.
    sys.stdout = sys.stderr
    try:
        from ._models import _generate

        # Warmed up (imports, templates: about a second) while the parent prepares the
        # first chunk, or while generate loads the spec, rather than after.
        _generate(
            "warm",
            "warm",
            chunk_document("warm", "0", {"Warm": {}}, [], ["Warm"]),
            template_data=chunk_template_data({}, [], ["Warm"]),
            class_names={_pointer("Warm"): "Warm"},
            header="",
        )
    except KeyboardInterrupt:
        return 130
    # What is alive now (datamodel-code-generator's modules) lives to the end: the
    # collections that each chunk's garbage triggers leave it out (0.06 s less per chunk),
    # and the forks do not copy its pages to count references.
    gc.collect()
    gc.freeze()
    forked: list[int] = []
    for index, pair in enumerate(pairs[1:], start=1):
        pid = os.fork()
        if pid == 0:
            for other, descriptors_of in enumerate(pairs):
                if other != index:
                    for descriptor in descriptors_of:
                        os.close(descriptor)
            _serve(*pair)
        forked.append(pid)
    for pair in pairs[1:]:
        for descriptor in pair:
            os.close(descriptor)
    _serve(*pairs[0], forked=forked)
    return 0  # not reached: _serve exits


def _serve(request_descriptor: int, answer_descriptor: int, forked: Sequence[int] = ()) -> None:
    """One worker: makes the models of each chunk it reads, until its input ends; then
    waits for the workers it forked, and exits."""
    from ._memory import release_memory
    from ._models import _generate

    requests = os.fdopen(request_descriptor, "rb")
    answers = os.fdopen(answer_descriptor, "wb")
    status = 0
    try:
        while (raw := _read(requests)) is not None:
            answer: object
            try:
                request: Request = pickle.loads(raw)  # noqa: S301 - our parent's
                del raw
                # Split here, so that the parent does not parse every chunk's output.
                answer = _Output.parse(_generate(*request[:3], **_keywords(request)))
            except CompileError as exc:
                answer = exc
            except Exception as exc:  # raised in the parent: a bug here still reads as a bug
                answer = RuntimeError(f"{type(exc).__name__}: {exc}")
            request = None  # type: ignore[assignment]
            try:
                pickled = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                pickled = pickle.dumps(RuntimeError(f"{type(answer).__name__}: {answer}"))
            _write(answers, pickled)
            del answer, pickled
            release_memory()
    except KeyboardInterrupt:
        status = 130
    except BrokenPipeError:  # the parent went away
        status = 1
    for pid in forked:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    # Nothing to tidy that is worth the fraction of a second interpreter shutdown takes
    # with datamodel-code-generator loaded.
    sys.stderr.flush()
    os._exit(status)


def _keywords(request: Request) -> dict[str, Any]:
    _, _, _, template_data, class_names, header = request
    return {"template_data": template_data, "class_names": class_names, "header": header}
