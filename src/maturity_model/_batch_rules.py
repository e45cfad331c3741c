"""The batch engine's rule step: every item and domain by its rule's kernel (private).

Each rule runs once on numpy columns that hold all of its items (or all domains of one
height) and every row: the same ``evaluate_levels`` / ``level_for`` /
``evaluate_columns`` / ``aggregate_columns`` code the object engine runs on floats.
Rules without a kernel (your own) are called row by row through ``evaluate_item`` /
``aggregate``, as the object engine calls them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from maturity_model._aggregation_rules import Ops
from maturity_model._batch_plan import (
    BoolArray,
    DomainGroup,
    FloatArray,
    IntArray,
    Plan,
)
from maturity_model.evidence import _status_of
from maturity_model.rules import (
    ChildOutcome,
    ItemEvidence,
    LevelEvidence,
    PracticeColumns,
    PracticeEvidence,
)


class LevelColumns(Sequence[Any]):
    """Level columns of a rule's items: ``(positions, items, rows)`` read one position at a time.

    An integer position gives that column; an array of positions (one per item and row)
    gives, for each item and row, the element at its own position, which is how
    :func:`maturity_model.rules.climb` reads ``m(level + 1)``.
    """

    def __init__(self, stacked: FloatArray) -> None:
        self._stacked = stacked

    def __len__(self) -> int:
        return int(self._stacked.shape[0])

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, np.ndarray):
            return np.take_along_axis(self._stacked, index[None], axis=0)[0]
        if isinstance(index, slice):
            return [self._stacked[k] for k in range(*index.indices(len(self)))]
        return self._stacked[index]


def level_items(plan: Plan, sums: FloatArray, weights: FloatArray, na: BoolArray | None,
                mandatory: BoolArray | None, means: FloatArray,
                ) -> tuple[FloatArray, FloatArray]:
    """Level and score of every item whose rule reads level means (``evaluate_levels``).

    Each rule runs once on columns holding all of its items and rows: the same code the
    object engine runs on one item's floats.
    """
    levels, n_items, rows = plan.n_levels, len(plan.item_ids), sums.shape[2]
    if na is None:
        safe, vacuous = plan.safe_weights, plan.vacuous
    else:
        vacuous = weights <= 0.0
        safe = np.where(vacuous, 1.0, weights)
    # m(L), 0 where vacuous (what a staircase score and a level sum add for such a level),
    # and a last plane of 0: what the staircase adds at the top of the scale.
    # ``means`` is a work buffer of shape (levels + 1, items, rows).
    means[levels] = 0.0
    np.divide(sums[:levels], safe, out=means[:levels])
    item_levels = np.full((n_items, rows), np.nan)
    item_scores = np.full((n_items, rows), np.nan)
    for group in plan.level_rules:
        chosen: Any = group.span if group.span is not None else group.items
        v = vacuous[:, chosen]
        score, level = group.rule.evaluate_levels(
            LevelColumns(means[:, chosen]),
            [v[k] if v[k].any() else False for k in range(levels)],
            [True] * levels if mandatory is None
            else [mandatory[k, chosen] for k in range(levels)], plan.first)
        item_scores[chosen] = score
        item_levels[chosen] = level
    return item_levels, item_scores


def band_items(plan: Plan, observations: FloatArray | None, scores: FloatArray,
           levels: FloatArray) -> None:
    rows = scores.shape[1]
    for band in plan.bands:
        if observations is None:
            observed = np.full(rows, np.nan)
        else:
            observed = observations[:, band.observation]
        best = np.zeros(rows)
        best += band.rule.level_for(observed)
        best[np.isnan(observed)] = np.nan
        scores[band.item] = best
        levels[band.item] = best


def observations_of(plan: Plan, observations: FloatArray | None, row: int,
                     ) -> MappingProxyType[str, float]:
    if observations is None:
        return MappingProxyType({})
    return MappingProxyType({name: float(observations[row, k])
                             for k, name in enumerate(plan.metric_names)
                             if not np.isnan(observations[row, k])})


def _practices_of(plan: Plan, item: int, values: Any, na: BoolArray | None, x: FloatArray,
                  row: int) -> tuple[PracticeEvidence, ...]:
    """One row's practices of one item, as the object engine gives a rule that reads them."""
    start = int(plan.item_widths[:item].sum())
    evidence = []
    for j, practice in enumerate(plan.model.items()[item].practices, start):
        raw = float(values[row, j])
        if na is not None and na[row, j]:
            status, value = "n/a", None
        elif math.isnan(raw):
            status, value = "unknown", float(x[row, j])
        else:
            status, value = _status_of(raw), float(x[row, j])
        evidence.append(PracticeEvidence(practice_id=practice.id, level=practice.level,
                                         value=value, status=status))
    return tuple(evidence)


def custom_items(plan: Plan, sums: FloatArray, weights: FloatArray,
                  mandatory: BoolArray | None, assessed: BoolArray,
                  observations: FloatArray | None, scores: FloatArray,
                  levels: FloatArray, inputs: tuple[Any, BoolArray | None, FloatArray],
                  ) -> None:
    for item, rule in plan.custom_items:
        reads_practices = getattr(type(rule), "reads_practices", False)
        for row in range(scores.shape[1]):
            means = [None if weights[k, item, min(row, weights.shape[2] - 1)] <= 0.0
                     else float(sums[k, item, row] / weights[k, item,
                                                          min(row, weights.shape[2] - 1)])
                     for k in range(plan.n_levels)]
            evidence = ItemEvidence(
                item_id=plan.item_ids[item], assessed=bool(assessed[item, row]),
                observations=observations_of(plan, observations, row),
                levels=tuple(LevelEvidence(
                    level=value, mean=means[k],
                    mandatory_met=True if mandatory is None else bool(mandatory[k, item, row]))
                    for k, value in enumerate(plan.scale_values)),
                practices=_practices_of(plan, item, *inputs, row) if reads_practices else ())
            outcome = rule.evaluate_item(evidence)
            scores[item, row] = np.nan if outcome is None else outcome.score
            levels[item, row] = np.nan if outcome is None else outcome.level


def columnar_items(plan: Plan, values: Any, na: BoolArray | None, x: FloatArray,
                    scores: FloatArray, levels: FloatArray, assessed: BoolArray) -> None:
    """Items whose rule scores whole columns (``evaluate_columns``): one call per item."""
    rows = scores.shape[1]
    floating = values.dtype.kind == "f"
    no = np.zeros(rows, dtype=np.bool_)
    for item, rule, columns in plan.columnar_items:
        unknown = [np.isnan(values[:, j]) if floating else no for j in columns]
        not_applicable = [no if na is None else na[:, j] for j in columns]
        block = PracticeColumns(
            item_id=plan.item_ids[item],
            levels=tuple(plan.scale_values[k] for k in plan.practice_levels[columns]),
            values=tuple(x[:, j].astype(np.float64, copy=False) for j in columns),
            known=tuple(~(u & ~n) for u, n in zip(unknown, not_applicable, strict=True)),
            not_applicable=tuple(not_applicable), scale=tuple(plan.scale_values))
        item_scores, item_levels = rule.evaluate_columns(block)
        scores[item] = np.where(assessed[item], item_scores, np.nan)
        levels[item] = np.where(assessed[item], item_levels, np.nan)


def _pick(ordered: FloatArray, index: IntArray) -> FloatArray:
    picked: FloatArray = np.take_along_axis(ordered, index[:, None, :], axis=1)[:, 0]
    return picked


def _quantile(values: FloatArray, count: IntArray, q: float, *, lower: bool) -> FloatArray:
    """Over axis 1: rules.quantile_linear (or quantile_lower) of the non-NaN values, to the bit."""
    ordered = np.sort(values, axis=1)  # NaN (not assessed, padding) sorts last
    last = np.maximum(count - 1, 0)
    position = (count - 1).astype(np.float64) * q
    below = np.floor(position)
    index = np.clip(below, 0, values.shape[1] - 1).astype(np.intp)
    if lower:
        result = _pick(ordered, np.minimum(index, last))
    else:
        a = _pick(ordered, index)
        b = _pick(ordered, np.minimum(index + 1, values.shape[1] - 1))
        t = position - below
        diff = b - a
        with np.errstate(invalid="ignore"):
            result = np.where(t >= 0.5, b - diff * (1.0 - t), a + diff * t)
        result = np.where(below >= count - 1, _pick(ordered, last), result)
    return np.where(count > 0, result, np.nan)


def _np_quantile(columns: Sequence[Any], valid: Sequence[Any], q: float, lower: bool,
                 ) -> FloatArray:
    shape = np.broadcast_shapes(*(np.shape(c) for c in columns))
    oks = [np.broadcast_to(ok, shape) for ok in valid]  # a constant True or False too
    values = np.stack([np.where(ok, c, np.nan) for c, ok in zip(columns, oks, strict=True)],
                      axis=1)
    count = np.sum(np.stack(oks, axis=1), axis=1)
    return _quantile(values, count, q, lower=lower)


def _np_where(condition: Any, a: Any, b: Any) -> Any:
    # A constant condition (every child assessed) picks its side without a pass.
    if condition is True:
        return a
    if condition is False:
        return b
    return np.where(condition, a, b)


#: Many nodes and rows at once: NaN marks a child that is not assessed.
NP_OPS = Ops(where=_np_where, minimum=np.fmin, quantile=_np_quantile)


def aggregate_group(group: DomainGroup, scores: FloatArray, levels: FloatArray,
               ) -> tuple[FloatArray, FloatArray]:
    """One group of domains by its rule's ``aggregate_columns``: the object engine's code."""
    child_scores = scores[group.children]  # (domains, children, rows)
    child_levels = levels[group.children]
    valid = ~np.isnan(child_scores) & group.real[:, :, None]
    width = child_scores.shape[1]
    # Every child assessed (the usual case): the constant True, which a kernel's ``w * ok``
    # and ``where(ok, s, 0)`` turn into ``w`` and ``s`` without a pass over the rows.
    every = bool(valid.all())
    with np.errstate(invalid="ignore", divide="ignore"):
        score, level = group.rule.aggregate_columns(
            [child_scores[:, k] for k in range(width)],
            [child_levels[:, k] for k in range(width)],
            [group.weights[:, k, None] for k in range(width)],
            [True] * width if every else [valid[:, k] for k in range(width)], NP_OPS)
    assessed = valid.any(axis=1)
    return np.where(assessed, score, np.nan), np.where(assessed, level, np.nan)


def custom_aggregate_group(group: DomainGroup, scores: FloatArray, levels: FloatArray,
                      node_ids: tuple[str, ...]) -> tuple[FloatArray, FloatArray]:
    rows = scores.shape[1]
    out_scores = np.full((1, rows), np.nan)
    out_levels = np.full((1, rows), np.nan)
    kids = group.children[0, :group.child_counts[0]]
    weights = group.weights[0]
    for row in range(rows):
        children = [ChildOutcome(node_id=node_ids[kid], score=float(scores[kid, row]),
                                 level=int(levels[kid, row]), weight=float(weights[k]))
                    for k, kid in enumerate(kids) if not np.isnan(scores[kid, row])]
        if children:
            outcome = group.rule.aggregate(children)
            out_scores[0, row] = outcome.score
            out_levels[0, row] = outcome.level
    return out_scores, out_levels


