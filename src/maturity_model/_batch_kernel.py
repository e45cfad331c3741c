"""The batch kernel: DESIGN §2 on a block of assessments at once (private).

One call scores a block of rows small enough to stay in cache. The steps mirror
:mod:`maturity_model.scoring` layer by layer: answer values (NaN → 0, N/A → 0 with zero
weight), the ``enforce`` policy, per-level weighted sums, item rules, aggregation rules
by tree height, pooled coverage and answer counts. Custom rules are called row by row
through their own ``evaluate_item`` / ``aggregate`` (the object path).

Past the input, every array is laid out with the assessments on the last axis: per-level
sums are ``(items, levels, rows)``, node results ``(nodes, rows)``. Each operation then
runs over long contiguous vectors, and the outputs are written node-major, which is how
:class:`~maturity_model.batch.BatchResult` stores them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._aggregation_rules import Ops
from maturity_model._batch_plan import (
    BoolArray,
    DomainGroup,
    FloatArray,
    IntArray,
    Plan,
)
from maturity_model.errors import AssessmentValidationError, Problem
from maturity_model.evidence import _status_of
from maturity_model.rules import (
    ChildOutcome,
    ItemEvidence,
    LevelEvidence,
    PracticeColumns,
    PracticeEvidence,
)

#: Answer-count columns, in the order of :class:`maturity_model.Counts`.
COUNT_FIELDS = ("met", "partial", "not_met", "na", "unknown")
_MAX_PROBLEMS = 20


@attrs.frozen(eq=False)
class Outputs:
    """Node-major output arrays (or views of them) for some rows."""

    scores: FloatArray  # (nodes, rows), NaN where not assessed
    levels: NDArray[np.int16]  # (nodes, rows), -1 where not assessed
    coverage: FloatArray | None  # (nodes, levels, rows)
    counts: NDArray[np.int32] | None  # (nodes, 5, rows)

    @classmethod
    def allocate(cls, plan: Plan, rows: int, *, coverage: bool, counts: bool) -> Outputs:
        """Uninitialised arrays for ``rows`` assessments."""
        nodes = plan.n_nodes
        return cls(scores=np.empty((nodes, rows)), levels=np.empty((nodes, rows), np.int16),
                   coverage=np.empty((nodes, plan.n_levels, rows)) if coverage else None,
                   counts=np.empty((nodes, 5, rows), np.int32) if counts else None)

    def rows(self, start: int, stop: int) -> Outputs:
        """Views of rows ``start:stop``."""
        return Outputs(
            scores=self.scores[:, start:stop], levels=self.levels[:, start:stop],
            coverage=None if self.coverage is None else self.coverage[:, :, start:stop],
            counts=None if self.counts is None else self.counts[:, :, start:stop])


class Workspace:
    """Work buffers shared by the chunks of one call.

    A chunk's large temporaries are taken from here rather than allocated afresh: the C
    allocator would otherwise hand each chunk new pages (and return them after it), and
    the page faults cost more than the arithmetic. Not shared between threads.
    """

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, np.dtype[Any]], NDArray[Any]] = {}

    def take(self, name: str, shape: tuple[int, ...], dtype: Any = np.float64,
             ) -> NDArray[Any]:
        """An uninitialised array of ``shape`` (a view of the buffer called ``name``).

        Taking a name again reuses its memory: the earlier view must be dead by then.
        """
        key = (name, np.dtype(dtype))
        size = int(np.prod(shape))
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = np.empty(size, dtype=dtype)
            self._buffers[key] = buffer
        return buffer[:size].reshape(shape)


def _take(work: Workspace | None, name: str, shape: tuple[int, ...],
          dtype: Any = np.float64) -> NDArray[Any]:
    return np.empty(shape, dtype=dtype) if work is None else work.take(name, shape, dtype)


def _invalid(plan: Plan, values: Any, na: BoolArray | None, row_offset: int) -> None:
    with np.errstate(invalid="ignore"):
        bad = (values < 0) | (values > 1)
    if na is not None:
        bad &= ~na
    rows, cols = np.nonzero(bad)
    problems = [Problem.error(
        "invalid-value", f"values[{row_offset + int(r)}, {plan.practice_ids[int(c)]!r}]",
        f"answer {float(values[r, c])!r} to {plan.practice_ids[int(c)]!r} is not in [0, 1]")
        for r, c in zip(rows[:_MAX_PROBLEMS], cols[:_MAX_PROBLEMS], strict=True)]
    if len(rows) > _MAX_PROBLEMS:
        problems.append(Problem.error("invalid-value", "values",
                                      f"... and {len(rows) - _MAX_PROBLEMS} more"))
    raise AssessmentValidationError(problems)


def _answer_values(plan: Plan, values: Any, na: BoolArray | None,
                   row_offset: int, work: Workspace | None = None) -> FloatArray:
    """Values as float64 with NaN and N/A set to 0; raises on answers outside [0, 1]."""
    if values.size and values.dtype.kind == "f" and na is None:
        low, high = np.fmin.reduce(values, axis=None), np.fmax.reduce(values, axis=None)
        if low < 0.0 or high > 1.0:  # NaN (nothing but unknowns) compares false
            _invalid(plan, values, na, row_offset)
    # Practice-major in memory (a transposed view): a practice's column is contiguous,
    # which is how every later step reads it. The conversion copy does the transposing.
    x: FloatArray = _take(work, "x", (values.shape[1], values.shape[0])).T
    np.copyto(x, values, casting="unsafe")
    if na is not None:
        np.copyto(x, 0.0, where=na)
    if x.size and (values.dtype.kind != "f" or na is not None):
        low, high = np.fmin.reduce(x, axis=None), np.fmax.reduce(x, axis=None)
        if low < 0.0 or high > 1.0:
            _invalid(plan, values, na, row_offset)
    np.fmax(x, 0.0, out=x)  # unknown (NaN) counts as 0
    return x


def _enforce(plan: Plan, x: FloatArray, na: BoolArray | None) -> None:
    """Zero every practice whose prerequisite closure holds an unmet practice (in place)."""
    deps = plan.dependencies
    if deps is None:
        return
    unmet = x[:, deps.columns].T < 1.0  # (practices involved, rows)
    if na is not None:
        unmet &= ~na[:, deps.columns].T  # an N/A prerequisite is met
    bad = np.zeros((len(deps.columns) + 1, x.shape[0]), dtype=np.bool_)
    bad[:-1] = unmet
    blocked = np.zeros((len(deps.blockable), x.shape[0]), dtype=np.bool_)
    for generation in deps.generations:
        closure_unmet = bad[generation.requirements].any(axis=1)
        bad[generation.members] |= closure_unmet
        blocked[generation.slots] = closure_unmet
    sub = x[:, deps.blockable]
    sub[blocked.T] = 0.0  # N/A cells are 0 already: an N/A practice stays N/A
    x[:, deps.blockable] = sub


def _item_sums(plan: Plan, y: FloatArray, *, per_level: bool, work: Workspace | None = None,
               name: str = "sums") -> FloatArray:
    """Σ weight·y per item and level (last level: all), or Σ y per item: ``(items, k, rows)``.

    Per level, the terms are added one practice after another in document order, as the
    object engine adds them, so the sums are equal to the bit. Plain sums (``per_level``
    false, used for counts of 0/1 values, exact in any order) take one batched matmul.
    """
    rows = y.shape[0]
    depth = plan.n_levels + 1 if per_level else 1
    out: FloatArray = _take(work, name, (len(plan.item_ids), depth, rows))
    out.fill(0.0)
    if not per_level:
        for cls in plan.classes:
            n = len(cls.items)
            if cls.first_column >= 0:
                block = y[:, cls.first_column:cls.first_column + n * cls.width]
            else:
                block = y[:, cls.columns]
            stacked = block.reshape(rows, n, cls.width).transpose(1, 0, 2)
            out[cls.items] = np.matmul(stacked, cls.ones).transpose(0, 2, 1)
        return out
    columns_first: FloatArray = y.T  # practice-major, as _answer_values lays it out
    if not columns_first.flags.c_contiguous:
        columns_first = np.ascontiguousarray(columns_first)
    for cls in plan.classes:
        n, width = len(cls.items), cls.width
        if cls.first_column >= 0:
            block = columns_first[cls.first_column:cls.first_column + n * width]
        else:
            block = columns_first[cls.columns]
        block = block.reshape(n, width, rows)
        for group in cls.groups:
            whole = group.first_slot >= 0 and cls.first_item >= 0
            if whole:
                lo = group.first_slot
                part = block[lo:lo + len(group.slots)]
                target = out[cls.first_item + lo:cls.first_item + lo + len(group.slots)]
            else:
                part = block[group.slots]
                target = np.zeros((len(group.slots), depth, rows))
            started = [False] * plan.n_levels
            for position, level in enumerate(group.levels):
                term = part[:, position]
                if group.weights is not None:
                    term = term * group.weights[:, position]
                if started[level]:
                    target[:, level] += term
                else:
                    target[:, level] = term
                    started[level] = True
            np.sum(target[:, :plan.n_levels], axis=1, out=target[:, plan.n_levels])
            if not whole:
                out[cls.items[group.slots]] = target
    return out


def _mandatory_ok(plan: Plan, x: FloatArray, na: BoolArray | None) -> BoolArray | None:
    mandatory = plan.mandatory
    if mandatory is None:
        return None
    rows = x.shape[0]
    fail = (x[:, mandatory.columns] < 1.0).T
    if na is not None:
        fail &= ~na[:, mandatory.columns].T  # an N/A mandatory practice does not block
    ok = np.ones((len(plan.item_ids) * plan.n_levels, rows), dtype=np.bool_)
    for positions, groups in mandatory.ranks:
        ok[groups] &= ~fail[positions]
    return ok.reshape(len(plan.item_ids), plan.n_levels, rows)


def _assessed(plan: Plan, values: Any, na: BoolArray | None, total: FloatArray) -> BoolArray:
    """Items with an answer other than N/A and unknown: ``(items, rows)``.

    A positive weighted sum proves one; only items whose values are all 0 are looked at
    again, in the input.
    """
    assessed: BoolArray = total > 0.0
    candidates = ~assessed & (plan.item_widths > 0)[:, None]
    if not candidates.any():
        return assessed
    floating = values.dtype.kind == "f"
    for cls in plan.classes:
        slots, rows = np.nonzero(candidates[cls.items])
        if not len(rows):
            continue
        columns = cls.columns.reshape(len(cls.items), cls.width)[slots]
        picked = rows[:, None]
        evidenced = np.ones(columns.shape, dtype=np.bool_)
        if floating:
            evidenced = ~np.isnan(values[picked, columns])
        if na is not None:
            evidenced &= ~na[picked, columns]
        assessed[cls.items[slots], rows] = evidenced.any(axis=1)
    return assessed


def _items(plan: Plan, sums: FloatArray, weights: FloatArray, na: BoolArray | None,
           mandatory: BoolArray | None, work: Workspace | None = None,
           ) -> tuple[FloatArray, FloatArray]:
    """Level and score of every item whose rule reads level means (``evaluate_levels``).

    Each rule runs once on columns holding all of its items and rows: the same code the
    object engine runs on one item's floats.
    """
    n_items, levels, rows = len(plan.item_ids), plan.n_levels, sums.shape[2]
    if na is None:
        safe, vacuous = plan.safe_weights, plan.vacuous
    else:
        vacuous = weights <= 0.0
        safe = np.where(vacuous, 1.0, weights)
    # m(L), 0 where vacuous (what a staircase score and a level sum add for such a level),
    # and a last plane of 0: what the staircase adds at the top of the scale.
    means = _take(work, "means", (n_items, levels + 1, rows))
    means[:, levels] = 0.0
    np.divide(sums[:, :levels], safe, out=means[:, :levels])
    item_levels = np.full((n_items, rows), np.nan)
    item_scores = np.full((n_items, rows), np.nan)
    for group in plan.level_rules:
        chosen: Any = group.span if group.span is not None else group.items
        m = means[chosen]
        v = vacuous[chosen]
        score, level = group.rule.evaluate_levels(
            [m[:, k] for k in range(levels + 1)], [v[:, k] for k in range(levels)],
            [True] * levels if mandatory is None
            else [mandatory[chosen, k] for k in range(levels)], plan.first)
        item_scores[chosen] = score
        item_levels[chosen] = level
    return item_levels, item_scores


def _bands(plan: Plan, observations: FloatArray | None, scores: FloatArray,
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


def _observations_of(plan: Plan, observations: FloatArray | None, row: int,
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


def _custom_items(plan: Plan, sums: FloatArray, weights: FloatArray,
                  mandatory: BoolArray | None, assessed: BoolArray,
                  observations: FloatArray | None, scores: FloatArray,
                  levels: FloatArray, inputs: tuple[Any, BoolArray | None, FloatArray],
                  ) -> None:
    for item, rule in plan.custom_items:
        reads_practices = getattr(type(rule), "reads_practices", False)
        for row in range(scores.shape[1]):
            means = [None if weights[item, k, min(row, weights.shape[2] - 1)] <= 0.0
                     else float(sums[item, k, row] / weights[item, k,
                                                          min(row, weights.shape[2] - 1)])
                     for k in range(plan.n_levels)]
            evidence = ItemEvidence(
                item_id=plan.item_ids[item], assessed=bool(assessed[item, row]),
                observations=_observations_of(plan, observations, row),
                levels=tuple(LevelEvidence(
                    level=value, mean=means[k],
                    mandatory_met=True if mandatory is None else bool(mandatory[item, k, row]))
                    for k, value in enumerate(plan.scale_values)),
                practices=_practices_of(plan, item, *inputs, row) if reads_practices else ())
            outcome = rule.evaluate_item(evidence)
            scores[item, row] = np.nan if outcome is None else outcome.score
            levels[item, row] = np.nan if outcome is None else outcome.level


def _columnar_items(plan: Plan, values: Any, na: BoolArray | None, x: FloatArray,
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
            values=tuple(x[:, j] for j in columns),
            known=tuple(~(u & ~n) for u, n in zip(unknown, not_applicable, strict=True)),
            not_applicable=tuple(not_applicable))
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


def _ordered_sum(terms: NDArray[Any]) -> NDArray[Any]:
    """Sum over axis 1, strictly left to right (numpy may pair terms up otherwise)."""
    total: NDArray[Any] = terms[:, 0].copy()
    for k in range(1, terms.shape[1]):
        total += terms[:, k]
    return total


def _np_quantile(columns: Sequence[Any], valid: Sequence[Any], q: float, lower: bool,
                 ) -> FloatArray:
    values = np.stack([np.where(ok, c, np.nan) for c, ok in zip(columns, valid, strict=True)],
                      axis=1)
    count = np.sum(np.stack(valid, axis=1), axis=1)
    return _quantile(values, count, q, lower=lower)


#: Many nodes and rows at once: NaN marks a child that is not assessed.
NP_OPS = Ops(where=np.where, minimum=np.fmin, quantile=_np_quantile)


def _aggregate(group: DomainGroup, scores: FloatArray, levels: FloatArray,
               ) -> tuple[FloatArray, FloatArray]:
    """One group of domains by its rule's ``aggregate_columns``: the object engine's code."""
    child_scores = scores[group.children]  # (domains, children, rows)
    child_levels = levels[group.children]
    valid = ~np.isnan(child_scores) & group.real[:, :, None]
    width = child_scores.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        score, level = group.rule.aggregate_columns(
            [child_scores[:, k] for k in range(width)],
            [child_levels[:, k] for k in range(width)],
            [group.weights[:, k, None] for k in range(width)],
            [valid[:, k] for k in range(width)], NP_OPS)
    assessed = valid.any(axis=1)
    return np.where(assessed, score, np.nan), np.where(assessed, level, np.nan)


def _custom_aggregate(group: DomainGroup, scores: FloatArray, levels: FloatArray,
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


def _counts(plan: Plan, values: Any, na: BoolArray | None, x: FloatArray,
            ) -> NDArray[np.int32]:
    """Answers by kind per item: ``(items, 5, rows)``."""
    if values.dtype.kind == "f":
        unknown = np.isnan(values)
    else:
        unknown = np.zeros(values.shape, dtype=np.bool_)
    not_applicable = na if na is not None else np.zeros(values.shape, dtype=np.bool_)
    unknown &= ~not_applicable
    evidenced = ~(unknown | not_applicable)
    channels = {0: evidenced & (x >= 1.0), 1: evidenced & (x > 0.0) & (x < 1.0),
                3: not_applicable, 4: unknown}
    counts = np.zeros((len(plan.item_ids), 5, values.shape[0]), dtype=np.int32)
    for k, channel in channels.items():
        counts[:, k] = np.rint(_item_sums(plan, channel.astype(np.float64),
                                          per_level=False)[:, 0])
    counts[:, 2] = plan.item_widths[:, None] - counts.sum(axis=1)
    return counts


def _pool(plan: Plan, out: FloatArray | NDArray[np.int32]) -> None:
    """Sum children into every domain, leaves first (``out`` has a zero row at the end)."""
    for group in plan.groups:  # child by child, as the object engine pools them
        out[group.nodes] = _ordered_sum(out[group.pooled_children])


def score_block(plan: Plan, values: Any, na: BoolArray | None,
                observations: FloatArray | None, out: Outputs, *,
                row_offset: int = 0, work: Workspace | None = None) -> None:
    """Score ``values[rows, practices]`` (NaN unknown, ``na`` N/A) into ``out``."""
    rows = values.shape[0]
    if na is not None and not na.any():
        na = None
    x = _answer_values(plan, values, na, row_offset, work)
    _enforce(plan, x, na)
    mandatory = _mandatory_ok(plan, x, na)
    sums = _item_sums(plan, x, per_level=True, work=work)
    levels = plan.n_levels
    weights = (plan.full_weights if na is None
               else _item_sums(plan, (~na.T).astype(np.float64).T, per_level=True,
                               work=work, name="weights")[:, :levels])
    item_levels, item_scores = _items(plan, sums, weights, na, mandatory, work)
    assessed = _assessed(plan, values, na, sums[:, levels])
    item_scores[~assessed] = np.nan
    item_levels[~assessed] = np.nan
    _bands(plan, observations, item_scores, item_levels)
    if plan.columnar_items:
        _columnar_items(plan, values, na, x, item_scores, item_levels, assessed)
    if plan.custom_items:
        _custom_items(plan, sums, weights, mandatory, assessed, observations, item_scores,
                      item_levels, (values, na, x))

    scores = out.scores
    node_levels = np.full(scores.shape, np.nan)
    scores.fill(np.nan)
    scores[plan.item_nodes] = item_scores
    node_levels[plan.item_nodes] = item_levels
    for group in plan.groups:
        if group.builtin:
            s, lv = _aggregate(group, scores, node_levels)
        else:
            s, lv = _custom_aggregate(group, scores, node_levels, plan.node_ids)
        scores[group.nodes] = s
        node_levels[group.nodes] = lv
    np.fmax(node_levels, -1.0, out=node_levels)  # not assessed: -1
    np.copyto(out.levels, node_levels, casting="unsafe")

    if out.coverage is not None:
        pooled_sums = _take(work, "pooled", (plan.n_nodes + 1, levels, rows))
        pooled_sums.fill(0.0)
        pooled_sums[plan.item_nodes] = sums[:, :levels]
        _pool(plan, pooled_sums)
        # With nothing N/A the weights are the same for every row: pool them once.
        pooled_weights = np.zeros((plan.n_nodes + 1, levels, weights.shape[2]))
        pooled_weights[plan.item_nodes] = weights
        _pool(plan, pooled_weights)
        out.coverage.fill(np.nan)
        np.divide(pooled_sums[:-1], pooled_weights[:-1], out=out.coverage,
                  where=pooled_weights[:-1] > 0.0)
    if out.counts is not None:
        node_counts = np.zeros((plan.n_nodes + 1, 5, rows), dtype=np.int32)
        node_counts[plan.item_nodes] = _counts(plan, values, na, x)
        _pool(plan, node_counts)
        out.counts[...] = node_counts[:-1]


def judge_metrics(plan: Plan, values: FloatArray, observations: FloatArray,
                  missing: BoolArray) -> None:
    """Fill ``values`` where ``missing`` for practices judged from a metric (in place)."""
    for column, observation, threshold, lower in plan.metric_practices:
        observed = observations[:, observation]
        take = missing[:, column] & ~np.isnan(observed)
        met = observed <= threshold if lower else observed >= threshold
        values[take, column] = np.where(met[take], 1.0, 0.0)
