"""The ``$ref`` rules: every reference is local, resolves, and no schema reaches itself."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from .._spec._load import LoadedSpec
from .._spec._problems import Problem
from .._spec._walk import Ref, SpecIndex, child, local_target, resolve_local

__all__ = ["check_refs", "has_broken_refs"]


def has_broken_refs(spec: LoadedSpec, index: SpecIndex) -> bool:
    """True if some ``$ref`` is not local or does not resolve."""
    return any(resolve_local(spec, ref.ref) is None for ref in index.refs)


def check_refs(spec: LoadedSpec, index: SpecIndex) -> Iterator[Problem]:
    """[ref] and [ref-remote] for each reference, then [ref-cycle] once per cycle."""
    for ref in index.refs:
        line, column = spec.locate(child(ref.pointer, "$ref"))
        if local_target(ref.ref) is None:
            yield Problem(
                spec.path,
                line,
                column,
                "ref-remote",
                f"$ref {ref.ref!r} is not a local '#/...' pointer: specbind reads no other "
                "file or URL; copy what it names into this spec",
            )
        elif resolve_local(spec, ref.ref) is None:
            yield Problem(
                spec.path,
                line,
                column,
                "ref",
                f"$ref {ref.ref!r} does not resolve: there is nothing at that pointer",
            )
    yield from _cycles(spec, index.refs)


def _cycles(spec: LoadedSpec, refs: list[Ref]) -> Iterator[Problem]:
    """One [ref-cycle] per strongly connected group of reference targets.

    Expanding the node a ``$ref`` names expands every ``$ref`` written inside it, so the
    target ``T`` has an edge to the target of each reference at or under ``T``.
    """
    targets = {ref.ref: hit[0] for ref in refs if (hit := resolve_local(spec, ref.ref)) is not None}
    ordered = sorted(refs, key=lambda ref: ref.pointer)
    pointers = [ref.pointer for ref in ordered]
    edges: dict[str, list[str]] = {}
    for target in sorted(set(targets.values())):
        inside = ordered[bisect_left(pointers, target) : bisect_left(pointers, target + "0")]
        # "0" sorts right after "/": the slice holds `target` itself and all under `target/`.
        edges[target] = sorted(
            {
                found
                for ref in inside
                if ref.pointer == target or ref.pointer.startswith(target + "/")
                if (found := targets.get(ref.ref)) is not None
            }
        )
    for group in _strongly_connected(edges):
        members = sorted(group)
        if len(members) == 1 and members[0] not in edges[members[0]]:
            continue
        closing = min(
            (ref for ref in refs if targets.get(ref.ref) in group and _inside(ref.pointer, group)),
            key=lambda ref: spec.locate(child(ref.pointer, "$ref")),
        )
        line, column = spec.locate(child(closing.pointer, "$ref"))
        names = ", ".join(f"#{member}" for member in members)
        yield Problem(
            spec.path,
            line,
            column,
            "ref-cycle",
            f"$ref cycle through {names}: specbind does not generate recursive models",
        )


def _inside(pointer: str, nodes: set[str]) -> bool:
    """True if ``pointer`` is one of ``nodes`` or lies under one."""
    while pointer:
        if pointer in nodes:
            return True
        pointer = pointer.rsplit("/", 1)[0]
    return False


def _strongly_connected(edges: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative so that a long chain cannot exhaust the stack."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in edges:
        if root in order:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                order[node] = low[node] = len(order)
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            if next_edge < len(successors):
                work.append((node, next_edge + 1))
                successor = successors[next_edge]
                if successor not in order:
                    work.append((successor, 0))
                elif successor in on_stack:
                    low[node] = min(low[node], order[successor])
                continue
            if low[node] == order[node]:
                group: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups
