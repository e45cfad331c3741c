"""The dependency graph between practices.

A practice ``requires`` other practices by id, or a whole item up to a level
(``"item-id@3"``: every practice of that item at levels ``<= 3``). This module expands
those requirements into practice-to-practice edges and answers questions about the
graph. networkx is used inside this module only; every public function takes a
:class:`~maturity_model.MaturityModel` and returns tuples of practice ids, or text: the
views :func:`to_dot`, :func:`to_mermaid` and :func:`to_graphml` draw the practice graph or
a :class:`~maturity_model.planning.Roadmap`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from maturity_model.errors import UnknownNodeError
from maturity_model.model import CapabilityItem, MaturityModel, parse_requirement

if TYPE_CHECKING:
    import networkx as nx

    from maturity_model.planning import Roadmap

__all__ = [
    "dependency_cycles",
    "dependents",
    "direct_prerequisites",
    "longest_chain",
    "prerequisites",
    "to_dot",
    "to_graphml",
    "to_mermaid",
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
    cached = model._index.expanded_requirements
    if cached is not None:
        return cached
    result = tuple((practice.id, requirement, _expand(model, requirement) or ())
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


def _nx_graph(model: MaturityModel) -> nx.DiGraph[Any]:
    import networkx as nx

    cached = model._index.nx_graph
    if cached is not None:
        return cached
    graph: nx.DiGraph[Any] = nx.DiGraph()
    requirements = requirement_map(model)
    graph.add_nodes_from(requirements)
    graph.add_edges_from((pre, p) for p, pres in requirements.items() for pre in pres)
    model._index.nx_graph = graph
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
    requirements = requirement_map(model)
    if len(_kahn_order(requirements)) == len(requirements):
        return ()  # acyclic: the common case needs no networkx
    import networkx as nx

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


def _kahn_order(requirements: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Kahn's walk, document order breaking ties; shorter than the input on a cycle.

    networkx costs a fifth of a second to import: scoring only needs this walk.
    """
    import heapq

    waiting = {p: len(pres) for p, pres in requirements.items()}
    dependents_of: dict[str, list[str]] = {p: [] for p in requirements}
    for p, pres in requirements.items():
        for pre in pres:
            dependents_of[pre].append(p)
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
    return order


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
    cached = model._index.topological_order
    if cached is not None:
        return cached
    requirements = requirement_map(model)
    order = _kahn_order(requirements)
    if len(order) != len(requirements):
        from maturity_model.errors import DependencyCycleError, Problem

        cycles = dependency_cycles(model)
        problems = [Problem.error("dependency-cycle", model.path_of(c[0]) + ".requires",
                                  "dependency cycle: " + " → ".join(c)) for c in cycles]
        raise DependencyCycleError(cycles[0], problems)
    result = tuple(order)
    model._index.topological_order = result
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


# --------------------------------------------------------------------------- views


def longest_chain(model: MaturityModel) -> tuple[str, ...]:
    """The longest run of practices each requiring the one before it, first to do first.

    Ties go to the chain that ends first in document order, then to prerequisites
    earlier in document order. A model without dependencies gives its first practice;
    a model without practices ``()``.

    :raises maturity_model.DependencyCycleError: the graph has a cycle.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1), Practice(id="b", level=1),
    ...     Practice(id="c", level=2, requires=["a", "b"]),
    ...     Practice(id="d", level=3, requires=["c"])])])])
    >>> longest_chain(m)
    ('a', 'c', 'd')
    """
    requirements = requirement_map(model)
    position = {p: i for i, p in enumerate(requirements)}
    length: dict[str, int] = {}
    best: dict[str, str | None] = {}
    for pid in topological_order(model):
        choice: str | None = None
        for pre in requirements[pid]:
            if choice is None or (length[pre], -position[pre]) > (length[choice],
                                                                  -position[choice]):
                choice = pre
        best[pid] = choice
        length[pid] = 1 + (length[choice] if choice is not None else 0)
    if not length:
        return ()
    end: str | None = max(requirements, key=lambda p: (length[p], -position[p]))
    chain: list[str] = []
    while end is not None:
        chain.append(end)
        end = best[end]
    return tuple(reversed(chain))


def _view(model: MaturityModel, roadmap: Roadmap | None) -> tuple[
        dict[str, list[str]], list[tuple[str, str]]]:
    """Groups (cluster title → practice ids) and edges (prerequisite, dependent) to draw."""
    groups: dict[str, list[str]] = {}
    edges: list[tuple[str, str]] = []
    if roadmap is None:
        for item in model.items():
            groups[item.id] = [p.id for p in item.practices]
        requirements = requirement_map(model)
        edges = [(pre, pid) for pid, pres in requirements.items() for pre in pres]
    else:
        for wave in roadmap.waves:
            groups[f"Wave {wave.number}"] = list(wave.practices)
        edges = [(pre, step.practice_id) for step in roadmap for pre in step.after]
    return groups, edges


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(model: MaturityModel, roadmap: Roadmap | None = None) -> str:
    r"""The practice graph as Graphviz DOT: an arrow from each prerequisite to its dependent.

    Practices are grouped in a cluster per item. With a ``roadmap``, only its practices
    are drawn, a cluster per wave, pulled-in practices dashed, arrows from each practice
    to the roadmap practices that need it first.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1),
    ...                        Practice(id="b", level=2, requires=["a"])])])])
    >>> print(to_dot(m), end="")
    digraph "m" {
      rankdir=LR;
      node [shape=box];
      subgraph "cluster_0" {
        label="i";
        "a" [label="a\nlevel 1"];
        "b" [label="b\nlevel 2"];
      }
      "a" -> "b";
    }
    """
    groups, edges = _view(model, roadmap)
    practices = model._index.practices
    lines = [f"digraph {_dot_id(model.id)} {{", "  rankdir=LR;", "  node [shape=box];"]
    for n, (title, ids) in enumerate(groups.items()):
        lines.append(f"  subgraph {_dot_id(f'cluster_{n}')} {{")
        lines.append(f"    label={_dot_id(title)};")
        for pid in ids:
            label = f"{pid}\nlevel {practices[pid].level}"
            attributes = f"label={_dot_id(label)}"
            if roadmap is not None and roadmap[pid].pulled_in:
                attributes += ", style=dashed"
            lines.append(f"    {_dot_id(pid)} [{attributes}];")
        lines.append("  }")
    lines.extend(f"  {_dot_id(a)} -> {_dot_id(b)};" for a, b in edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;"))


def to_mermaid(model: MaturityModel, roadmap: Roadmap | None = None) -> str:
    """The practice graph as a Mermaid flowchart (same content as :func:`to_dot`).

    Mermaid node names are ``p0``, ``p1``, ... in document order; labels carry the ids.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1),
    ...                        Practice(id="b", level=2, requires=["a"])])])])
    >>> print(to_mermaid(m), end="")
    flowchart LR
      subgraph g0["i"]
        p0["a (level 1)"]
        p1["b (level 2)"]
      end
      p0 --> p1
    """
    groups, edges = _view(model, roadmap)
    practices = model._index.practices
    names = {pid: f"p{i}" for i, pid in enumerate(practices)}
    lines = ["flowchart LR"]
    pulled: list[str] = []
    for n, (title, ids) in enumerate(groups.items()):
        lines.append(f'  subgraph g{n}["{_mermaid_text(title)}"]')
        for pid in ids:
            label = _mermaid_text(f"{pid} (level {practices[pid].level})")
            lines.append(f'    {names[pid]}["{label}"]')
            if roadmap is not None and roadmap[pid].pulled_in:
                pulled.append(names[pid])
        lines.append("  end")
    lines.extend(f"  {names[a]} --> {names[b]}" for a, b in edges)
    if pulled:
        lines.append("  classDef pulled stroke-dasharray: 5 5")
        lines.append(f"  class {','.join(pulled)} pulled")
    return "\n".join(lines) + "\n"


def to_graphml(model: MaturityModel, roadmap: Roadmap | None = None) -> str:
    """The practice graph as GraphML, written by networkx.

    A node per practice with its ``item``, ``level``, ``weight``, ``mandatory`` and
    ``text``; an edge from each prerequisite to its dependent. With a ``roadmap``: its
    practices only, each with ``wave`` and ``pulled_in``, edges as in :func:`to_dot`.

    >>> from maturity_model import CapabilityItem, Domain, MaturityModel, Practice
    >>> m = MaturityModel(id="m", domains=[Domain(id="d", items=[CapabilityItem(
    ...     id="i", practices=[Practice(id="a", level=1),
    ...                        Practice(id="b", level=2, requires=["a"])])])])
    >>> text = to_graphml(m)
    >>> '<edge source="a" target="b" />' in text
    True
    """
    import networkx as nx

    groups, edges = _view(model, roadmap)
    practices = model._index.practices
    item_of = model._index.item_of
    graph: nx.DiGraph[Any] = nx.DiGraph(id=model.id)
    for ids in groups.values():
        for pid in ids:
            practice = practices[pid]
            attributes: dict[str, Any] = {
                "item": item_of[pid], "level": practice.level,
                "weight": float(practice.weight), "mandatory": practice.mandatory,
                "text": practice.text}
            if roadmap is not None:
                step = roadmap[pid]
                attributes["wave"] = step.wave
                attributes["pulled_in"] = step.pulled_in
            graph.add_node(pid, **attributes)
    graph.add_edges_from(edges)
    return "\n".join(nx.generate_graphml(graph)) + "\n"
