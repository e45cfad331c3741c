"""The dependency graph between practices.

A practice ``requires`` other practices by id, or a whole item up to a level
(``"item-id@3"``: every practice of that item at levels ``<= 3``). This module expands
those requirements into practice-to-practice edges and answers questions about the
graph. networkx is used inside this module only; every public function takes a
:class:`~maturity_model.MaturityModel` and returns tuples of practice ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from maturity_model.errors import UnknownNodeError
from maturity_model.model import CapabilityItem, MaturityModel, parse_requirement

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "dependency_cycles",
    "dependents",
    "direct_prerequisites",
    "prerequisites",
    "topological_order",
]


def _expand(model: MaturityModel, requirement: str) -> tuple[str, ...] | None:
    """The practice ids a requirement stands for; ``None`` when it does not resolve."""
    index = model._index
    if requirement in index.practices:
        return (requirement,)
    target, level = parse_requirement(requirement)
    if level is None:
        return None
    node = index.nodes.get(target)
    if not isinstance(node, CapabilityItem) or level not in model.scale:
        return None
    return tuple(p.id for p in node.practices if p.level <= level)


def expanded_requirements(model: MaturityModel) -> tuple[
        tuple[str, str, tuple[str, ...]], ...]:
    """Every ``(practice id, requirement as written, its practice ids)``, computed once."""
    cached = model._cache.get("expanded_requirements")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result = tuple((practice.id, requirement, _expand(model, requirement) or ())
                   for practice in model.practices() for requirement in practice.requires)
    model._cache["expanded_requirements"] = result
    return result


def requirement_map(model: MaturityModel) -> Mapping[str, tuple[str, ...]]:
    """Practice id → its direct prerequisite practice ids (expanded, de-duplicated, in order).

    Unresolvable requirements are skipped here; :func:`maturity_model.check` reports them.
    The map is computed once per model object.
    """
    cached = model._cache.get("requirements")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result: dict[str, tuple[str, ...]] = {}
    for practice in model.practices():
        if practice.id in result:
            continue
        seen: dict[str, None] = {}
        for requirement in practice.requires:
            for prerequisite in _expand(model, requirement) or ():
                seen.setdefault(prerequisite, None)
        result[practice.id] = tuple(seen)
    model._cache["requirements"] = result
    return result


def _nx_graph(model: MaturityModel) -> nx.DiGraph[Any]:
    import networkx as nx

    cached = model._cache.get("nx_graph")
    if cached is not None:
        return cached
    graph: nx.DiGraph[Any] = nx.DiGraph()
    requirements = requirement_map(model)
    graph.add_nodes_from(requirements)
    graph.add_edges_from((pre, p) for p, pres in requirements.items() for pre in pres)
    model._cache["nx_graph"] = graph
    return graph


def dependency_cycles(model: MaturityModel) -> tuple[tuple[str, ...], ...]:
    """One cycle for every cyclic part of the graph, each as ids with the first repeated last.

    A cycle ``a → b → a`` reads "a requires b, b requires a".

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1, requires=["b"]),
    ...                        Practice(id="b", level=1, requires=["a"])])])])
    >>> dependency_cycles(m)
    (('a', 'b', 'a'),)
    """
    import networkx as nx

    requirements = requirement_map(model)
    graph = _nx_graph(model)
    cycles: list[tuple[str, ...]] = []
    order = {pid: i for i, pid in enumerate(requirements)}
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (only,) = component
            if only in requirements[only]:
                cycles.append((only, only))
            continue
        start = min(component, key=order.__getitem__)
        # Walk "requires" edges inside the component from its first practice until a
        # practice repeats: that closes a cycle, named in requirement order.
        path: list[str] = [start]
        position = {start: 0}
        current = start
        while True:
            current = min((p for p in requirements[current] if p in component),
                          key=order.__getitem__)
            if current in position:
                cycle = path[position[current]:]
                cycles.append((*cycle, current))
                break
            position[current] = len(path)
            path.append(current)
    cycles.sort(key=lambda c: order[c[0]])
    return tuple(cycles)


def topological_order(model: MaturityModel) -> tuple[str, ...]:
    """Every practice id, each after all of its prerequisites (document order breaks ties).

    :raises maturity_model.DependencyCycleError: the graph has a cycle.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1, requires=["b"]),
    ...                        Practice(id="b", level=1)])])])
    >>> topological_order(m)
    ('b', 'a')
    """
    cached = model._cache.get("topological_order")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    requirements = requirement_map(model)
    waiting = {p: len(pres) for p, pres in requirements.items()}
    dependents_of: dict[str, list[str]] = {p: [] for p in requirements}
    for p, pres in requirements.items():
        for pre in pres:
            dependents_of[pre].append(p)
    import heapq

    position = {p: i for i, p in enumerate(requirements)}
    ready = [position[p] for p, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    ids = list(requirements)
    order: list[str] = []
    while ready:
        p = ids[heapq.heappop(ready)]
        order.append(p)
        for d in dependents_of[p]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, position[d])
    if len(order) != len(requirements):
        from maturity_model.errors import DependencyCycleError, Problem

        cycles = dependency_cycles(model)
        problems = [Problem.error("dependency-cycle", model.path_of(c[0]) + ".requires",
                                  "dependency cycle: " + " → ".join(c)) for c in cycles]
        raise DependencyCycleError(cycles[0], problems)
    result = tuple(order)
    model._cache["topological_order"] = result
    return result


def _check_practice(model: MaturityModel, practice_id: str) -> None:
    if practice_id not in model._index.practices:
        raise UnknownNodeError(practice_id, "practice")


def direct_prerequisites(model: MaturityModel, practice_id: str) -> tuple[str, ...]:
    """The practices ``practice_id`` requires directly (``item@L`` expanded)."""
    _check_practice(model, practice_id)
    return requirement_map(model)[practice_id]


def _closure(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return seen


def prerequisites(model: MaturityModel, practice_id: str, *,
                  transitive: bool = True) -> tuple[str, ...]:
    """The practices ``practice_id`` needs first, in document order.

    :param transitive: include prerequisites of prerequisites (the closure).

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1), Practice(id="b", level=2,
    ...     requires=["a"]), Practice(id="c", level=3, requires=["b"])])])])
    >>> prerequisites(m, "c"), prerequisites(m, "c", transitive=False)
    (('a', 'b'), ('b',))
    """
    _check_practice(model, practice_id)
    requirements = requirement_map(model)
    if not transitive:
        return requirements[practice_id]
    found = _closure(requirements[practice_id], requirements)
    found.discard(practice_id)
    return tuple(p for p in requirements if p in found)


def dependents(model: MaturityModel, practice_id: str, *,
               transitive: bool = True) -> tuple[str, ...]:
    """The practices that need ``practice_id``, in document order.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1), Practice(id="b", level=2,
    ...     requires=["a"]), Practice(id="c", level=3, requires=["b"])])])])
    >>> dependents(m, "a")
    ('b', 'c')
    """
    _check_practice(model, practice_id)
    requirements = requirement_map(model)
    reverse: dict[str, list[str]] = {}
    for p, pres in requirements.items():
        for pre in pres:
            reverse.setdefault(pre, []).append(p)
    direct = reverse.get(practice_id, [])
    found = _closure(direct, reverse) if transitive else set(direct)
    found.discard(practice_id)
    return tuple(p for p in requirements if p in found)
