"""Scoring rules: item rules and aggregation rules.

Item rules turn the practices of one item into the item's result; aggregation rules turn
child results into a domain's result.

A rule is a frozen, serializable object with a fixed ``kind`` tag, the name it has in
model files (``{kind: staircase, threshold: 0.8}``). The semantics are those of DESIGN §2:

- :class:`Staircase` — the highest level ``L`` such that every level ``<= L`` is vacuous or
  has a mean answer of at least ``threshold`` and every mandatory practice up to ``L`` is
  met; ``score = level + m(next)``.
- :class:`LevelSum` — ``score = Σ m(L)`` over the non-vacuous levels ``>= 1``; level as
  ``Staircase(1.0)``.
- :class:`MetricBands` — the level whose published band an observation falls in.
- :class:`Iso33020` — ISO/IEC 33020 process capability from rated process attributes.
- :class:`Mean`, :class:`Minimum`, :class:`Quantile`, :class:`Sum` — aggregations.

Your own rule is any frozen attrs class with a ``kind`` class variable and an
``evaluate_item`` (item rule) or ``aggregate`` (aggregation rule) method; register it on a
:class:`RuleRegistry` you pass to :func:`maturity_model.load_model`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from maturity_model._aggregation_rules import (
    Mean,
    Minimum,
    Quantile,
    Sum,
    quantile_linear,
    quantile_lower,
)
from maturity_model._rule_base import (
    AggregationRule,
    Better,
    ChildOutcome,
    ItemEvidence,
    ItemRule,
    LevelEvidence,
    Outcome,
    PracticeColumns,
    PracticeEvidence,
)
from maturity_model._rule_iso33020 import Iso33020

__all__ = [
    "AggregationRule",
    "ChildOutcome",
    "Iso33020",
    "ItemEvidence",
    "ItemRule",
    "LevelEvidence",
    "LevelSum",
    "Mean",
    "MetricBands",
    "Minimum",
    "Outcome",
    "PracticeColumns",
    "PracticeEvidence",
    "Quantile",
    "RuleRegistry",
    "Staircase",
    "Sum",
    "default_registry",
    "default_rule_registry",
    "quantile_linear",
    "quantile_lower",
]

# --------------------------------------------------------------------------- item rules


def staircase_level(evidence: ItemEvidence, threshold: float) -> int:
    """The staircase level: highest ``L`` whose levels ``<= L`` all qualify; 0 if none."""
    means, vacuous, mandatory, first = level_columns(evidence)
    return int(climb(means, vacuous, mandatory, threshold, first)[0])


def level_columns(evidence: ItemEvidence) -> tuple[list[float], list[bool], list[bool], int]:
    """An item's levels as the kernels read them.

    :returns: means (0 where vacuous, plus a last 0 for "above the top"), vacuous flags,
        mandatory flags, and the first scale value.
    """
    means = [0.0 if lv.mean is None else lv.mean for lv in evidence.levels]
    means.append(0.0)
    return (means, [lv.mean is None for lv in evidence.levels],
            [lv.mandatory_met for lv in evidence.levels],
            evidence.levels[0].level if evidence.levels else 0)


# The kernels below use only arithmetic and comparison operators, ``&`` and ``|``: the
# object engine runs them on one assessment's floats and bools, the batch engine on
# numpy arrays that hold every assessment (and every item of one rule) at once. One
# definition, so the two engines agree to the bit by construction.


def climb(means: Sequence[Any], vacuous: Sequence[Any], mandatory: Sequence[Any],
          threshold: Any, first: int) -> tuple[Any, Any]:
    """The staircase level, and the mean of the level above it.

    A level qualifies when it is vacuous or its mean is at least ``threshold`` (the float
    as computed, as DESIGN §2 writes ``m(l) >= threshold``: no allowance for rounding),
    and its mandatory practices are met; the level is how far the
    qualifying levels reach from the bottom. The second value is ``m(level + 1)``: 0 where
    vacuous and above the top (``means`` ends with that 0).

    ``means[count]`` reads the mean at position ``count``: the batch engine passes a
    sequence whose items are columns and which, given an array of positions, picks one
    element per assessment.

    >>> climb([1.0, 1.0, 0.6, 0.0, 0.0], [False] * 4, [True] * 4, 1.0, 1)
    (2, 0.6)
    """
    count: Any = 0
    climbing: Any = True
    for k in range(len(vacuous)):
        qualifies = means[k] >= threshold
        if vacuous[k] is not False:  # a constant False or True changes nothing: skip it
            qualifies = qualifies | vacuous[k]
        if mandatory[k] is not True:
            qualifies = qualifies & mandatory[k]
        climbing = climbing & qualifies
        count += climbing  # in place on an array (a new one on the first level)
    # ``count`` levels qualify from the bottom: the first one that does not (or the 0 above
    # the top) is the one above the result. On a 0-based scale whose level 0 fails, the
    # result is 0 and the one above it is 1.
    following = means[count if first else count + (count < 1)]
    return (count if first == 1 else count - (count > 0)), following


def bands_kernel(observed: Any, bounds: Mapping[int, float], lower_is_better: bool) -> Any:
    """The :class:`MetricBands` level of an observation (0 when it meets no band)."""
    best: Any = 0
    for level, bound in bounds.items():
        met = (observed <= bound) if lower_is_better else (observed >= bound)
        best = best + (met & (level > best)) * (level - best)
    return best


@attrs.frozen(kw_only=True)
class Staircase:
    """CAICT, CMMI, SAMM 1.x: levels are climbed in order, each needing ``threshold``.

    ``level`` is the highest scale level ``L`` such that every level ``<= L`` is vacuous or
    has ``m(l) >= threshold`` and every mandatory practice at levels ``<= L`` is fully met
    (0 when none qualifies); ``score = level + m(level + 1)`` (0 for a vacuous next level,
    ``score = level`` at the top).

    >>> ev = ItemEvidence(item_id="vcs", assessed=True, levels=(
    ...     LevelEvidence(level=1, mean=1.0), LevelEvidence(level=2, mean=1.0),
    ...     LevelEvidence(level=3, mean=0.6), LevelEvidence(level=4, mean=0.0),
    ...     LevelEvidence(level=5, mean=None)))
    >>> Staircase().evaluate_item(ev)
    Outcome(score=2.6, level=2)
    """

    kind: ClassVar[str] = "staircase"
    threshold: float = 1.0

    def evaluate_levels(self, means: Sequence[Any], vacuous: Sequence[Any],
                        mandatory: Sequence[Any], first: int) -> tuple[Any, Any]:
        """``(score, level)`` from level columns: the definition both engines run."""
        level, following = climb(means, vacuous, mandatory, self.threshold, first)
        return level + following, level

    def evaluate_item(self, evidence: ItemEvidence) -> Outcome | None:
        """Score one item by the staircase rule."""
        if not evidence.assessed:
            return None
        score, level = self.evaluate_levels(*level_columns(evidence))
        return Outcome(score=score, level=int(level))


@attrs.frozen(kw_only=True)
class LevelSum:
    """SAMM 2 streams: the score is the sum of ``m(L)`` over non-vacuous levels ``>= 1``.

    No gating: a level-3 answer counts when level 1 is not met. The level is that of
    ``Staircase(threshold=1.0)``.

    >>> ev = ItemEvidence(item_id="G-SM-A", assessed=True, levels=(
    ...     LevelEvidence(level=0, mean=None), LevelEvidence(level=1, mean=0.25),
    ...     LevelEvidence(level=2, mean=0.5), LevelEvidence(level=3, mean=0.0)))
    >>> LevelSum().evaluate_item(ev)
    Outcome(score=0.75, level=0)
    """

    kind: ClassVar[str] = "level-sum"

    def evaluate_levels(self, means: Sequence[Any], vacuous: Sequence[Any],
                        mandatory: Sequence[Any], first: int) -> tuple[Any, Any]:
        """``(score, level)`` from level columns: the definition both engines run."""
        total: Any = 0.0
        for k in range(1 - first, len(vacuous)):  # the levels >= 1; vacuous ones add 0
            total = total + means[k]
        return total, climb(means, vacuous, mandatory, 1.0, first)[0]

    def evaluate_item(self, evidence: ItemEvidence) -> Outcome | None:
        """Score one item by summing its level means."""
        if not evidence.assessed:
            return None
        score, level = self.evaluate_levels(*level_columns(evidence))
        return Outcome(score=score, level=int(level))


def _bounds_converter(bounds: Mapping[int, float] | Iterable[tuple[int, float]]) -> Mapping[
    int, float
]:
    items = bounds.items() if isinstance(bounds, Mapping) else bounds
    return MappingProxyType(dict(sorted((int(k), v) for k, v in items)))


@attrs.frozen(kw_only=True)
class MetricBands:
    """DORA-style bands: the item's level is the highest level whose bound the observation meets.

    With ``better="lower"`` an observation meets a bound when it is at most the bound,
    with ``better="higher"`` when it is at least the bound. No band met: level 0. The
    score equals the level. No observation: not assessed. A value in a gap between
    published bands falls to the next level down; nothing invents a band.

    >>> rule = MetricBands(metric="lead_time_hours", better="lower",
    ...                    bounds={4: 1, 3: 168, 2: 4320})
    >>> ev = ItemEvidence(item_id="lt", assessed=False, levels=(),
    ...                   observations={"lead_time_hours": 72.0})
    >>> rule.evaluate_item(ev)
    Outcome(score=3.0, level=3)
    """

    kind: ClassVar[str] = "metric-bands"
    metric: str
    better: Better = "higher"
    bounds: Mapping[int, float] = attrs.field(converter=_bounds_converter, hash=False)

    def level_for(self, value: Any) -> Any:
        """The level an observed value (or an array of them) reaches; 0 when none is met.

        The definition both engines run.
        """
        return bands_kernel(value, self.bounds, self.better == "lower")

    def next_bound(self, level: int) -> float | None:
        """The bound of the lowest band above ``level`` (``None`` above the last band).

        >>> MetricBands(metric="m", better="lower", bounds={4: 1, 3: 168}).next_bound(3)
        1.0
        """
        above = [lv for lv in self.bounds if lv > level]
        return float(self.bounds[min(above)]) if above else None

    def evaluate_item(self, evidence: ItemEvidence) -> Outcome | None:
        """Score one item from its metric observation."""
        value = evidence.observations.get(self.metric)
        if value is None:
            return None
        level = int(self.level_for(value))
        return Outcome(score=float(level), level=level)


# --------------------------------------------------------------------------- registry

BUILTIN_ITEM_RULES: tuple[type[Any], ...] = (Staircase, LevelSum, MetricBands, Iso33020)
BUILTIN_AGGREGATION_RULES: tuple[type[Any], ...] = (Mean, Minimum, Quantile, Sum)


class RuleRegistry:
    """Which rule class each ``kind`` tag of a model file stands for.

    Start from :func:`default_rule_registry`, add your own rule classes, and pass the registry to
    :func:`maturity_model.load_model`. Nothing is registered globally.

    >>> import attrs
    >>> @attrs.frozen
    ... class Best:
    ...     kind = "best"
    ...     def aggregate(self, children):
    ...         top = max(children, key=lambda c: c.score)
    ...         return Outcome(score=top.score, level=top.level)
    >>> registry = default_rule_registry()
    >>> registry.register(Best)
    >>> sorted(registry.aggregation_kinds)
    ['best', 'mean', 'minimum', 'quantile', 'sum']
    """

    def __init__(self, item_rules: Iterable[type[Any]] = (),
                 aggregation_rules: Iterable[type[Any]] = ()) -> None:
        self._item: dict[str, type[Any]] = {}
        self._aggregation: dict[str, type[Any]] = {}
        for cls in item_rules:
            self.register(cls)
        for cls in aggregation_rules:
            self.register(cls)

    def register(self, cls: type[Any]) -> None:
        """Add a rule class; its role (item or aggregation) is read from its methods.

        :raises TypeError: the class is not an attrs class, has no ``kind`` string, or
            has neither ``evaluate_item`` nor ``aggregate``.
        :raises ValueError: the kind is already registered for another class.
        """
        kind = getattr(cls, "kind", None)
        if not isinstance(kind, str) or not kind:
            raise TypeError(f"{cls.__name__} needs a class variable 'kind' (a string)")
        if not attrs.has(cls):
            raise TypeError(f"{cls.__name__} must be an attrs class (attrs.frozen)")
        if hasattr(cls, "evaluate_item"):
            table = self._item
        elif hasattr(cls, "aggregate"):
            table = self._aggregation
        else:
            raise TypeError(f"{cls.__name__} has neither 'evaluate_item' nor 'aggregate'")
        if table.get(kind, cls) is not cls:
            raise ValueError(f"rule kind {kind!r} is already registered")
        table[kind] = cls

    @property
    def item_kinds(self) -> Mapping[str, type[Any]]:
        """Item rule classes by kind."""
        return MappingProxyType(self._item)

    @property
    def aggregation_kinds(self) -> Mapping[str, type[Any]]:
        """Aggregation rule classes by kind."""
        return MappingProxyType(self._aggregation)

    def copy(self) -> RuleRegistry:
        """A registry with the same rules, to extend without touching this one."""
        return RuleRegistry(self._item.values(), self._aggregation.values())

    def signature(self) -> tuple[tuple[str, type[Any]], ...]:
        """A hashable summary, used to cache converters per set of rules."""
        return tuple(sorted({**self._item, **self._aggregation}.items(),
                            key=lambda kv: kv[0]))

    def __iter__(self) -> Iterator[type[Any]]:
        yield from self._item.values()
        yield from self._aggregation.values()


def default_rule_registry() -> RuleRegistry:
    """A new registry holding the built-in rules (a fresh object each call).

    >>> sorted(default_rule_registry().item_kinds)
    ['iso33020', 'level-sum', 'metric-bands', 'staircase']
    """
    return RuleRegistry(BUILTIN_ITEM_RULES, BUILTIN_AGGREGATION_RULES)


def default_registry() -> RuleRegistry:
    """Deprecated name of :func:`default_rule_registry` (it read like a registry of standards).

    :deprecated: call :func:`default_rule_registry`; this alias warns and will go.
    """
    import warnings

    warnings.warn("maturity_model.default_registry() is deprecated: call "
                  "default_rule_registry() (the rule registry; standards.default_registry "
                  "is the registry of standards)", DeprecationWarning, stacklevel=2)
    return default_rule_registry()
