"""Graphs of references: the strongly connected groups of a directed graph."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["strongly_connected"]


def strongly_connected(edges: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """The strongly connected groups of a graph given as each node's successors, in the
    order Tarjan's algorithm closes them (iterative, so that a long chain cannot exhaust
    the stack)."""
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
