"""What the object engine builds when read, and what both engines explain with (private).

A scored assessment (:class:`ScoredCells`) keeps its values, statuses, node scores and
levels; a :class:`~maturity_model.Profile` reads its results (:class:`ScoredRow`) and
practice results from it on demand. The dependency findings (:func:`_dependencies`) and
per-practice ratings are shared with the batch engine's profiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from maturity_model._lazy import LazyResults
from maturity_model.evidence import Answer, AnswerDetail, AnswerStatus, _status_of
from maturity_model.model import MaturityModel, Practice
from maturity_model.profile import Blocked, Counts, PracticeResult, Result, Violation
from maturity_model.rules import MetricBands, PracticeEvidence

if TYPE_CHECKING:
    from maturity_model._row_engine import ItemPlan, RowPlan


class _Unknown:
    """The cell of a practice without evidence: scored as 0, counted apart."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
#: One practice of one scored row: its value, ``None`` for N/A, or :data:`UNKNOWN`.
Cell = float | None | _Unknown


def status_of(cell: Cell) -> AnswerStatus:
    """The answer status a cell stands for."""
    if cell is None:
        return "n/a"
    if cell is UNKNOWN:
        return "unknown"
    return _status_of(cell)  # type: ignore[arg-type]


def value_of(cell: Cell) -> float | None:
    """The value a cell is scored with."""
    return 0.0 if cell is UNKNOWN else cell  # type: ignore[return-value]


def item_sums(it: ItemPlan, cells: Sequence[Cell], n_levels: int,
              ) -> tuple[list[float], list[float], bool]:
    """Per level, the weighted sum of the item's values and their weight, N/A left out.

    Summed in document order; also whether any answer is other than N/A and unknown.
    """
    weighted = [0.0] * n_levels
    weights = [0.0] * n_levels
    assessed = False
    for j, k, w in zip(range(it.start, it.stop), it.level_index, it.weights, strict=True):
        v = cells[j]
        if v is None:
            continue
        if v is UNKNOWN:
            v = 0.0
        else:
            assessed = True
        weighted[k] += w * v  # type: ignore[operator]
        weights[k] += w
    return weighted, weights, assessed


def _is_met(value: float | None) -> bool:
    """A prerequisite is met when its value is 1 or it is N/A."""
    return value is None or value >= 1.0


def _dependencies(model: MaturityModel, values: Mapping[str, float | None]) -> tuple[
        dict[str, list[Violation]], dict[str, tuple[str, ...]]]:
    """Violations per practice, and (for ``enforce``) the blockers of blocked practices.

    :param values: every practice's value as answered (``None`` for N/A).
    """
    from maturity_model.graph import expanded_requirements, requirement_map, topological_order

    violations: dict[str, list[Violation]] = {}
    blocked: dict[str, tuple[str, ...]] = {}
    if model.dependencies == "ignore":
        return violations, blocked
    for practice_id, requirement, prerequisites in expanded_requirements(model):
        value = values[practice_id]
        if value is None or value <= 0.0:
            continue
        unmet = tuple(q for q in prerequisites if not _is_met(values[q]))
        if unmet:
            violations.setdefault(practice_id, []).append(
                Violation(practice=practice_id, requirement=requirement, unmet=unmet))
    if model.dependencies == "enforce":
        requirements = requirement_map(model)
        closure_unmet: dict[str, bool] = {}
        for pid in topological_order(model):
            by = tuple(q for q in requirements[pid]
                       if not _is_met(values[q]) or closure_unmet[q])
            closure_unmet[pid] = bool(by)
            if by and values[pid] is not None:
                blocked[pid] = by
    return violations, blocked


def missing_practices(rule: Any, practices: Sequence[Practice], level: int,
                      cells: Sequence[Cell]) -> tuple[str, ...]:
    """The practices that keep an item from ``level`` (a result's ``missing``).

    Those at ``level`` that are not fully met, N/A left out; a rule that knows better (one
    with a ``blocking`` method, such as ``iso33020``, whose level also needs lower
    attributes rated F) names them itself. ``cells`` are the scored cells of
    ``practices``.
    """
    blocking = getattr(rule, "blocking", None)
    if blocking is not None:
        found: tuple[str, ...] = blocking(level, [
            PracticeEvidence(practice_id=p.id, level=p.level, value=value_of(c),
                             status=status_of(c))
            for p, c in zip(practices, cells, strict=True)])
        return found
    return tuple(p.id for p, c in zip(practices, cells, strict=True) if p.level == level
                 and c is not None and (c is UNKNOWN or c < 1.0))  # type: ignore[operator]


def _ratings(model: MaturityModel, answers: Mapping[str, Answer],
             values: Mapping[str, float | None]) -> dict[str, str]:
    """Per-practice ratings of the item rules that rate answers (``rate``), e.g. N/P/L/F."""
    ratings: dict[str, str] = {}
    for item in model.items():
        rate = getattr(model.item_rule(item), "rate", None)
        if rate is None:
            continue
        for p in item.practices:
            rated = rate(PracticeEvidence(practice_id=p.id, level=p.level, value=values[p.id],
                                          status=answers[p.id].status))
            if rated is not None:
                ratings[p.id] = rated
    return ratings


def metric_reading(rule: Any, observations: Mapping[str, float], level: int | None,
                   ) -> tuple[float | None, float | None]:
    """A ``metric-bands`` item's observation and the bound of its next band up."""
    if not isinstance(rule, MetricBands) or rule.metric not in observations:
        return None, None
    return (float(observations[rule.metric]),
            None if level is None else rule.next_bound(level))


class ScoredRow(LazyResults[Result]):
    """One scored assessment's results by node id, each built when first read.

    A result gets its score and level at once, and its coverage, counts and why on the
    first read of any of them, from the assessment's :class:`ScoredCells`.
    """

    __slots__ = ("outcomes", "scored")

    def __init__(self, scored: ScoredCells) -> None:
        # _build is never called: __getitem__ builds.
        self._keys, self._built = scored.plan.result_fields, {}
        self.outcomes, self.scored = scored.outcomes, scored

    def __getitem__(self, key: str) -> Result:
        value = self._built.get(key)
        if value is None:  # in this one frame: a profile's results are read one by one
            fields = self._keys[key].copy()  # what does not depend on the row, and "_node"
            fields["score"], fields["level"] = self.outcomes[fields["_node"]]
            fields["_complete"] = self.scored  # completes it when called
            value = self._built[key] = _new(Result)  # filled as Result's comment says
            _set_dict(value, fields)
        return value


class ScoredCells:
    """One scored assessment's cells and outcomes: what its results are completed from.

    ``answered`` holds each practice's cell as answered, ``cells`` the same after
    ``enforce`` (a blocked practice's value is 0); ``outcomes`` each node's ``(score,
    level)``, items first. Calling it with a result's state completes the result;
    :meth:`practice` builds practice results. It holds no result: a result refers to it,
    and were it to refer back, every profile read would be left to the garbage collector
    as a reference cycle instead of being freed when dropped.
    """

    __slots__ = ("answered", "blocked", "cells", "counts", "details", "gaps", "observations",
                 "outcomes", "plan", "pooled", "violations")

    def __init__(self, plan: RowPlan, answered: list[Cell], cells: list[Cell],
                 outcomes: tuple[tuple[Any, Any], ...], violations: dict[str, list[Violation]],
                 blocked: dict[str, tuple[str, ...]], observations: Mapping[str, float],
                 details: Mapping[str, AnswerDetail], gaps: Mapping[str, str]) -> None:
        # counts and pooled are set when first needed.
        self.plan, self.answered, self.cells, self.outcomes = plan, answered, cells, outcomes
        self.violations, self.blocked, self.observations = violations, blocked, observations
        self.details, self.gaps = details, gaps

    counts: list[list[int]]
    pooled: list[tuple[Sequence[float], Sequence[float]]]

    def _counts(self, k: int) -> Counts:
        if not hasattr(self, "counts"):  # every node at once, children first: no recursion
            plan = self.plan
            counts: list[list[int]] = []
            for it in plan.items:
                tally = [0, 0, 0, 0, 0]  # met, partial, not met, n/a, unknown
                for j in range(it.start, it.stop):
                    answer = self.answered[j]
                    if answer is None:
                        tally[3] += 1
                    elif answer is UNKNOWN:
                        tally[4] += 1
                    else:  # by the value scored: enforcement may have zeroed it
                        v: float = self.cells[j]  # type: ignore[assignment]
                        tally[0 if v >= 1.0 else 1 if v > 0.0 else 2] += 1
                counts.append(tally)
            for node in plan.nodes:
                total = [0, 0, 0, 0, 0]
                for child in node.children:
                    for slot, n in enumerate(counts[child]):
                        total[slot] += n
                counts.append(total)
            self.counts = counts
        met, partial, not_met, na, unknown = self.counts[k]
        return Counts(met=met, partial=partial, not_met=not_met, na=na, unknown=unknown)

    def _pooled(self, k: int) -> tuple[Sequence[float], Sequence[float]]:
        if not hasattr(self, "pooled"):  # every node at once, children first, child by child
            n_levels = len(self.plan.scale_values)
            pooled: list[tuple[Sequence[float], Sequence[float]]] = []
            for it in self.plan.items:
                weighted, weights, _ = item_sums(it, self.cells, n_levels)
                pooled.append((weighted, weights))
            for node in self.plan.nodes:
                weighted = [0.0] * n_levels
                weights = [0.0] * n_levels
                for child in node.children:
                    child_weighted, child_weights = pooled[child]
                    for lv in range(n_levels):
                        weighted[lv] += child_weighted[lv]
                        weights[lv] += child_weights[lv]
                pooled.append((weighted, weights))
            self.pooled = pooled
        return self.pooled[k]

    def __call__(self, state: dict[str, Any]) -> None:
        """Add what a result holds beyond its score and level (a ``Result``'s ``_complete``).

        The scored cells are that function: a result read costs no bound method.
        """
        plan = self.plan
        k = state.get("_node")
        if k is None:  # completed by another thread meanwhile
            return
        weighted, weights = self._pooled(k)
        coverage = MappingProxyType({
            lv: (weighted[i] / weights[i] if weights[i] > 0 else None)
            for i, lv in enumerate(plan.scale_values)})
        level = self.outcomes[k][1]
        missing: tuple[str, ...] = ()
        limited_by: tuple[str, ...] = ()
        violations: tuple[Violation, ...] = ()
        blocked: tuple[Blocked, ...] = ()
        observed = next_bound = None
        if k < len(plan.items):
            it = plan.items[k]
            practices = it.item.practices
            if level is not None and level + 1 in coverage:
                missing = missing_practices(it.rule, practices, level + 1,
                                            self.cells[it.start:it.stop])
            observed, next_bound = metric_reading(it.rule, self.observations, level)
            if self.violations:
                violations = tuple(v for p in practices for v in self.violations.get(p.id, ()))
            if self.blocked:
                blocked = tuple(Blocked(practice=p.id, by=self.blocked[p.id])
                                for p in practices if p.id in self.blocked)
        else:
            node = plan.nodes[k - len(plan.items)]
            levels = {c: self.outcomes[c][1] for c in node.children}
            assessed = [c for c in node.children if levels[c] is not None]
            if assessed:
                lowest = min(levels[c] for c in assessed)
                limited_by = tuple(plan.node_id(c) for c in assessed if levels[c] == lowest)
        state.update(coverage=coverage, counts=self._counts(k), missing=missing,
                     limited_by=limited_by, violations=violations, blocked=blocked,
                     observed=observed, next_bound=next_bound)
        state.pop("_node", None)

    def practice(self, practice_id: str) -> PracticeResult:
        plan = self.plan
        j = plan.column[practice_id]
        p = plan.practices[j]
        it = plan.items[plan.item_of[j]]
        value, status = value_of(self.cells[j]), status_of(self.answered[j])
        rating = None
        rate = getattr(it.rule, "rate", None)
        if rate is not None:
            rating = rate(PracticeEvidence(practice_id=p.id, level=p.level, value=value,
                                           status=status))
        detail = self.details.get(p.id)
        return PracticeResult(practice_id=p.id, item_id=it.item.id, level=p.level,
                              status=status, value=value, weight=p.weight,
                              blocked_by=self.blocked.get(p.id, ()), rating=rating,
                              mandatory=p.mandatory,
                              note=detail.note if detail else "",
                              evidence=detail.evidence if detail else (),
                              evidence_gap=self.gaps.get(p.id))  # type: ignore[arg-type]


_new = object.__new__
#: Sets an instance's ``__dict__`` past a frozen class's ``__setattr__``: the setter of
#: the ``__dict__`` descriptor, called directly (no attribute lookup on the way).
_set_dict = vars(Result)["__dict__"].__set__
