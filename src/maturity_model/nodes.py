"""The parts of a maturity model: answer sets, practices, capability items and domains.

Each is a frozen attrs class holding tuples; :class:`maturity_model.MaturityModel` (in
:mod:`maturity_model.model`) puts them together and indexes them. They are importable from
the package, from :mod:`maturity_model.model` and from here.

>>> from maturity_model.nodes import CapabilityItem, Practice
>>> item = CapabilityItem(id="ci", practices=[Practice(id="ci.1", level=1)])
>>> item.name, item.practices[0].weight
('ci', 1.0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from maturity_model.ids import ITEM_LEVEL_SEPARATOR
from maturity_model.languages import TEXT, LocalText, as_text
from maturity_model.rules import AggregationRule, ItemRule, Mean, Staircase

__all__ = [
    "AnswerOption",
    "AnswerSet",
    "CapabilityItem",
    "Domain",
    "MetricCriterion",
    "ModelRules",
    "Node",
    "Practice",
    "parse_requirement",
    "walk",
]


# ASCII digits only: int() also reads "³" and "٣", which no one writes as a level.
_LEVEL: Final = re.compile(r"-?[0-9]+")


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


def _frozen_str_map(values: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(values or {}))


def _refs(values: Mapping[str, Iterable[str]] | None) -> Mapping[str, tuple[str, ...]]:
    # A lone string is one id, not a sequence of one-letter ids.
    return MappingProxyType({
        scheme: (ids,) if isinstance(ids, str) else tuple(ids)
        for scheme, ids in (values or {}).items()})


def _spellings(text: str) -> tuple[str, ...]:
    if isinstance(text, LocalText) and text.texts:
        return (str(text), *text.texts.values())
    return (text,)


@attrs.frozen(kw_only=True)
class AnswerOption:
    """One label of an answer set and the value it stands for.

    >>> AnswerOption(label="Yes, for some applications", value=0.25).value
    0.25
    """

    label: str = attrs.field(converter=as_text, metadata=TEXT)
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
        """The value of ``label`` (exact match first, then ignoring case); ``None`` if absent.

        A label matches in any of the languages it is written in.
        """
        for option in self.options:
            if label in _spellings(option.label):
                return option.value
        folded = label.casefold().strip()
        for option in self.options:
            if any(s.casefold().strip() == folded for s in _spellings(option.label)):
                return option.value
        return None

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, in order (in the default language)."""
        return tuple(str(o.label) for o in self.options)


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
    :param refs: references into other standards: a scheme name (``samm2``,
        ``iso27001-2022``) → the ids this practice cites there; read-only.
    :param tags: free labels (implementation groups, topics), in order.
    :param evidence: ``"required"``: an answer counts only with an evidence record (else
        it is scored as unknown).
    :param evidence_max_age_months: with ``evidence="required"``: only evidence dated
        within this many calendar months of the scoring date counts.

    >>> Practice(id="vcs.3.1", level=3, requires=["ci@2"]).requires
    ('ci@2',)
    >>> Practice(id="a.1", level=1, evidence="required", evidence_max_age_months=12).evidence
    'required'
    >>> p = Practice(id="sb.1", level=1, refs={"samm2": ["I-SB-A-1"]}, tags=["build"])
    >>> p.refs["samm2"], p.tags
    (('I-SB-A-1',), ('build',))
    """

    id: str
    key: str | None = None
    replaces: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    level: int
    text: str = attrs.field(default="", converter=as_text, metadata=TEXT)
    weight: float = 1.0
    mandatory: bool = False
    answer_set: str | None = None
    requires: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    metric: MetricCriterion | None = None
    effort: float | None = None
    refs: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_refs,
                                                      hash=False)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    evidence: Literal["required"] | None = None
    evidence_max_age_months: int | None = None


@attrs.frozen(kw_only=True)
class CapabilityItem:
    """A leaf of the model tree, rated on the scale from its practices.

    ``name`` defaults to the id; ``rule`` overrides the model's item rule; ``key``,
    ``replaces``, ``refs`` and ``tags`` are as for :class:`Practice`.

    >>> CapabilityItem(id="vcs", practices=[Practice(id="vcs.1", level=1)]).name
    'vcs'
    """

    id: str
    key: str | None = None
    replaces: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True),
                            converter=as_text, metadata=TEXT)
    description: str = attrs.field(default="", converter=as_text, metadata=TEXT)
    weight: float = 1.0
    rule: ItemRule | None = None
    practices: tuple[Practice, ...] = attrs.field(default=(), converter=_tuple)
    refs: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_refs,
                                                      hash=False)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen(kw_only=True)
class Domain:
    """An inner node of the model tree: holds domains and/or capability items.

    ``rule`` overrides the model's domain rule; ``key``, ``replaces``, ``refs`` and
    ``tags`` as for items.

    >>> Domain(id="cm", name="Configuration management").children
    ()
    """

    id: str
    key: str | None = None
    replaces: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    name: str = attrs.field(default=attrs.Factory(lambda self: self.id, takes_self=True),
                            converter=as_text, metadata=TEXT)
    description: str = attrs.field(default="", converter=as_text, metadata=TEXT)
    weight: float = 1.0
    rule: AggregationRule | None = None
    domains: tuple[Domain, ...] = attrs.field(default=(), converter=_tuple)
    items: tuple[CapabilityItem, ...] = attrs.field(default=(), converter=_tuple)
    refs: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_refs,
                                                      hash=False)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple)

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


def walk(domains: Iterable[Domain], path: str = "$") -> Iterator[tuple[Node, str]]:
    """Every domain and item under ``domains``, in document order, with its JSON path.

    Walked with a stack, so a deep tree needs no recursion.

    >>> tree = [Domain(id="d", items=[CapabilityItem(id="i")])]
    >>> [(n.id, p) for n, p in walk(tree)]
    [('d', '$.domains[0]'), ('i', '$.domains[0].items[0]')]
    """
    stack: list[tuple[Node, str]] = [
        (d, f"{path}.domains[{i}]") for i, d in reversed(list(enumerate(domains)))]
    while stack:
        node, where = stack.pop()
        yield node, where
        if isinstance(node, Domain):
            pending: list[tuple[Node, str]] = [
                (d, f"{where}.domains[{i}]") for i, d in enumerate(node.domains)]
            pending += [(it, f"{where}.items[{i}]") for i, it in enumerate(node.items)]
            stack.extend(reversed(pending))
