"""The objects a maturity model is made of: practices, capability items, domains, the model.

All are frozen attrs classes holding tuples, so a model can be shared between threads and
compared by value; change one with :func:`attrs.evolve`. Lists given to a constructor are
turned into tuples, so a model is as easy to write in code as in a file:

>>> from maturity_model import CapabilityItem, Domain, LevelScale, MaturityModel, Practice
>>> model = MaturityModel(
...     id="mini", name="Mini", version="1", scale=LevelScale.of("Basic", "Good"),
...     domains=[Domain(id="build", items=[
...         CapabilityItem(id="ci", practices=[
...             Practice(id="ci.1", level=1, text="Builds run on every commit"),
...             Practice(id="ci.2", level=2, text="Builds are reproducible",
...                      requires=["ci.1"])]),
...     ])])
>>> model.item("ci").name, [p.id for p in model.practices()]
('ci', ['ci.1', 'ci.2'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from maturity_model._display_registry import formatter
from maturity_model.errors import Problem, UnknownNodeError
from maturity_model.ids import ITEM_LEVEL_SEPARATOR
from maturity_model.levels import LevelScale
from maturity_model.rules import AggregationRule, ItemRule, Mean, MetricBands, Staircase

__all__ = [
    "MODEL_FORMAT",
    "AnswerOption",
    "AnswerSet",
    "CapabilityItem",
    "DependencyPolicy",
    "Domain",
    "MaturityModel",
    "MetricCriterion",
    "ModelRules",
    "Node",
    "Practice",
    "parse_requirement",
]

MODEL_FORMAT: Final = "maturity-model/1"

DependencyPolicy = Literal["ignore", "report", "enforce"]

# ASCII digits only: int() also reads "³" and "٣", which no one writes as a level.
_LEVEL: Final = re.compile(r"-?[0-9]+")


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


def _frozen_str_map(values: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(values or {}))


@attrs.frozen(kw_only=True)
class AnswerOption:
    """One label of an answer set and the value it stands for.

    >>> AnswerOption(label="Yes, for some applications", value=0.25).value
    0.25
    """

    label: str
    value: float


@attrs.frozen(kw_only=True)
class AnswerSet:
    """A named list of answer labels with values in [0, 1] (SAMM's answer scales).

    >>> s = AnswerSet(id="coverage", options=[AnswerOption(label="No", value=0),
    ...                                       AnswerOption(label="All", value=1)])
    >>> s.value_of("all")
    1
    """

    id: str
    options: tuple[AnswerOption, ...] = attrs.field(converter=_tuple)

    def value_of(self, label: str) -> float | None:
        """The value of ``label`` (exact match first, then ignoring case); ``None`` if absent."""
        for option in self.options:
            if option.label == label:
                return option.value
        folded = label.casefold().strip()
        for option in self.options:
            if option.label.casefold().strip() == folded:
                return option.value
        return None

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in order."""
        return tuple(o.label for o in self.options)


@attrs.frozen(kw_only=True)
class MetricCriterion:
    """A practice judged from a metric observation instead of an answer.

    Met when the observation is at least (``better="higher"``) or at most
    (``better="lower"``) the threshold.

    >>> c = MetricCriterion(name="unit_test_coverage_pct", unit="%", threshold=80)
    >>> c.is_met(85.0), c.is_met(79.9)
    (True, False)
    """

    name: str
    threshold: float
    better: Literal["higher", "lower"] = "higher"
    unit: str = ""

    def is_met(self, value: float) -> bool:
        """Whether an observed value meets the threshold."""
        return value >= self.threshold if self.better == "higher" else value <= self.threshold


@attrs.frozen(kw_only=True)
class Practice:
    """One requirement of one capability item at one level: the unit of evidence.

    :param id: unique in the model.
    :param level: the scale level this practice belongs to.
    :param text: the requirement, in words.
    :param weight: its weight in the level's mean (> 0).
    :param mandatory: a staircase level is not reached unless this practice is fully met.
    :param answer_set: id of the model's answer set whose labels answer this practice.
    :param requires: prerequisites: practice ids, or ``"item-id@L"`` for every practice of
        an item at levels ``<= L``.
    :param metric: judge the practice from a metric observation.
    :param effort: relative effort to implement it (used to order roadmaps).
    :param key: a stable external identifier (DSOMM uuid, SAMM id), unique in the model.
    :param replaces: ids or keys of earlier versions that this practice continues.

    >>> Practice(id="vcs.3.1", level=3, requires=["ci@2"]).requires
    ('ci@2',)
    """

    id: str
    key: str | None = None
    replaces: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    level: int
    text: str = ""
    weight: float = 1.0
    mandatory: bool = False
    answer_set: str | None = None
    requires: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    metric: MetricCriterion | None = None
    effort: float | None = None


@attrs.frozen(kw_only=True)
class CapabilityItem:
    """A leaf of the model tree, rated on the scale from its practices.

    ``name`` defaults to the id; ``rule`` overrides the model's item rule; ``key`` and
    ``replaces`` are as for :class:`Practice`.

    >>> CapabilityItem(id="vcs", practices=[Practice(id="vcs.1", level=1)]).name
    'vcs'
    """

    id: str
    key: str | None = None
    replaces: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    description: str = ""
    weight: float = 1.0
    rule: ItemRule | None = None
    practices: tuple[Practice, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen(kw_only=True)
class Domain:
    """An inner node of the model tree: holds domains and/or capability items.

    ``rule`` overrides the model's domain rule; ``key`` and ``replaces`` as for items.

    >>> Domain(id="cm", name="Configuration management").children
    ()
    """

    id: str
    key: str | None = None
    replaces: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    description: str = ""
    weight: float = 1.0
    rule: AggregationRule | None = None
    domains: tuple[Domain, ...] = attrs.field(default=(), converter=_tuple)
    items: tuple[CapabilityItem, ...] = attrs.field(default=(), converter=_tuple)

    @property
    def children(self) -> tuple[Domain | CapabilityItem, ...]:
        """Sub-domains first, then items, each in document order."""
        return (*self.domains, *self.items)


Node = Domain | CapabilityItem


@attrs.frozen(kw_only=True)
class ModelRules:
    """The model-wide default rules for items and for domains (and the root).

    >>> ModelRules()
    ModelRules(item=Staircase(threshold=1.0), domain=Mean(level='min'))
    """

    item: ItemRule = attrs.field(factory=Staircase)
    domain: AggregationRule = attrs.field(factory=Mean)


def parse_requirement(text: str) -> tuple[str, int | None]:
    """Split a ``requires`` entry into ``(id, level)``; level is ``None`` for a practice id.

    The level must be written in ASCII digits (``"ci@³"`` is no level); anything else
    with an ``@`` comes back with level ``None``, and :func:`maturity_model.check` reports
    it as an ``invalid-value``.

    >>> parse_requirement("cm.ci.frequency@2")
    ('cm.ci.frequency', 2)
    >>> parse_requirement("cm.vc.vcs.2.1")
    ('cm.vc.vcs.2.1', None)
    >>> parse_requirement("ci@³"), parse_requirement("@3"), parse_requirement("ci@-1")
    (('ci@³', None), ('@3', None), ('ci', -1))
    """
    target, sep, level = text.rpartition(ITEM_LEVEL_SEPARATOR)
    if sep and target and _LEVEL.fullmatch(level):
        return target, int(level)
    return text, None


def _set_once(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> Any:
    # Two threads may compute a slot at once: the first value stays, and being derived
    # from the same immutable model, the second is equal to it.
    current = getattr(instance, attribute.name, None)
    return value if current is None else current


@attrs.define(slots=True, kw_only=True)
class ModelIndex:
    """What is derived from one model object, each part built once, on first use.

    The lookups (``nodes`` .. ``domains``) are built with the index. The other slots start
    as ``None`` and are filled once by the module that computes them (dependency graph,
    validation, batch compiler); filling a slot twice is an error, so a cached value can
    never change under a reader. A model is immutable, so the index never goes stale.
    """

    nodes: Mapping[str, Node] = attrs.field(on_setattr=attrs.setters.frozen)
    practices: Mapping[str, Practice] = attrs.field(on_setattr=attrs.setters.frozen)
    item_of: Mapping[str, str] = attrs.field(on_setattr=attrs.setters.frozen)
    parent_of: Mapping[str, str] = attrs.field(on_setattr=attrs.setters.frozen)
    node_paths: Mapping[str, str] = attrs.field(on_setattr=attrs.setters.frozen)
    practice_paths: Mapping[str, str] = attrs.field(on_setattr=attrs.setters.frozen)
    items: tuple[CapabilityItem, ...] = attrs.field(on_setattr=attrs.setters.frozen)
    domains: tuple[Domain, ...] = attrs.field(on_setattr=attrs.setters.frozen)
    #: ``(practice id, requirement as written, its practice ids)`` (graph.py).
    expanded_requirements: tuple[tuple[str, str, tuple[str, ...]], ...] | None = attrs.field(
        default=None, on_setattr=_set_once)
    #: practice id → direct prerequisite ids (graph.py).
    requirements: Mapping[str, tuple[str, ...]] | None = attrs.field(
        default=None, on_setattr=_set_once)
    #: every practice id, prerequisites first (graph.py).
    topological_order: tuple[str, ...] | None = attrs.field(
        default=None, on_setattr=_set_once)
    #: the graph with one node per ``item@L`` that cycles and the order are computed on
    #: (_dependencies.py; node → the nodes it requires).
    compact_graph: Any = attrs.field(default=None, on_setattr=_set_once)
    #: the networkx view of the practice graph (graph.py; typed loosely: networkx is
    #: not imported here).
    nx_graph: Any = attrs.field(default=None, on_setattr=_set_once)
    #: the error-level problems of the model (validation.py, serialization.py).
    errors: tuple[Problem, ...] | None = attrs.field(default=None, on_setattr=_set_once)
    #: the compiled per-row scoring plan of the object engine (scoring.py).
    row_plan: Any = attrs.field(default=None, on_setattr=_set_once)


def _build_index(model: MaturityModel) -> ModelIndex:
    nodes: dict[str, Node] = {}
    practices: dict[str, Practice] = {}
    item_of: dict[str, str] = {}
    parent_of: dict[str, str] = {}
    node_paths: dict[str, str] = {}
    practice_paths: dict[str, str] = {}
    items: list[CapabilityItem] = []
    domains: list[Domain] = []
    # Iterative pre-order walk: deep trees must not hit the recursion limit.
    stack: list[tuple[Node, str, str]] = [
        (d, f"$.domains[{i}]", model.id) for i, d in reversed(list(enumerate(model.domains)))
    ]
    while stack:
        node, path, parent = stack.pop()
        nodes.setdefault(node.id, node)
        node_paths.setdefault(node.id, path)
        parent_of.setdefault(node.id, parent)
        if isinstance(node, Domain):
            domains.append(node)
            pending: list[tuple[Node, str, str]] = [
                (d, f"{path}.domains[{i}]", node.id) for i, d in enumerate(node.domains)
            ]
            pending += [(it, f"{path}.items[{i}]", node.id) for i, it in enumerate(node.items)]
            stack.extend(reversed(pending))
        else:
            items.append(node)
            for j, practice in enumerate(node.practices):
                practices.setdefault(practice.id, practice)
                item_of.setdefault(practice.id, node.id)
                practice_paths.setdefault(practice.id, f"{path}.practices[{j}]")
    return ModelIndex(nodes=nodes, practices=practices, item_of=item_of, parent_of=parent_of,
                  node_paths=node_paths, practice_paths=practice_paths, items=tuple(items),
                  domains=tuple(domains))


@attrs.frozen(kw_only=True)
class MaturityModel:
    """One versioned maturity model: a level scale, a tree of domains, scoring rules.

    :param id: the model id (``caict-devops-cd``); also the id of the root result.
    :param name: a display name.
    :param version: the model version (``"2021"``).
    :param scale: the :class:`~maturity_model.LevelScale`.
    :param rules: default item and domain rules (:class:`ModelRules`).
    :param dependencies: what an unmet prerequisite does: ``"ignore"``, ``"report"``
        (default) or ``"enforce"``.
    :param answer_sets: labelled answer scales practices may refer to.
    :param domains: the top-level domains.
    :param metadata: free-form strings (source, license, ...).

    Lookups by id: :meth:`node`, :meth:`item`, :meth:`domain`, :meth:`practice`; iteration
    in document order: :meth:`items`, :meth:`domains_preorder`, :meth:`practices`.
    """

    id: str
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True))
    version: str = ""
    description: str = ""
    scale: LevelScale = attrs.field(factory=lambda: LevelScale.range(1, 5))
    rules: ModelRules = attrs.field(factory=ModelRules)
    dependencies: DependencyPolicy = "report"
    answer_sets: tuple[AnswerSet, ...] = attrs.field(default=(), converter=_tuple)
    domains: tuple[Domain, ...] = attrs.field(default=(), converter=_tuple)
    metadata: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_str_map,
                                             hash=False)
    # Holds only the ModelIndex (under "index"); read it through ``_index``.
    _cache: dict[str, Any] = attrs.field(init=False, factory=dict, eq=False, repr=False,
                                         hash=False)

    @property
    def _index(self) -> ModelIndex:
        index: ModelIndex | None = self._cache.get("index")
        if index is None:
            index = self._cache["index"] = _build_index(self)
        return index

    # lookups ----------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        """The domain or item with this id.

        :raises UnknownNodeError: no such node.
        """
        try:
            return self._index.nodes[node_id]
        except KeyError:
            raise UnknownNodeError(node_id, "node") from None

    def item(self, item_id: str) -> CapabilityItem:
        """The capability item with this id.

        :raises UnknownNodeError: no such item.
        """
        node = self._index.nodes.get(item_id)
        if not isinstance(node, CapabilityItem):
            raise UnknownNodeError(item_id, "capability item")
        return node

    def domain(self, domain_id: str) -> Domain:
        """The domain with this id.

        :raises UnknownNodeError: no such domain.
        """
        node = self._index.nodes.get(domain_id)
        if not isinstance(node, Domain):
            raise UnknownNodeError(domain_id, "domain")
        return node

    def practice(self, practice_id: str) -> Practice:
        """The practice with this id.

        :raises UnknownNodeError: no such practice.
        """
        try:
            return self._index.practices[practice_id]
        except KeyError:
            raise UnknownNodeError(practice_id, "practice") from None

    def item_of(self, practice_id: str) -> CapabilityItem:
        """The item a practice belongs to."""
        try:
            return self.item(self._index.item_of[practice_id])
        except KeyError:
            raise UnknownNodeError(practice_id, "practice") from None

    def parent_of(self, node_id: str) -> str:
        """The id of a node's parent: a domain id, or the model id for top-level domains."""
        try:
            return self._index.parent_of[node_id]
        except KeyError:
            raise UnknownNodeError(node_id, "node") from None

    def answer_set(self, answer_set_id: str) -> AnswerSet:
        """The answer set with this id.

        :raises UnknownNodeError: no such answer set.
        """
        for answer_set in self.answer_sets:
            if answer_set.id == answer_set_id:
                return answer_set
        raise UnknownNodeError(answer_set_id, "answer set")

    def __contains__(self, node_id: object) -> bool:
        index = self._index
        return node_id in index.nodes or node_id in index.practices

    # iteration ----------------------------------------------------------------------

    def items(self) -> tuple[CapabilityItem, ...]:
        """Every capability item, in document order."""
        return self._index.items

    def domains_preorder(self) -> tuple[Domain, ...]:
        """Every domain, parents before children, in document order."""
        return self._index.domains

    def practices(self) -> Iterator[Practice]:
        """Every practice, in document order."""
        for item in self._index.items:
            yield from item.practices

    def node_ids(self) -> tuple[str, ...]:
        """Every node id (domains and items), parents before children."""
        return tuple(self._index.nodes)

    def item_rule(self, item: CapabilityItem) -> ItemRule:
        """The rule that scores ``item``: its own, else the model's default."""
        return item.rule if item.rule is not None else self.rules.item

    def metric_names(self) -> tuple[str, ...]:
        """Every metric the model reads (metric-bands items, practice criteria), in order."""
        names: dict[str, None] = {}
        for item in self.items():
            rule = self.item_rule(item)
            if isinstance(rule, MetricBands):
                names.setdefault(rule.metric, None)
            for practice in item.practices:
                if practice.metric is not None:
                    names.setdefault(practice.metric.name, None)
        return tuple(names)

    def domain_rule(self, domain: Domain | None) -> AggregationRule:
        """The rule that aggregates ``domain`` (``None`` for the root)."""
        if domain is not None and domain.rule is not None:
            return domain.rule
        return self.rules.domain

    def path_of(self, node_or_practice_id: str) -> str:
        """The JSON path of a node or practice in the model document (``$.domains[0]...``)."""
        index = self._index
        if node_or_practice_id in index.node_paths:
            return index.node_paths[node_or_practice_id]
        if node_or_practice_id in index.practice_paths:
            return index.practice_paths[node_or_practice_id]
        raise UnknownNodeError(node_or_practice_id, "node or practice")

    def practices_up_to(self, item_id: str, level: int) -> tuple[str, ...]:
        """Ids of an item's practices at levels ``<= level`` (what ``item@level`` means)."""
        return tuple(p.id for p in self.item(item_id).practices if p.level <= level)

    def _repr_html_(self) -> str:
        return str(formatter("model_html")(self))

    def __repr__(self) -> str:
        return (f"MaturityModel(id={self.id!r}, version={self.version!r}, "
                f"domains={len(self._index.domains)}, items={len(self._index.items)}, "
                f"practices={len(self._index.practices)})")
