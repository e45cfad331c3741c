"""The batch kernel: DESIGN §2 on a block of assessments at once (private).

One call scores a block of rows small enough to stay in cache. The steps mirror
:mod:`maturity_model.scoring` layer by layer: answer values (NaN → 0, N/A → 0 with zero
weight), the ``enforce`` policy, per-level weighted sums, item rules, aggregation rules
by tree height, pooled coverage and answer counts. Custom rules are called row by row
through their own ``evaluate_item`` / ``aggregate`` (the object path).

Past the input, every array is laid out with the assessments on the last axis: per-level
sums are ``(levels, items, rows)`` (each level one contiguous plane), node results
``(nodes, rows)``. Each operation then runs over long contiguous vectors, and the outputs
are written node-major, which is how :class:`~maturity_model.batch.BatchResult` stores
them. float32 answers stay float32 until each term is added in float64.

:func:`score_items` does all that reads the answers, a chunk of rows small enough to stay
in cache at a time; :func:`aggregate` then scores the domains over several chunks at
once, since its steps are many and small.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from maturity_model._batch_plan import (
    BoolArray,
    FloatArray,
    Plan,
)
from maturity_model._batch_rules import (
    aggregate_group,
    band_items,
    columnar_items,
    custom_aggregate_group,
    custom_items,
    level_items,
)
from maturity_model.errors import AssessmentValidationError, Problem

#: Answer-count columns, in the order of :class:`maturity_model.Counts`.
COUNT_FIELDS = ("met", "partial", "not_met", "na", "unknown")
_MAX_PROBLEMS = 20


@attrs.frozen(eq=False)
class Outputs:
    """Node-major output arrays (or views of them) for some rows."""

    scores: FloatArray  # (nodes, rows), NaN where not assessed
    levels: NDArray[np.int16]  # (nodes, rows), -1 where not assessed
    coverage: FloatArray | None  # (levels, nodes, rows)
    counts: NDArray[np.int32] | None  # (nodes, 5, rows)

    @classmethod
    def allocate(cls, plan: Plan, rows: int, *, coverage: bool, counts: bool) -> Outputs:
        """Uninitialised arrays for ``rows`` assessments."""
        nodes = plan.n_nodes
        return cls(scores=np.empty((nodes, rows)), levels=np.empty((nodes, rows), np.int16),
                   coverage=np.empty((plan.n_levels, nodes, rows)) if coverage else None,
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
        self._zeros: dict[tuple[str, np.dtype[Any]], NDArray[Any]] = {}

    def take(self, name: str, shape: tuple[int, ...], dtype: Any = np.float64,
             ) -> NDArray[Any]:
        """An uninitialised array of ``shape`` (a view of the buffer called ``name``).

        Taking a name again reuses its memory: the earlier view must be dead by then.
        """
        return _view(self._buffers, (name, np.dtype(dtype)), shape, np.empty)

    def zeros(self, shape: tuple[int, ...], dtype: Any = np.float64) -> NDArray[Any]:
        """A zero array of ``shape``, kept for the next call: never write to it."""
        return _view(self._zeros, ("zeros", np.dtype(dtype)), shape, np.zeros)


def _view(store: dict[tuple[str, np.dtype[Any]], NDArray[Any]],
          key: tuple[str, np.dtype[Any]], shape: tuple[int, ...],
          make: Callable[..., NDArray[Any]]) -> NDArray[Any]:
    """A view of ``shape`` on the buffer ``store[key]``, made (larger) by ``make`` if need be."""
    size = int(np.prod(shape))
    buffer = store.get(key)
    if buffer is None or buffer.size < size:
        buffer = store[key] = make(size, dtype=key[1])
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
    problems = [Problem.of(
        "invalid-value", f"values[{row_offset + int(r)}, {plan.practice_ids[int(c)]!r}]",
        f"answer {float(values[r, c])!r} to {plan.practice_ids[int(c)]!r} is not in [0, 1]")
        for r, c in zip(rows[:_MAX_PROBLEMS], cols[:_MAX_PROBLEMS], strict=True)]
    if len(rows) > _MAX_PROBLEMS:
        problems.append(Problem.of("invalid-value", "values",
                                   f"... and {len(rows) - _MAX_PROBLEMS} more"))
    raise AssessmentValidationError(problems)


def _answer_values(plan: Plan, values: Any, na: BoolArray | None,
                   row_offset: int, work: Workspace | None = None) -> FloatArray:
    """Values as float64 with NaN and N/A set to 0; raises on answers outside [0, 1]."""
    # Checked on the input first (NaN, nothing but unknowns, compares false). An N/A cell
    # may hold anything, so with a mask a value out of range is looked at again below,
    # after the N/A cells are cleared; in range, nothing is.
    checked = False
    if values.size and values.dtype.kind == "f":
        low, high = np.fmin.reduce(values, axis=None), np.fmax.reduce(values, axis=None)
        checked = not (low < 0.0 or high > 1.0)
        if not checked and na is None:
            _invalid(plan, values, na, row_offset)
    # Practice-major in memory (a transposed view): a practice's column is contiguous,
    # which is how every later step reads it. The conversion copy does the transposing.
    # float32 answers stay float32 (half the bytes to move): every float32 is a float64
    # exactly, and the sums convert each term to float64 before adding it.
    dtype = np.float32 if values.dtype in (np.float16, np.float32) else np.float64
    x: FloatArray = _take(work, "x", (values.shape[1], values.shape[0]), dtype).T
    np.copyto(x, values, casting="unsafe")
    if na is not None:
        np.copyto(x, 0.0, where=na)
    if x.size and not checked:
        low, high = np.fmin.reduce(x, axis=None), np.fmax.reduce(x, axis=None)
        if low < 0.0 or high > 1.0:
            _invalid(plan, values, na, row_offset)
    # Unknown (NaN) counts as 0. Against an array of zeros rather than the scalar 0: numpy
    # runs fmax several times faster when both operands are arrays.
    zeros = (np.zeros if work is None else work.zeros)(x.shape[::-1], x.dtype).T
    np.fmax(x, zeros, out=x)
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


def _item_sums(plan: Plan, y: FloatArray | BoolArray, *, per_level: bool,
               work: Workspace | None = None, name: str = "sums") -> FloatArray:
    """Σ weight·y per level and item (last level: all), or Σ y per item: ``(k, items, rows)``.

    ``y`` may be boolean (which practices count, for the level weights): each term is
    then 0 or 1 (times the weight), converted to float64 as it is added, with no float
    copy of the whole mask first.

    Level-major, so that each level's plane of items and rows is one contiguous block.

    Per level, the terms are added one practice after another in document order, as the
    object engine adds them, so the sums are equal to the bit. Plain sums (``per_level``
    false, used for counts of 0/1 values, exact in any order) take one batched matmul.
    """
    rows = y.shape[0]
    depth = plan.n_levels + 1 if per_level else 1
    out: FloatArray = _take(work, name, (depth, len(plan.item_ids), rows))
    if not plan.item_widths.all():  # an item without practices sums to 0
        out.fill(0.0)
    if not per_level:
        for cls in plan.classes:
            n = len(cls.items)
            if cls.first_column >= 0:
                block = y[:, cls.first_column:cls.first_column + n * cls.width]
            else:
                block = y[:, cls.columns]
            stacked = block.reshape(rows, n, cls.width).transpose(1, 0, 2)
            out[0, cls.items] = np.matmul(stacked, cls.ones)[:, :, 0]
        return out
    columns_first: NDArray[Any] = y.T  # practice-major, as _answer_values lays it out
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
                target = out[:, cls.first_item + lo:cls.first_item + lo + len(group.slots)]
            else:
                part = block[group.slots]
                target = np.zeros((depth, len(group.slots), rows))
            for level, positions in enumerate(_positions_by_level(group.levels,
                                                                  plan.n_levels)):
                terms = (part[:, p] if group.weights is None
                         else part[:, p] * group.weights[:, p] for p in positions)
                if len(positions) == 0:
                    target[level] = 0.0
                elif len(positions) == 1:
                    target[level] = next(terms)
                else:  # the first two in one step: (a + b) + c ..., as a Python sum
                    np.add(next(terms), next(terms), out=target[level], dtype=np.float64)
                    for term in terms:
                        target[level] += term
            np.sum(target[:plan.n_levels], axis=0, out=target[plan.n_levels])
            if not whole:
                out[:, cls.items[group.slots]] = target
    return out


@functools.cache
def _positions_by_level(levels: tuple[int, ...], n_levels: int) -> tuple[tuple[int, ...], ...]:
    """For each level index, the positions of its practices, in document order."""
    return tuple(tuple(p for p, level in enumerate(levels) if level == k)
                 for k in range(n_levels))


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
    return ok.reshape(len(plan.item_ids), plan.n_levels, rows).transpose(1, 0, 2)


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


def _ordered_sum(terms: NDArray[Any]) -> NDArray[Any]:
    """Sum over axis 1, strictly left to right (numpy may pair terms up otherwise)."""
    total: NDArray[Any] = terms[:, 0].copy()
    for k in range(1, terms.shape[1]):
        total += terms[:, k]
    return total


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
                                          per_level=False)[0])
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
    node_levels = _take(work, "node_levels", out.scores.shape)
    score_items(plan, values, na, observations, out, node_levels, row_offset=row_offset,
                work=work)
    aggregate(plan, out, node_levels)


def score_items(plan: Plan, values: Any, na: BoolArray | None,
                observations: FloatArray | None, out: Outputs, node_levels: FloatArray, *,
                row_offset: int = 0, work: Workspace | None = None) -> None:
    """Everything that reads the answers: items, coverage and counts of every node.

    Item rows go to ``out.scores`` and ``node_levels`` (NaN: not assessed). The domain
    rows are left to :func:`aggregate`, which a caller may run on several of these blocks
    at once: it reads only item results, and its many small steps cost less on longer
    rows.
    """
    rows = values.shape[0]
    if na is not None and not na.any():
        na = None
    x = _answer_values(plan, values, na, row_offset, work)
    _enforce(plan, x, na)
    mandatory = _mandatory_ok(plan, x, na)
    sums = _item_sums(plan, x, per_level=True, work=work)
    levels = plan.n_levels
    weights = (plan.full_weights if na is None
               else _item_sums(plan, ~na, per_level=True,
                               work=work, name="weights")[:levels])
    item_levels, item_scores = level_items(
        plan, sums, weights, na, mandatory,
        _take(work, "means", (levels + 1, len(plan.item_ids), rows)))
    assessed = _assessed(plan, values, na, sums[levels])
    unassessed = ~assessed
    np.copyto(item_scores, np.nan, where=unassessed)
    np.copyto(item_levels, np.nan, where=unassessed)
    band_items(plan, observations, item_scores, item_levels)
    if plan.columnar_items:
        columnar_items(plan, values, na, x, item_scores, item_levels, assessed)
    if plan.custom_items:
        custom_items(plan, sums, weights, mandatory, assessed, observations, item_scores,
                      item_levels, (values, na, x))
    out.scores[plan.item_nodes] = item_scores
    node_levels[plan.item_nodes] = item_levels

    if out.coverage is not None:
        # Level-major like the sums, (levels, nodes + 1, rows), the last node a zero pad;
        # every other node is an item or a domain, written below.
        pooled_sums = _take(work, "pooled", (levels, plan.n_nodes + 1, rows))
        pooled_sums[:, -1] = 0.0
        pooled_sums[:, plan.item_nodes] = sums[:levels]
        _pool(plan, pooled_sums.transpose(1, 0, 2))
        # With nothing N/A the weights are the same for every row: one column, not one per row.
        pooled_weights = np.zeros((levels, plan.n_nodes + 1, weights.shape[2]))
        pooled_weights[:, plan.item_nodes] = weights
        _pool(plan, pooled_weights.transpose(1, 0, 2))
        counted = pooled_weights[:, :-1]
        if (counted > 0.0).all():  # no vacuous level anywhere
            np.divide(pooled_sums[:, :-1], counted, out=out.coverage)
        else:
            out.coverage.fill(np.nan)
            np.divide(pooled_sums[:, :-1], counted, out=out.coverage, where=counted > 0.0)
    if out.counts is not None:
        node_counts = np.zeros((plan.n_nodes + 1, 5, rows), dtype=np.int32)
        node_counts[plan.item_nodes] = _counts(plan, values, na, x)
        _pool(plan, node_counts)
        out.counts[...] = node_counts[:-1]


def aggregate(plan: Plan, out: Outputs, node_levels: FloatArray) -> None:
    """Every domain and the root from the item rows :func:`score_items` wrote; levels out."""
    scores = out.scores
    for group in plan.groups:
        if group.builtin:
            s, lv = aggregate_group(group, scores, node_levels)
        else:
            s, lv = custom_aggregate_group(group, scores, node_levels, plan.node_ids)
        scores[group.nodes] = s
        node_levels[group.nodes] = lv
    np.fmax(node_levels, -1.0, out=node_levels)  # not assessed: -1
    np.copyto(out.levels, node_levels, casting="unsafe")


def judge_metrics(plan: Plan, values: FloatArray, observations: FloatArray,
                  missing: BoolArray) -> None:
    """Fill ``values`` where ``missing`` for practices judged from a metric (in place)."""
    for column, observation, threshold, lower in plan.metric_practices:
        observed = observations[:, observation]
        take = missing[:, column] & ~np.isnan(observed)
        met = observed <= threshold if lower else observed >= threshold
        values[take, column] = np.where(met[take], 1.0, 0.0)
