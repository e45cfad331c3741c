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

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from maturity_model._dependencies import (
    cycle_error,
    cycle_problems,
    dependency_cycles,
    expanded_requirements,
    requirement_map,
    topological_order,
)
from maturity_model.errors import ModelValidationError, Problem, UnknownNodeError
from maturity_model.model import MaturityModel

if TYPE_CHECKING:
    import networkx as nx

    from maturity_model.planning import Roadmap

__all__ = [
    "cycle_error",
    "cycle_problems",
    "dependency_cycles",
    "dependents",
    "direct_prerequisites",
    "expanded_requirements",
    "longest_chain",
    "prerequisites",
    "requirement_map",
    "to_dot",
    "to_graphml",
    "to_mermaid",
    "topological_order",
]


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


# What XML 1.0 cannot carry at all, not even as a character reference: most C0 controls,
# surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    r"""``text`` with each character XML cannot carry written as ``\uXXXX``."""
    return _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_graphml(model: MaturityModel, roadmap: Roadmap | None = None) -> str:
    r"""The practice graph as GraphML, written by networkx.

    A node per practice with its ``item``, ``level``, ``weight``, ``mandatory`` and
    ``text``; an edge from each prerequisite to its dependent. With a ``roadmap``: its
    practices only, each with ``wave`` and ``pulled_in``, edges as in :func:`to_dot`.

    The output always parses as XML: in texts, a character XML cannot carry (a control
    character such as ````, U+FFFE, a lone surrogate) is written as ````; a
    practice id holding one is refused.

    :raises ModelValidationError: a practice id holds a character XML cannot carry.

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
    unwritable = [Problem.of("invalid-value", model.path_of(pid) + ".id",
                             f"practice id {pid!r} holds a character XML cannot carry "
                             f"({_XML_ILLEGAL.search(pid).group()!r})")  # type: ignore[union-attr]
                  for ids in groups.values() for pid in ids if _XML_ILLEGAL.search(pid)]
    if unwritable:
        raise ModelValidationError(unwritable)
    graph: nx.DiGraph[Any] = nx.DiGraph(id=_xml_text(model.id))
    for ids in groups.values():
        for pid in ids:
            practice = practices[pid]
            attributes: dict[str, Any] = {
                "item": _xml_text(item_of[pid]), "level": practice.level,
                "weight": float(practice.weight), "mandatory": practice.mandatory,
                "text": _xml_text(practice.text)}
            if roadmap is not None:
                step = roadmap[pid]
                attributes["wave"] = step.wave
                attributes["pulled_in"] = step.pulled_in
            graph.add_node(pid, **attributes)
    graph.add_edges_from(edges)
    return "\n".join(nx.generate_graphml(graph)) + "\n"
