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

from collections.abc import Iterator, Mapping
from typing import Any, Final, Literal

import attrs

from maturity_model._display_registry import formatter
from maturity_model.errors import Problem, UnknownNodeError
from maturity_model.languages import (
    DEFAULT_LANGUAGE,
    TEXT,
    as_text,
    in_language,
    is_text_field,
)
from maturity_model.levels import LevelScale
from maturity_model.nodes import (
    AnswerOption,
    AnswerSet,
    CapabilityItem,
    Domain,
    MetricCriterion,
    ModelRules,
    Node,
    Practice,
    _frozen_str_map,
    _tuple,
    parse_requirement,
)
from maturity_model.rules import AggregationRule, ItemRule, MetricBands

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
    #: a practice id's look-alike key → the practice id (evidence.py, for "did you mean").
    confusable_keys: Mapping[str, str] | None = attrs.field(default=None,
                                                           on_setattr=_set_once)
    #: the practices marked ``evidence: required`` (:mod:`maturity_model.evidence`).
    evidence_required: tuple[Practice, ...] | None = attrs.field(default=None,
                                                                 on_setattr=_set_once)


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
    :param language: the BCP 47 tag of the model's default language (``"en"``); every
        text written as a mapping has a text in it.
    :param languages: the languages the model is written in, when it says.
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
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True),
                            converter=as_text, metadata=TEXT)
    version: str = ""
    description: str = attrs.field(default="", converter=as_text, metadata=TEXT)
    language: str = DEFAULT_LANGUAGE
    languages: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
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

    # texts -------------------------------------------------------------------------

    def text(self, node_id: str, field: str = "name", lang: str | None = None) -> str:
        """A text of the model, a node or a practice in a language, with fallback.

        :param node_id: the model id, a domain, item or practice id.
        :param field: ``"name"``, ``"description"`` or (practices) ``"text"``.
        :param lang: a BCP 47 tag; the model's ``language`` when omitted. A lookup
            tries ``lang``, then it without region or script (``zh-Hans`` → ``zh``),
            then the model's language.
        :raises UnknownNodeError: no such node or practice.
        :raises ValueError: the node has no such text field.

        >>> from maturity_model import CapabilityItem, Domain, MaturityModel
        >>> m = MaturityModel(id="m", language="en", domains=[Domain(id="cm", name={
        ...     "en": "Configuration management", "zh": "配置管理"})])
        >>> m.text("cm", lang="zh-Hans"), m.text("cm"), m.text("cm", lang="fr")
        ('配置管理', 'Configuration management', 'Configuration management')
        """
        owner: Any = self if node_id == self.id else (
            self._index.nodes.get(node_id) or self.practice(node_id))
        fields = {f.name for f in attrs.fields(type(owner)) if is_text_field(f)}
        if field not in fields:
            raise ValueError(f"{node_id!r} has no text field {field!r}; it has "
                             f"{', '.join(sorted(fields))}")
        return in_language(getattr(owner, field), lang or self.language, self.language)

    def level_name(self, value: int, lang: str | None = None) -> str:
        """The scale's name of level ``value`` in a language (see :meth:`text`).

        >>> from maturity_model import Level, LevelScale, MaturityModel
        >>> m = MaturityModel(id="m", scale=LevelScale([Level(value=1, name={
        ...     "en": "Initial", "zh": "初始级"})]))
        >>> m.level_name(1, lang="zh"), m.level_name(0, lang="zh")
        ('初始级', '低于 1 级')
        """
        return self.scale.name(value, lang=lang or self.language, default=self.language)

    def _repr_html_(self) -> str:
        return str(formatter("model_html")(self))

    def __repr__(self) -> str:
        return (f"MaturityModel(id={self.id!r}, version={self.version!r}, "
                f"domains={len(self._index.domains)}, items={len(self._index.items)}, "
                f"practices={len(self._index.practices)})")
