"""The practice dependency graph's core: requirements expanded, cycles, the order.

:mod:`maturity_model.graph` is the public face; this module holds what scoring,
validation and planning need on their hot paths, without networkx.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from maturity_model.errors import DependencyCycleError, ModelValidationError, Problem
from maturity_model.model import CapabilityItem, MaturityModel, parse_requirement

__all__ = [
    "cycle_error",
    "cycle_problems",
    "dependency_cycles",
    "expanded_requirements",
    "requirement_map",
    "topological_order",
]


def _expand(model: MaturityModel, requirement: object) -> tuple[str, ...] | None:
    """The practice ids a requirement stands for; ``None`` when it does not resolve."""
    index = model._index
    if not isinstance(requirement, str):  # check() reports it; a model in code may hold it
        return None
    if requirement in index.practices:
        return (requirement,)
    target, level = parse_requirement(requirement)
    if level is None:
        return None
    node = index.nodes.get(target)
    if not isinstance(node, CapabilityItem) or level not in model.scale:
        return None
    # A level of the wrong type is check()'s to report; here it just matches nothing.
    return tuple(p.id for p in node.practices
                 if isinstance(p.level, int) and p.level <= level)


def expanded_requirements(model: MaturityModel) -> tuple[
        tuple[str, str, tuple[str, ...]], ...]:
    """Every ``(practice id, requirement as written, its practice ids)``, computed once."""
    cached = model._index.expanded_requirements
    if cached is not None:
        return cached
    # One tuple per distinct requirement, shared by every practice that writes it.
    expansions: dict[str, tuple[str, ...]] = {}
    for practice in model.practices():
        for requirement in practice.requires:
            if isinstance(requirement, str) and requirement not in expansions:
                expansions[requirement] = _expand(model, requirement) or ()
    result = tuple((practice.id, requirement, expansions.get(requirement, ()))
                   for practice in model.practices() for requirement in practice.requires)
    model._index.expanded_requirements = result
    return result


def requirement_map(model: MaturityModel) -> Mapping[str, tuple[str, ...]]:
    """Practice id → its direct prerequisite practice ids (expanded, de-duplicated, in order).

    Unresolvable requirements are skipped here; :func:`maturity_model.check` reports them.
    The map is computed once per model object.
    """
    cached = model._index.requirements
    if cached is not None:
        return cached
    result: dict[str, tuple[str, ...]] = {}
    for practice in model.practices():
        if practice.id in result:
            continue
        seen: dict[str, None] = {}
        for requirement in practice.requires:
            for prerequisite in _expand(model, requirement) or ():
                seen.setdefault(prerequisite, None)
        result[practice.id] = tuple(seen)
    model._index.requirements = result
    return result


# The compact graph: a practice points at what it requires as written, and each
# ``item@L`` it names is one shared node pointing at that item's practices at levels
# ``<= L``. It has as many edges as the model has requirements plus practices per distinct
# ``item@L``, where the expanded graph can have their product (every practice of a big item
# required by every practice of another); cycles and the order are computed on it.
_Virtual = tuple[str, int]
_Node = str | _Virtual


def _compact(model: MaturityModel) -> dict[_Node, tuple[_Node, ...]]:
    """Node → the nodes it requires: practice ids, and ``(item id, level)`` for ``item@L``."""
    cached: dict[_Node, tuple[_Node, ...]] | None = model._index.compact_graph
    if cached is not None:
        return cached
    index = model._index
    result: dict[_Node, tuple[_Node, ...]] = {}
    virtual: dict[_Node, tuple[_Node, ...]] = {}
    for practice in model.practices():
        if practice.id in result:
            continue
        seen: dict[_Node, None] = {}
        requires: tuple[object, ...] = practice.requires
        for requirement in requires:
            if not isinstance(requirement, str):
                continue
            if requirement in index.practices:
                seen.setdefault(requirement, None)
                continue
            item_id, level = parse_requirement(requirement)
            if level is None:
                continue
            node: _Virtual = (item_id, level)
            if node not in virtual:
                expanded = _expand(model, requirement)
                if not expanded:
                    continue
                virtual[node] = expanded
            seen.setdefault(node, None)
        result[practice.id] = tuple(seen)
    result.update(virtual)
    model._index.compact_graph = result
    return result


def _kahn(graph: Mapping[_Node, tuple[_Node, ...]]) -> int:
    """How many nodes Kahn's walk reaches: all of them exactly when the graph is acyclic.

    networkx costs a fifth of a second to import; a model without a cycle (every model
    that scores) needs nothing more than this walk.
    """
    waiting = {node: len(targets) for node, targets in graph.items()}
    dependents_of: dict[_Node, list[_Node]] = {node: [] for node in graph}
    for node, targets in graph.items():
        for target in targets:
            dependents_of[target].append(node)
    ready = [node for node, count in waiting.items() if count == 0]
    reached = 0
    while ready:
        node = ready.pop()
        reached += 1
        for d in dependents_of[node]:
            waiting[d] -= 1
            if waiting[d] == 0:
                ready.append(d)
    return reached


def _strongly_connected(graph: Mapping[_Node, tuple[_Node, ...]]) -> list[set[_Node]]:
    """The strongly connected components, by networkx (only ever asked of a cyclic graph)."""
    import networkx as nx

    view: nx.DiGraph[_Node] = nx.DiGraph()
    view.add_nodes_from(graph)
    view.add_edges_from((node, target) for node, targets in graph.items()
                        for target in targets)
    return list(nx.strongly_connected_components(view))


def dependency_cycles(model: MaturityModel) -> tuple[tuple[str, ...], ...]:
    """One cycle for every cyclic part of the graph, each as ids with the first repeated last.

    A cycle ``a → b → a`` reads "a requires b, b requires a"; a practice that requires an
    ``item@L`` it belongs to requires itself (``a → a``).

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1, requires=["b"]),
    ...                        Practice(id="b", level=1, requires=["a"])])])])
    >>> dependency_cycles(m)
    (('a', 'b', 'a'),)
    """
    graph = _compact(model)
    if _kahn(graph) == len(graph):
        return ()
    order = {pid: i for i, pid in enumerate(model._index.practices)}

    def requires(practice_id: str) -> Iterable[str]:
        for node in graph[practice_id]:
            if isinstance(node, str):
                yield node
            else:
                yield from graph[node]  # type: ignore[misc]

    cycles: list[tuple[str, ...]] = []
    for component in _strongly_connected(graph):
        members = {n for n in component if isinstance(n, str)}
        if not members:
            continue
        start = min(members, key=order.__getitem__)
        if len(component) == 1 and start not in graph[start]:
            continue
        # Walk "requires" edges inside the component from its first practice until a
        # practice repeats: that closes a cycle, named in requirement order.
        path: list[str] = [start]
        position = {start: 0}
        current = start
        while True:
            current = min((p for p in requires(current) if p in members),
                          key=order.__getitem__)
            if current in position:
                cycles.append((*path[position[current]:], current))
                break
            position[current] = len(path)
            path.append(current)
    cycles.sort(key=lambda c: order[c[0]])
    return tuple(cycles)


def cycle_error(model: MaturityModel, problems: Iterable[Problem]) -> ModelValidationError:
    """The one error to raise for a model's problems (as :func:`~maturity_model.check` found them).

    A :class:`DependencyCycleError` when one of the problems is a ``dependency-cycle``; its
    :attr:`~DependencyCycleError.cycle` is the first of :func:`dependency_cycles`, taken
    from the graph (never read back from a message). Otherwise a
    :class:`ModelValidationError`.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice, check
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1, requires=["i@1"])])])])
    >>> error = cycle_error(m, check(m))
    >>> type(error).__name__, error.cycle
    ('DependencyCycleError', ('a', 'a'))
    """
    problems = tuple(problems)
    if any(p.code == "dependency-cycle" for p in problems):
        cycles = dependency_cycles(model)
        if cycles:
            return DependencyCycleError(cycles[0], problems)
    return ModelValidationError(problems)


def cycle_problems(model: MaturityModel) -> tuple[Problem, ...]:
    """A ``dependency-cycle`` problem for every cycle, at the first practice's ``requires``."""
    return tuple(Problem.of("dependency-cycle", model.path_of(c[0]) + ".requires",
                            "dependency cycle: " + " → ".join(c))
                 for c in dependency_cycles(model))


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
    import heapq

    cached = model._index.topological_order
    if cached is not None:
        return cached
    graph = _compact(model)
    waiting = {node: len(targets) for node, targets in graph.items()}
    dependents_of: dict[_Node, list[_Node]] = {node: [] for node in graph}
    for node, targets in graph.items():
        for target in targets:
            dependents_of[target].append(node)
    ids = list(model._index.practices)
    position = {p: i for i, p in enumerate(ids)}
    ready = [position[p] for p in ids if waiting[p] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        done: list[_Node] = [ids[heapq.heappop(ready)]]
        order.append(done[0])  # type: ignore[arg-type]
        # An item@L node is passed the moment its last practice is done, so the
        # practices waiting on it become ready exactly as with every edge drawn.
        while done:
            for d in dependents_of[done.pop()]:
                waiting[d] -= 1
                if waiting[d] == 0:
                    if isinstance(d, str):
                        heapq.heappush(ready, position[d])
                    else:
                        done.append(d)
    if len(order) != len(ids):
        raise cycle_error(model, cycle_problems(model))
    result = tuple(order)
    model._index.topological_order = result
    return result
